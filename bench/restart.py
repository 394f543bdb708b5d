"""``python -m bench --restart [--profile]`` (``make bench-restart``): the national restart alone,
a few minutes instead of the full national run's half hour.

A real gevent server (SQLite, ``bench/national.py``'s environment), the sites of demo-national
(3,355) connected, each checked in once and beating every 5 s, phones on ``/public`` that
reconnect as the pages do, a few moderators, overlays and a crew board; one more site that dies
with the server (it never reconnects). Then SIGKILL, a new process on the same port and database,
and the figures: ``restart_down_s``, ``restart_all_back_s`` (new server answering → the last site's
first beat taken), the spread of the returns, ``sites_not_back``, ``false_offline`` (live sites
marked offline), ``duplicate_check_ins``, ``dead_detected_s`` (the dead site's offline, after the
grace) and, with ``--profile``, py-spy over the new process during the storm
(``bench/results/profile-restart.txt``). Writes ``bench/results/restart.json``.
"""

import multiprocessing as mp
import os
import tempfile
import time

from bench.clients import reconnect_options
from bench.national import (
    NATIONAL,
    _last_log_id,
    _start_workers,
    _went_offline,
    duplicate_check_ins,
    national_sites,
    restart_counters,
    restart_figures,
    restart_server,
    server_env,
)
from bench.scenario import _stop_workers, launch_workers
from tests.support.cluster import login_cookie
from tests.support.processes import ServerProcess

RESTART = {
    "sites": NATIONAL["sites"],
    "site_procs": NATIONAL["site_procs"],
    "phones": NATIONAL["phones"],
    "phone_procs": NATIONAL["phone_procs"],
    "moderators": 3,
    "overlays": 2,
    "beat_s": NATIONAL["beat_s"],
    "offline_s": NATIONAL["offline_s"],
}

CONNECT_PACE = {"connect_batch": 10, "connect_concurrency": 20, "connect_timeout": 600}

# (key, label, test): issue #16's restart targets
TARGETS = [
    ("restart_all_back_s", "every site back < 60 s after a restart", lambda v, r: v is not None and v < 60),
    ("false_offline", "no false offline after a restart", lambda v, r: v == 0),
    ("duplicate_check_ins", "no duplicate check-in", lambda v, r: v == 0),
    ("dead_detected_s", "a dead site still goes offline", lambda v, r: v is not None),
]
COLUMNS = [
    ("sites", "sites beating"),
    ("phones", "phones (reconnecting)"),
    ("restart_down_s", "server down s"),
    ("restart_back_p50_s", "sites back p50 s"),
    ("restart_back_p90_s", "sites back p90 s"),
    ("restart_all_back_s", "every site back after s"),
    ("reconnect_p50_s", "site reconnects p50 s"),
    ("reconnect_p90_s", "site reconnects p90 s"),
    ("site_reconnects", "site reconnects (after the kill)"),
    ("site_reconnects_before_kill", "site reconnects before the kill"),
    ("sites_not_back", "sites not back"),
    ("phones_back", "phones back"),
    ("false_offline", "false offline"),
    ("duplicate_check_ins", "duplicate check-ins"),
    ("dead_detected_s", "dead site offline after s"),
    ("load_average", "load average (1 min) at the end"),
]


def _dead_site(url, token, beat_s):
    """One more site, in a process of its own, that beats with the others and never reconnects."""
    ctx = mp.get_context("fork")
    ready_q, result_q, stop_evt = ctx.Queue(), ctx.Queue(), ctx.Event()
    spec = {
        "kind": "site",
        "label": "dead",
        "namespace": "/site",
        "count": 1,
        "tokens": [token],
        "url": url,
        "beat_s": beat_s,
    }
    return launch_workers(ctx, [spec], ready_q, result_q, stop_evt, ready_timeout=120)


def run_restart(scale):
    tmp = tempfile.mkdtemp(prefix="bench-restart-")
    server = ServerProcess(tmp, async_mode="gevent", env=server_env(scale)).start(timeout=180)
    db_path = os.path.join(tmp, "server.db")
    out = {"async_mode": "gevent", "offline_threshold_s": scale["offline_s"], "beat_s": scale["beat_s"]}
    out["reconnect"] = {"site": reconnect_options("site"), "phone": reconnect_options("phone")}
    procs = dead = None
    try:
        slug, rows = national_sites(server, db_path, scale["sites"])
        dead_token, dead_id = rows[-1]
        beating = rows[: min(scale["sites"], len(rows) - 1)]
        out["event"] = slug
        cookie = login_cookie(server.url, "admin", server.admin_password)
        check_in_mark = _last_log_id(db_path)
        ctx = mp.get_context("fork")
        gate, counters = ctx.Event(), restart_counters()
        procs, result_q, stop_evt, ready = _start_workers(
            server.url,
            scale,
            slug,
            [t for t, _i in beating],
            cookie,
            gate,
            # connected at the pace the server answers, as phones arrive before an event (not a
            # storm of its own before the one measured)
            site_options={**counters, "check_in": True, **CONNECT_PACE},
            phone_options={"reconnect": True, **CONNECT_PACE},
        )
        out.update({"sites": ready.get("site", 0), "phones": ready.get("phone", 0)})
        dead = _dead_site(server.url, dead_token, scale["beat_s"])
        out["dead_site_connected"] = dead[3].get("dead", 0) == 1  # else it cannot be detected
        gate.set()
        time.sleep(2 * scale["beat_s"] + 2)  # every site beat; the first beats' state changes are past
        print(f"bench restart: {out['sites']} sites and {out['phones']} phones connected; killing", flush=True)
        marks = restart_server(
            server, db_path, scale, counters, out["sites"], dead_id=dead_id, profile=scale.get("profile")
        )
        out["load_average"] = os.getloadavg()[0]
        records = _stop_workers(procs, result_q, stop_evt, timeout=180)
        procs = None
        _stop_workers(*dead[:3])
        dead = None
        out.update(restart_figures(records, marks, out["sites"], db_path, [i for _t, i in beating]))
        offline_at = _went_offline(db_path, marks["log_mark"], dead_id)
        if (
            offline_at is not None
            and offline_at > marks["t_up"] + scale.get("restart_wait_s", 75.0) + 2 * scale["beat_s"]
        ):
            offline_at = None  # after the window: the clients were stopping
        out["dead_detected_s"] = None if offline_at is None else offline_at - marks["t_up"]
        out["duplicate_check_ins"] = duplicate_check_ins(db_path, check_in_mark, [i for _t, i in rows])
        out["check_ins"] = sum(rec.get("check_ins", 0) for rec in records.get("site", []))
        out["site_reconnects_before_kill"] = sum(
            1 for rec in records.get("site", []) for t in rec.get("reconnected_at", []) if t < marks["t_kill"]
        )
        out["phones_back"] = sum(len(rec.get("back", [])) for rec in records.get("phone", []))
        out["site_beat_errors"] = sum(rec.get("beat_errors", 0) for rec in records.get("site", []))
        if marks.get("profile"):
            out["profile"] = marks["profile"]
    finally:
        for group in (procs, dead[0] if dead else None):
            for p in group or []:
                p.kill()
        server.stop()
    out["targets"] = {label: bool(test(out.get(key), out)) for key, label, test in TARGETS}
    return out


def lines(result):
    rows = []
    for key, label in COLUMNS:
        value = result.get(key)
        rows.append(f"{label:<36}{'—' if value is None else (f'{value:.2f}' if isinstance(value, float) else value)}")
    for label, met in result["targets"].items():
        rows.append(f"{label:<40}{'met' if met else 'MISSED'}")
    return rows
