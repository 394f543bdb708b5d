"""The capacity model's unit costs measured on the deployment it sizes (``calibration`` in
national.json): ONE gevent process on PostgreSQL + Redis behind nginx (``bench/deployment.py``,
the same stack as the two-process check), at the full load of the scale (every site, phone,
moderator and overlay), through the single-process run's phases: idle, connected, beating,
questions, fan-out (``bench/national.py unit_costs``). The model for the country and the
two-process prediction (half the load each) come from these costs, so the two-process check tests
the model's linearity: full-load costs → half-load prediction.

Memory: the RSS after each phase is kept; ``rss_terms`` splits the growth beyond base + sockets
into what the beating sites and the stored questions add (see docs/performance.md).
"""

import asyncio
import multiprocessing as mp
import time
import uuid

from bench.deployment import Deployment, site_tokens
from bench.national import DEMO_EVENT, Phase, _fan_out, _start_workers, phase_table, unit_costs
from bench.scenario import _stop_workers, _submit_all, percentile
from tests.support.cluster import login_cookie, mint_token


def run_calibration(scale, env=None, slug=DEMO_EVENT, services=None):
    """One process on PostgreSQL + Redis at the full load; returns the ``calibration`` dict."""
    procs = None
    with Deployment(1, env, prefix="bench-calibration-", services=services) as deployment:
        pid = deployment.pids[0]
        node = deployment.nodes[0]
        tokens = site_tokens(deployment.database_url, slug)[: scale["sites"]]
        cookie = login_cookie(node.url, "admin", node.admin_password)
        moderator = mint_token(deployment.database_url, "moderator")
        time.sleep(2)
        try:
            with Phase(pid) as idle:
                time.sleep(scale["idle_s"])
            gate = mp.get_context("fork").Event()
            procs, result_q, stop_evt, ready = _start_workers(deployment.url("a"), scale, slug, tokens, cookie, gate)
            n_sockets = sum(ready.values())
            time.sleep(2)
            with Phase(pid) as connected:
                time.sleep(scale["idle_s"])
            gate.set()
            time.sleep(scale["beat_s"] + 1)  # every site's first beat (state changes) is past
            with Phase(pid) as beating:
                time.sleep(scale["beat_phase_s"])
            seconds = scale.get("calibration_question_s", scale["question_s"])
            client_ids = [uuid.uuid4().hex for _ in range(int(scale["qps"] * seconds))]
            with Phase(pid) as asking:
                sent, acked = asyncio.run(
                    _submit_all(deployment.front, client_ids, seconds, event=slug, query="?node=a")
                )
            time.sleep(2)
            with Phase(pid) as fanning:
                fan_sent = _fan_out(deployment.front, moderator, [v[0] for v in acked.values()], scale["fanout_takes"])
                time.sleep(1.0)
            records = _stop_workers(procs, result_q, stop_evt, timeout=180)
            procs = None
            server_errors = deployment.errors()["a"]
        finally:
            if procs:
                for p in procs:
                    p.kill()
    sites = ready.get("site", 0)
    beats_per_s = sites / scale["beat_s"]
    fan_clients = ready.get("phone", 0) + ready.get("overlay", 0)
    costs = unit_costs(
        idle,
        connected,
        beating,
        asking,
        fanning,
        n_sockets,
        beats_per_s,
        len(acked) / seconds,
        len(fan_sent) * fan_clients,
    )
    latencies = [
        (t - sent[text[len("bench ") :]]) * 1000
        for rec in records.get("moderator", [])
        for _index, text, _qid, t in rec.get("new", [])
        if text.startswith("bench ") and text[len("bench ") :] in sent
    ]
    return {
        "deployment": "one gevent process, PostgreSQL + Redis, behind nginx",
        "sites": sites,
        "phones": ready.get("phone", 0),
        "moderators": ready.get("moderator", 0),
        "overlays": ready.get("overlay", 0),
        "sockets": n_sockets,
        "beats_per_s": beats_per_s,
        "questions_acknowledged": len(acked),
        "question_s": seconds,
        "delivery_p99_ms": percentile(latencies, 99),
        "fan_takes": len(fan_sent),
        "server_errors": server_errors,
        # RSS beyond base + connections: what beating sites and stored questions add (kept, checked
        # against the two-process run; docs/performance.md)
        "rss_growth": {
            "beating_kb_per_site": (beating.rss - connected.rss) * 1024.0 / max(1, sites),
            "questions_kb_per_question": (asking.rss - beating.rss) * 1024.0 / max(1, len(acked)),
        },
        "idle_cpu_ms_per_s": idle.rate,
        "costs": costs,
        "phases": phase_table(
            (("idle", idle), ("connected", connected), ("beating", beating), ("questions", asking), ("fanout", fanning))
        ),
    }
