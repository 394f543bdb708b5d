"""One benchmark run for one async mode: start the server and the client processes, drive
the questions, the on-air fan-out, a silent site and the saturation bursts (questions over
HTTP, then over the open socket); then the same transport load against the bare
python-socketio server. Returns the metrics dict."""

import asyncio
import multiprocessing as mp
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import aiohttp
import socketio

from bench import procstats, profiler
from bench.clients import run_clients
from tests.support.cluster import http, login_cookie, mint_token
from tests.support.processes import ROOT, ServerProcess, free_port, stop_process, wait_for_http

EVENT = "demo-forum"
FULL = {
    "phones": 2000,
    "phone_procs": 4,
    "sites": 441,
    "moderators": 10,
    "overlays": 5,
    "questions": 5000,
    "question_s": 60,
    "beat_s": 5.0,
    "offline_s": 20.0,
    "saturation": 1500,
}
QUICK = {
    "phones": 200,
    "phone_procs": 1,
    "sites": 100,
    "moderators": 3,
    "overlays": 2,
    "questions": 400,
    "question_s": 10,
    "beat_s": 2.0,
    "offline_s": 5.0,
    "saturation": 300,
}


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1)))))
    return values[k]


class Sampler(threading.Thread):
    """RSS and CPU of the server process tree, once a second."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.rss, self.stop_flag = pid, [], threading.Event()

    def run(self):
        while not self.stop_flag.is_set():
            self.rss.append(procstats.rss_mb(self.pid))
            self.stop_flag.wait(1.0)


def _start_workers(url, scale, tokens, cookie):
    ctx = mp.get_context("fork")
    ready_q, result_q, stop_evt = ctx.Queue(), ctx.Queue(), ctx.Event()
    specs = []
    per = scale["phones"] // scale["phone_procs"]
    for _ in range(scale["phone_procs"]):
        specs.append({"kind": "phone", "namespace": "/public", "count": per, "url": url, "event": EVENT})
    specs.append(
        {
            "kind": "site",
            "namespace": "/site",
            "count": len(tokens),
            "tokens": tokens,
            "url": url,
            "beat_s": scale["beat_s"],
        }
    )
    specs.append(
        {
            "kind": "moderator",
            "namespace": "/moderation",
            "count": scale["moderators"],
            "url": url,
            "event": EVENT,
            "cookie": cookie,
        }
    )
    specs.append({"kind": "overlay", "namespace": "/overlay", "count": scale["overlays"], "url": url, "event": EVENT})
    if cookie:
        specs.append({"kind": "crew", "namespace": "/crew", "count": 1, "url": url, "event": EVENT, "cookie": cookie})
    return launch_workers(ctx, specs, ready_q, result_q, stop_evt, ready_timeout=300)


def launch_workers(ctx, specs, ready_q, result_q, stop_evt, ready_timeout):
    """One client process per spec; waits until each says how many of its clients connected."""
    procs = [ctx.Process(target=run_clients, args=(spec, ready_q, result_q, stop_evt), daemon=True) for spec in specs]
    for p in procs:
        p.start()
    ready = {}
    for _ in specs:
        kind, n = ready_q.get(timeout=ready_timeout)
        ready[kind] = ready.get(kind, 0) + n
    return procs, result_q, stop_evt, ready


def _stop_workers(procs, result_q, stop_evt, timeout=120):
    stop_evt.set()
    records = {}
    for _ in procs:
        kind, rec = result_q.get(timeout=timeout)
        records.setdefault(kind, []).append(rec)
    for p in procs:
        p.join(timeout=10)
    return records


async def _submit_all(url, client_ids, duration, concurrency=64, event=EVENT, query=""):
    """Submit at a steady rate over ``duration``; retry each (same client id) until acked
    (``query`` is appended to the URL: ``?node=b`` pins the requests to one process behind nginx)."""
    sent, acked = {}, {}
    sem = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as session:

        async def one(cid):
            async with sem:
                for attempt in range(6):
                    sent.setdefault(cid, time.time())
                    try:
                        async with session.post(
                            url + "/api/v1/questions" + query,
                            headers={"X-Device-Id": cid},
                            json={"event": event, "kind": "question", "text": f"bench {cid}", "client_id": cid},
                        ) as r:
                            if r.status in (200, 201):
                                acked[cid] = ((await r.json())["id"], time.time())
                                return
                    except (TimeoutError, aiohttp.ClientError):
                        pass
                    await asyncio.sleep(0.5 * (attempt + 1))

        tasks = []
        start = time.monotonic()
        gap = duration / max(1, len(client_ids))
        for i, cid in enumerate(client_ids):
            delay = start + i * gap - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.ensure_future(one(cid)))
        await asyncio.gather(*tasks)
    return sent, acked


async def _saturate(url, n, concurrency=20):
    done = 0
    ids = [uuid.uuid4().hex for _ in range(n)]
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:

        async def worker():
            nonlocal done
            while ids:
                cid = ids.pop()
                async with session.post(
                    url + "/api/v1/questions",
                    headers={"X-Device-Id": cid},
                    json={"event": EVENT, "kind": "question", "text": f"sat {cid}", "client_id": cid},
                ) as r:
                    if r.status in (200, 201):
                        done += 1

        start = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done / (time.monotonic() - start)


async def _saturate_socket(url, n, concurrency=20):
    """Questions per second over the socket: ``concurrency`` phones on ``/public``, each
    submitting (``submit_question``, acked after the commit) and waiting for its ack before the
    next, as ask.js does. Counted over the submissions alone (connecting is not timed)."""
    ids = [uuid.uuid4().hex for _ in range(n)]
    clients = []
    for _ in range(concurrency):
        client = socketio.AsyncClient(reconnection=False)
        await client.connect(
            url, namespaces=["/public"], auth={"event": EVENT}, transports=["websocket"], wait_timeout=30
        )
        clients.append(client)
    done = 0

    async def worker(client):
        nonlocal done
        while ids:
            cid = ids.pop()
            ack = await client.call(
                "submit_question",
                {"event": EVENT, "kind": "question", "text": f"sock {cid}", "client_id": cid},
                namespace="/public",
                timeout=30,
            )
            if (ack or {}).get("ok"):
                done += 1

    try:
        start = time.monotonic()
        await asyncio.gather(*(worker(c) for c in clients))
        return done / (time.monotonic() - start)
    finally:
        await asyncio.gather(*(c.disconnect() for c in clients), return_exceptions=True)


async def _victim(url, token):
    """A site that beats once and then goes silent; returns the time of its last beat."""
    for attempt in range(10):
        client = socketio.AsyncClient(reconnection=False)
        try:
            await client.connect(
                url, namespaces=["/site"], auth={"token": token}, transports=["websocket"], wait_timeout=30
            )
            await client.call("site_heartbeat", {"state": "ok"}, namespace="/site", timeout=30)
            break
        except Exception:  # a loaded server may refuse or time out once: try again
            await asyncio.sleep(1 + attempt)
    else:
        raise RuntimeError("the silent-site client could not connect")
    last = time.time()
    await client.disconnect()
    return last


async def _saturate_floor(url, n, concurrency=20):
    """Requests per second of a submission refused at once (400, no database): the same
    client pattern as a question, the cost of the web stack alone."""
    left = n
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:

        async def worker():
            nonlocal left
            while left > 0:
                left -= 1
                async with session.post(url, json={}) as r:
                    await r.read()

        start = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return n / (time.monotonic() - start)


def _site_tokens(db_path):
    with sqlite3.connect(db_path) as conn:
        return [
            row[0]
            for row in conn.execute(
                "SELECT s.token, s.id FROM sites s JOIN events e ON e.id = s.event_id WHERE e.slug = ? ORDER BY s.id",
                (EVENT,),
            )
        ], dict(
            conn.execute(
                "SELECT s.token, s.id FROM sites s JOIN events e ON e.id = s.event_id WHERE e.slug = ?", (EVENT,)
            ).fetchall()
        )


def run_mode(mode, scale):
    tmp = tempfile.mkdtemp(prefix=f"bench-{mode}-")
    env = {
        "BRIDGECAST_HEARTBEAT_S": str(scale["beat_s"]),
        "BRIDGECAST_OFFLINE_S": str(scale["offline_s"]),
        "BRIDGECAST_LOG_LEVEL": "WARNING",
        "BRIDGECAST_OBS_AUTOSTART": "0",
        # every simulated phone shares the loopback address; the per-device limit still applies
        "BRIDGECAST_QUESTIONS_RATE_ADDRESS": "1000000/60",
        # the socket saturation's 20 phones submit back to back from that one address: the
        # fair-share gate still runs on every event, its budgets just do not cap the measure
        "BRIDGECAST_SOCKET_EVENT_RATE": "1000000/5",
        "BRIDGECAST_SOCKET_ADDRESS_EVENT_RATE": "1000000/5",
    }
    server = ServerProcess(tmp, async_mode=mode, env=env).start(timeout=120)
    out = {"async_mode": mode, "offline_threshold_s": scale["offline_s"]}
    try:
        db_path = os.path.join(tmp, "server.db")
        tokens, ids_by_token = _site_tokens(db_path)
        victim_token, site_tokens = tokens[-1], tokens[: scale["sites"]]
        moderator = mint_token(f"sqlite:///{db_path}", "moderator")
        cookie = login_cookie(server.url, "admin", server.admin_password)
        procs, result_q, stop_evt, ready = _start_workers(server.url, scale, site_tokens, cookie)
        out.update(
            {
                "clients": ready.get("phone", 0),
                "sites": ready.get("site", 0),
                "moderators": ready.get("moderator", 0),
                "overlays": ready.get("overlay", 0),
            }
        )
        sampler = Sampler(server.proc.pid)
        sampler.start()
        victim_last = asyncio.run(_victim(server.url, victim_token))
        cpu0, t0 = procstats.cpu_seconds(server.proc.pid), time.monotonic()
        client_ids = [uuid.uuid4().hex for _ in range(scale["questions"])]
        spy = profiler.start(server.proc.pid, scale["question_s"], mode) if scale.get("profile") else None
        sent, acked = asyncio.run(_submit_all(server.url, client_ids, scale["question_s"]))
        if spy is not None:
            out["profile"] = profiler.finish(spy)
        out["server_cpu_pct"] = 100.0 * (procstats.cpu_seconds(server.proc.pid) - cpu0) / (time.monotonic() - t0)
        time.sleep(3)
        # one on-air change, fanned out to every phone and overlay
        qid = next(iter(acked.values()))[0]
        http("POST", f"{server.url}/api/v1/questions/{qid}/approve", {}, token=moderator)
        fan_t0 = time.time()
        status, _body = http("POST", f"{server.url}/api/v1/questions/{qid}/on-air", {}, token=moderator)
        out["on_air_status"] = status
        wait_offline = victim_last + scale["offline_s"] + 6 - time.time()
        time.sleep(max(3.0, wait_offline))
        out["throughput_qps"] = asyncio.run(_saturate(server.url, scale["saturation"]))
        out["socket_throughput_qps"] = asyncio.run(_saturate_socket(server.url, scale["saturation"]))
        # the ceiling the Flask stack alone sets, same clients connected
        out["floor_rps"] = asyncio.run(_saturate_floor(server.url + "/api/v1/questions", scale["saturation"]))
        sampler.stop_flag.set()
        out["server_rss_mb"] = max(sampler.rss) if sampler.rss else None
        records = _stop_workers(procs, result_q, stop_evt)
    finally:
        server.stop()
    # ---- questions: acknowledged, delivered to every moderator, lost, duplicated
    by_text = {}
    dup_deliveries = 0
    for rec in records.get("moderator", []):
        for index, text, _qid, t in rec.get("new", []):
            cid = text[len("bench ") :] if text.startswith("bench ") else None
            if cid is None:
                continue
            seen = by_text.setdefault(cid, {})
            if index in seen:
                dup_deliveries += 1
            seen.setdefault(index, t)
    n_mods = out["moderators"]
    latencies = [(t - sent[cid]) * 1000 for cid, per in by_text.items() if cid in sent for t in per.values()]
    live_all = sum(1 for cid in acked if len(by_text.get(cid, {})) == n_mods)
    for rec in records.get("moderator", []):  # what a reconnected moderator fetched counts as delivered, late
        for index, text, _qid, _t in rec.get("resynced", []):
            cid = text[len("bench ") :] if text.startswith("bench ") else None
            if cid is not None:
                by_text.setdefault(cid, {}).setdefault(index, None)
    delivered_all = sum(1 for cid in acked if len(by_text.get(cid, {})) == n_mods)
    with sqlite3.connect(os.path.join(tmp, "server.db")) as conn:
        db_dups = conn.execute(
            "SELECT COUNT(*) FROM (SELECT client_id FROM questions GROUP BY event_id, client_id HAVING COUNT(*) > 1)"
        ).fetchone()[0]
        stored = {row[0] for row in conn.execute("SELECT client_id FROM questions")}
    out.update(
        {
            "questions_sent": len(client_ids),
            "questions_acknowledged": len(acked),
            "questions_delivered_all": delivered_all,
            "questions_delivered_live": live_all,
            # lost = acknowledged but not in the database; not delivered = stored, yet some moderator never saw it
            "questions_lost": len([c for c in acked if c not in stored]),
            "questions_not_delivered": len(acked) - delivered_all,
            "moderator_reconnects": sum(rec.get("reconnects", 0) for rec in records.get("moderator", [])),
            "questions_unacknowledged": len(client_ids) - len(acked),
            "questions_duplicated": db_dups + dup_deliveries,
            "delivery_p50_ms": percentile(latencies, 50),
            "delivery_p95_ms": percentile(latencies, 95),
            "delivery_p99_ms": percentile(latencies, 99),
        }
    )
    # ---- fan-out of the on-air change
    arrivals = [
        t
        for kind in ("phone", "overlay")
        for rec in records.get(kind, [])
        for q, t in rec.get("on_air", [])
        if q == qid
    ]
    out["fanout_clients"] = len(arrivals)
    out["fanout_last_ms"] = (max(arrivals) - fan_t0) * 1000 if arrivals else None
    # ---- offline detection of the silent site
    victim_id = ids_by_token[victim_token]
    offline = [
        t
        for rec in records.get("crew", [])
        for sid, state, t in rec.get("states", [])
        if sid == victim_id and state == "offline"
    ]
    out["offline_detect_s"] = (min(offline) - victim_last) if offline else None
    out["site_beats"] = sum(rec.get("beats", 0) for rec in records.get("site", []))
    # ---- the same transport against a bare python-socketio server
    out["bare_throughput_qps"], out["bare_socket_throughput_qps"] = run_bare(mode, scale)
    bare, bare_socket = out["bare_throughput_qps"], out["bare_socket_throughput_qps"]
    out["efficiency_ratio"] = (out["throughput_qps"] / bare) if bare else None
    out["socket_efficiency_ratio"] = (out["socket_throughput_qps"] / bare_socket) if bare_socket else None
    out["floor_ratio"] = (out["floor_rps"] / bare) if bare else None
    return out


def run_bare(mode, scale):
    """``(HTTP q/s, socket q/s)`` of the bare server, the same clients connected."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.bare_server", str(port), mode],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for_http(url + "/healthz", timeout=30, proc=proc)
        tokens = [f"bare-site-{i:04d}" for i in range(scale["sites"])]
        procs, result_q, stop_evt, _ready = _start_workers(url, scale, tokens, None)
        rate = asyncio.run(_saturate(url, scale["saturation"]))
        socket_rate = asyncio.run(_saturate_socket(url, scale["saturation"]))
        _stop_workers(procs, result_q, stop_evt)
        return rate, socket_rate
    finally:
        stop_process(proc)
