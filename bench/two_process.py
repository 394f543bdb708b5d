"""The capacity model checked on this machine (``two_process_validation`` in national.json).

Two gevent server processes share PostgreSQL and Redis behind one nginx (``bench/deployment.py``,
each client pinned to one process by ``?node=``). Each process gets half of the load: half the
beating sites, phones, moderators and overlays, half the questions. Over a steady window each
process's CPU (ms per second) and RSS are measured and compared to what the capacity model
(``bench/national.py``) predicts for its share from the calibration's costs (``bench/calibration.py``:
one process on the same stack at the full load), plus the calibrated idle rate: ``within_15pct``
when every process holds within 15 % on both. Full-load costs predicting a half-load process, the
check tests the model's linearity. ``predict_share`` and ``compare`` are pure
(tests/scale/test_bench_national.py).
"""

import asyncio
import math
import multiprocessing as mp
import time
import uuid

from bench import procstats, profiler
from bench.deployment import Deployment, site_tokens
from bench.national import CLIENT_NICE, capacity_model
from bench.scenario import _stop_workers, _submit_all, launch_workers, percentile
from tests.support.cluster import login_cookie

TOLERANCE = 0.15
NODES = ("a", "b")


# ---- the prediction (pure) ----------------------------------------------------------------------


def predict_share(costs, base_cpu_ms_per_s, sites, phones, moderators, overlays, questions_per_s, beat_s):
    """What one process should use for its share: the capacity model's CPU for that load (no
    on-air fan-out in this phase) plus an idle process's own rate; RSS = base + its sockets."""
    model = capacity_model(
        costs,
        sites=sites,
        phones=phones,
        moderators=moderators,
        overlays=overlays,
        questions_per_s=questions_per_s,
        beat_s=beat_s,
        on_air_per_min=0.0,
    )
    return {
        "cpu_ms_per_s": base_cpu_ms_per_s + model["cpu_ms_per_s"]["total"],
        "rss_mb": costs["rss_base_mb"] + model["sockets"] * costs["mem_kb_per_connection"] / 1024.0,
        "sockets": model["sockets"],
    }


def _ratio(measured, predicted):
    return measured / predicted if predicted else None


def compare(predicted, measured, tolerance=TOLERANCE):
    """``{cpu_ratio, rss_ratio, within}`` of one process (ratio = measured / predicted)."""
    cpu, rss = (
        _ratio(measured["cpu_ms_per_s"], predicted["cpu_ms_per_s"]),
        _ratio(measured["rss_mb"], predicted["rss_mb"]),
    )
    within = all(r is not None and abs(r - 1.0) <= tolerance for r in (cpu, rss))
    return {"cpu_ratio": cpu, "rss_ratio": rss, "within": within}


# ---- the run -------------------------------------------------------------------------------------


def _split(n):
    """``n`` shared by the two processes (the first takes the odd one)."""
    return [n - n // 2, n // 2]


def _specs(url, node, slug, tokens, phones, moderators, overlays, cookie, beat_s, gate):
    return [
        {
            "kind": "site",
            "label": f"site-{node}",
            "namespace": "/site",
            "count": len(tokens),
            "tokens": tokens,
            "url": url,
            "beat_s": beat_s,
            "beat_gate": gate,
            "connect_timeout": 300,
            "nice": CLIENT_NICE["site"],
        },
        {
            "kind": "phone",
            "label": f"phone-{node}",
            "namespace": "/public",
            "count": phones,
            "url": url,
            "event": slug,
            "nice": CLIENT_NICE["phone"],
        },
        {
            "kind": "moderator",
            "label": f"moderator-{node}",
            "namespace": "/moderation",
            "count": moderators,
            "url": url,
            "event": slug,
            "cookie": cookie,
        },
        {
            "kind": "overlay",
            "label": f"overlay-{node}",
            "namespace": "/overlay",
            "count": overlays,
            "url": url,
            "event": slug,
        },
    ]


def run_two_process(scale, costs, base_cpu_ms_per_s, slug="demo-national", env=None, services=None):
    """Two processes, half the load each; returns the ``two_process_validation`` dict."""
    procs = None
    with Deployment(len(NODES), env, prefix="bench-two-", services=services) as deployment:
        front, node = deployment.front, deployment.nodes[0]
        tokens = site_tokens(deployment.database_url, slug)[: scale["sites"]]
        cookie = login_cookie(node.url, "admin", node.admin_password)
        time.sleep(2)
        pids = deployment.pids
        base = [procstats.cpu_seconds(p) for p in pids]
        t_base = time.monotonic()
        time.sleep(scale["idle_s"])
        idle_rates = [(procstats.cpu_seconds(p) - c) * 1000 / (time.monotonic() - t_base) for p, c in zip(pids, base)]

        ctx = mp.get_context("fork")
        gate = ctx.Event()
        share = {
            "sites": [tokens[: len(tokens) - len(tokens) // 2], tokens[len(tokens) - len(tokens) // 2 :]],
            "phones": _split(scale["phones"]),
            "moderators": _split(scale["moderators"]),
            "overlays": _split(scale["overlays"]),
        }
        specs = []
        for i, name in enumerate(NODES):
            specs += _specs(
                deployment.url(name),
                name,
                slug,
                share["sites"][i],
                share["phones"][i],
                share["moderators"][i],
                share["overlays"][i],
                cookie,
                scale["beat_s"],
                gate,
            )
        try:
            procs, result_q, stop_evt, ready = launch_workers(ctx, specs, ctx.Queue(), ctx.Queue(), ctx.Event(), 600)
            time.sleep(2)
            rss_connected = [procstats.rss_mb(p) for p in pids]  # every client in, nobody beating yet
            gate.set()
            time.sleep(scale["beat_s"] + 2)  # every site's first beat is past
            seconds = scale.get("two_process_s", scale["question_s"])
            n_questions = int(scale["qps"] * seconds)
            ids = [[uuid.uuid4().hex for _ in range(n)] for n in _split(n_questions)]
            spy = profiler.start(pids[0], seconds, "two-process-a", nonblocking=True) if scale.get("profile") else None
            cpu0, t0 = [procstats.cpu_seconds(p) for p in pids], time.monotonic()
            wait0 = [procstats.wait_seconds(p) for p in pids]
            rss_window = [procstats.rss_mb(p) for p in pids]  # sites beating, before the questions

            async def both():
                return await asyncio.gather(
                    *(
                        _submit_all(front, ids[i], seconds, event=slug, query=f"?node={name}")
                        for i, name in enumerate(NODES)
                    )
                )

            submitted = asyncio.run(both())
            elapsed = time.monotonic() - t0
            measured = [
                {"cpu_ms_per_s": (procstats.cpu_seconds(p) - c) * 1000 / elapsed, "rss_mb": procstats.rss_mb(p)}
                for p, c in zip(pids, cpu0)
            ]
            waits = [(procstats.wait_seconds(p) - w) * 1000 / elapsed for p, w in zip(pids, wait0)]
            profile = profiler.finish(spy) if spy is not None else None
            time.sleep(2)
            records = _stop_workers(procs, result_q, stop_evt, timeout=180)
            procs = None
            server_errors = deployment.errors()
        finally:
            if procs:
                for p in procs:
                    p.kill()
    sent = {cid: t for s, _acked in submitted for cid, t in s.items()}
    latencies = [
        (t - sent[text[len("bench ") :]]) * 1000
        for i, name in enumerate(NODES)
        for rec in records.get(f"moderator-{name}", [])
        for _index, text, _qid, t in rec.get("new", [])
        if text.startswith("bench ") and text[len("bench ") :] in sent
    ]
    processes = []
    for i, name in enumerate(NODES):
        connected = {k: ready.get(f"{k}-{name}", 0) for k in ("site", "phone", "moderator", "overlay")}
        predicted = predict_share(
            costs,
            base_cpu_ms_per_s,
            sites=connected["site"],
            phones=connected["phone"],
            moderators=connected["moderator"],
            overlays=connected["overlay"],
            questions_per_s=len(ids[i]) / seconds,
            beat_s=scale["beat_s"],
        )
        processes.append(
            {
                "node": name,
                **{f"{k}s": v for k, v in connected.items()},
                "questions_acknowledged": len(submitted[i][1]),
                "idle_cpu_ms_per_s": round(idle_rates[i], 2),
                "server_errors": server_errors[name],
                "wait_ms_per_s": round(waits[i], 2),
                "rss_mb_connected": round(rss_connected[i], 1),
                "rss_mb_beating": round(rss_window[i], 1),
                "predicted": {k: round(v, 2) for k, v in predicted.items()},
                "measured": {k: round(v, 2) for k, v in measured[i].items()},
                **compare(predicted, measured[i]),
            }
        )
    return {
        "processes": processes,
        "seconds": round(elapsed, 1),
        "questions_per_s": scale["qps"],
        "tolerance": TOLERANCE,
        "delivery_p99_ms": percentile(latencies, 99),
        "deliveries": len(latencies),
        "expected_deliveries": sum(len(a) for _s, a in submitted) * sum(p["moderators"] for p in processes),
        "within_15pct": all(p["within"] for p in processes),
        "front": "nginx, each client pinned to one process (?node=)",
        "async_mode": "gevent",
        "database": "postgresql",
        "profile": profile,
    }


def summary(validation):
    """One line per process for the console."""
    if not validation or "processes" not in validation:
        return [f"two processes: {validation}"]
    lines = []
    for p in validation["processes"]:
        lines.append(
            f"process {p['node']}: CPU {p['measured']['cpu_ms_per_s']:.0f} ms/s "
            f"(model {p['predicted']['cpu_ms_per_s']:.0f}, ×{p['cpu_ratio'] or math.nan:.2f}), "
            f"RSS {p['measured']['rss_mb']:.0f} MB (model {p['predicted']['rss_mb']:.0f}, ×{p['rss_ratio'] or math.nan:.2f})"
        )
    lines.append(f"within 15 %: {validation['within_15pct']}")
    for p in validation["processes"]:
        if (p.get("server_errors") or {}).get("pool_timeouts"):
            lines.append(f"process {p['node']}: its database pool ran dry {p['server_errors']['pool_timeouts']} times")
    return lines
