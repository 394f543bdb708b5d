"""``python -m bench [--quick] [--modes eventlet,gevent]``: the load scenario of docs/design.md (targets).
``python -m bench --national`` (or ``--national-quick``): the national scale run and its capacity model
(``bench/national.py``, ``bench/results/national.json``). ``python -m bench --relay``: the restream
relay's cost per fan page (``bench/relay.py``, ``bench/results/relay.json``). ``python -m bench --restart``:
the national restart alone (``bench/restart.py``, ``bench/results/restart.json``).

For each async mode: a real server process (SQLite, demo congress), phones on ``/public``,
bridge points heartbeating on ``/site``, moderators, overlays and a crew board, all as
python-socketio asyncio clients spread over a few processes; questions over HTTP at a
steady rate; one on-air change fanned out to everyone; one site going silent; then a
saturation burst over HTTP and one over the open socket, each repeated against a bare
python-socketio server for its efficiency ratio; and the duplicate grouping of 10,000
questions (``bench/duplicates.py``). Prints a table and writes ``bench/results/latest.json``.
"""

import argparse
import json
import math
import os
import sys
import time

from bench import duplicates
from bench.scenario import FULL, QUICK, run_mode

DUPLICATES_N = 10_000  # the grouping target of docs/design.md, at full and quick scale alike
RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
COLUMNS = [
    ("clients", "phones connected"),
    ("sites", "sites beating"),
    ("questions_sent", "questions sent"),
    ("questions_acknowledged", "acknowledged"),
    ("questions_delivered_all", "delivered to every moderator"),
    ("questions_delivered_live", "delivered live (no resync)"),
    ("moderator_reconnects", "moderator reconnects"),
    ("questions_lost", "lost (acknowledged, not stored)"),
    ("questions_not_delivered", "not delivered"),
    ("questions_duplicated", "duplicated"),
    ("delivery_p50_ms", "submit→moderator p50 ms"),
    ("delivery_p95_ms", "p95 ms"),
    ("delivery_p99_ms", "p99 ms"),
    ("fanout_clients", "on-air reached"),
    ("fanout_last_ms", "on-air fan-out last ms"),
    ("offline_detect_s", "offline detected after s"),
    ("offline_threshold_s", "offline threshold s"),
    ("server_rss_mb", "server RSS MB (max)"),
    ("server_cpu_pct", "server CPU % (question phase)"),
    ("throughput_qps", "saturation q/s"),
    ("bare_throughput_qps", "bare python-socketio q/s"),
    ("efficiency_ratio", "efficiency ratio (HTTP)"),
    ("socket_throughput_qps", "socket saturation q/s"),
    ("bare_socket_throughput_qps", "bare python-socketio socket q/s"),
    ("socket_efficiency_ratio", "efficiency ratio (socket)"),
    ("floor_rps", "refused submission r/s (Flask floor)"),
    ("floor_ratio", "floor / bare"),
]


# (key, label, test): the targets of docs/design.md, checked on the very numbers the table shows.
TARGETS = [
    ("questions_lost", "no acknowledged question lost", lambda v, r: v == 0),
    ("questions_not_delivered", "every stored question reaches every moderator", lambda v, r: v == 0),
    ("questions_duplicated", "no duplicate", lambda v, r: v == 0),
    ("delivery_p99_ms", "submit→moderator p99 < 500 ms", lambda v, r: v is not None and v < 500),
    (
        "offline_detect_s",
        "offline within threshold + 2 s",
        lambda v, r: v is not None and v <= r.get("offline_threshold_s", 0) + 2,
    ),
    ("server_rss_mb", "server RSS < 400 MB", lambda v, r: v is not None and v < 400),
    ("efficiency_ratio", "HTTP efficiency ≥ 0.5 of bare", lambda v, r: v is not None and v >= 0.5),
    ("socket_efficiency_ratio", "socket efficiency ≥ 0.5 of bare", lambda v, r: v is not None and v >= 0.5),
]


def targets(result):
    """``[(label, value, met)]`` for one mode's result."""
    return [(label, result.get(key), bool(test(result.get(key), result))) for key, label, test in TARGETS]


def table(results, dups=None):
    """The metrics of each mode, the targets read from those very numbers, then the duplicate
    grouping (``dups``, mode-independent) and its target."""
    modes = [r["async_mode"] for r in results]
    width = max(len(label) for _k, label in COLUMNS) + 2
    lines = ["metric".ljust(width) + "".join(m.rjust(12) for m in modes)]
    rows = [targets(r) for r in results]
    for key, label in COLUMNS:
        cells = []
        for r in results:
            value = r.get(key)
            cells.append(
                ("—" if value is None else (f"{value:.2f}" if isinstance(value, float) else str(value))).rjust(12)
            )
        lines.append(label.ljust(width) + "".join(cells))
    lines.append("")
    lines.append("targets".ljust(width) + "".join(m.rjust(12) for m in modes))
    for i, (_key, label, _test) in enumerate(TARGETS):
        lines.append(label.ljust(width) + "".join(("met" if row[i][2] else "MISSED").rjust(12) for row in rows))
    if dups is not None:
        lines.append("")
        lines.extend(duplicates.lines(dups))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="a scaled-down run (under 2 minutes)")
    parser.add_argument("--modes", default="gevent,eventlet")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sample the server with py-spy during the question phase (bench/results/profile-MODE.txt)",
    )
    parser.add_argument(
        "--national",
        action="store_true",
        help="one gevent server at national scale and the capacity model (bench/results/national.json)",
    )
    parser.add_argument("--national-quick", action="store_true", help="the national run scaled down (about 2 minutes)")
    parser.add_argument("--out", help="where the national run writes its JSON")
    parser.add_argument("--sites", type=int, help="with --national: this many sites instead of 3,355 (a mid-scale run)")
    parser.add_argument("--phones", type=int, help="with --national: this many phones instead of 3,000")
    parser.add_argument(
        "--relay", action="store_true", help="the restream relay's cost per fan page (bench/results/relay.json)"
    )
    parser.add_argument(
        "--restart",
        action="store_true",
        help="the national restart alone: 3,355 sites, kill, restart, every site back (bench/results/restart.json)",
    )
    parser.add_argument("--restart-phones", type=int, help="phones reconnecting in the restart run (default 3,000)")
    parser.add_argument("--restart-sites", type=int, help="sites in the restart run (default demo-national's 3,355)")
    args = parser.parse_args(argv)
    if args.restart:
        return restart(args)
    if args.relay:
        from bench.relay import main as relay

        return relay([] if args.out is None else ["--out", args.out])
    if args.national or args.national_quick:
        return national(args)
    scale = dict(QUICK if args.quick else FULL, profile=args.profile)
    results = []
    for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
        print(
            f"bench: {mode}, {scale['phones']} phones, {scale['sites']} sites, {scale['questions']} questions "
            f"over {scale['question_s']} s",
            flush=True,
        )
        result = run_mode(mode, scale)
        result["targets"] = {label: met for label, _value, met in targets(result)}
        results.append(result)
    print(f"bench: duplicate grouping of {DUPLICATES_N:,} questions", flush=True)
    dups = duplicates.measure(DUPLICATES_N)
    dups["target_met"] = duplicates.met(dups)
    os.makedirs(RESULTS, exist_ok=True)
    report = dict(results[0])
    report["duplicates"] = dups
    report["scale"] = "quick" if args.quick else "full"
    report["modes"] = results
    report["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    report["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    with open(os.path.join(RESULTS, "latest.json"), "w", encoding="utf-8") as fh:
        json.dump(report, fh, indent=2)
    print()
    print(table(results, dups))
    print(f"\nwritten: {os.path.join(RESULTS, 'latest.json')}")


NATIONAL_COLUMNS = [
    ("event", "event"),
    ("sites", "sites beating"),
    ("phones", "phones"),
    ("sockets", "sockets"),
    ("beats_per_s", "heartbeats/s"),
    ("questions_acknowledged", "questions acknowledged"),
    ("questions_lost", "questions lost"),
    ("delivery_p99_ms", "submit→moderator p99 ms"),
    ("fanout_last_ms", "on-air fan-out last ms"),
    ("offline_detect_s", "offline detected after s"),
    ("server_rss_mb", "server RSS MB (max)"),
    ("server_cpu_pct", "server CPU % (questions)"),
    ("restart_down_s", "restart: down s"),
    ("restart_all_back_s", "restart: every site back after s"),
    ("sites_not_back", "sites not back"),
    ("false_offline", "false offline after restart"),
    ("processes_for_31097_sites", "processes for 31,097 sites"),
]


def resized(scale, sites=None, phones=None):
    """The national scale with fewer sites or phones, spread over as many client processes as it
    needs (about 1,200 sites or 1,500 phones each, as the full run)."""
    out = dict(scale)
    if sites:
        out["sites"], out["site_procs"] = sites, max(1, math.ceil(sites / 1200))
    if phones:
        out["phones"], out["phone_procs"] = phones, max(1, math.ceil(phones / 1500))
    return out


def restart(args):
    from bench.restart import RESTART, lines, run_restart

    scale = dict(RESTART, profile=args.profile)
    if args.restart_phones is not None:
        scale["phones"] = args.restart_phones
    if args.restart_sites is not None:
        scale["sites"] = args.restart_sites
    print(f"bench restart: {scale['sites']} sites, {scale['phones']} phones, kill and restart", flush=True)
    result = run_restart(scale)
    result["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    result["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    path = args.out or os.path.join(RESULTS, "restart.json")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(result, fh, indent=2, ensure_ascii=False)
    for line in lines(result):
        print(line)
    print(f"\nwritten: {path}")
    return result


def national(args):
    from bench.national import NATIONAL, NATIONAL_QUICK, run_national

    scale = dict(NATIONAL_QUICK if args.national_quick else NATIONAL, profile=args.profile)
    name = "national-quick" if args.national_quick else "national"
    if args.national and (args.sites or args.phones):
        scale = resized(scale, args.sites, args.phones)
        name = f"national-{scale['sites']}-{scale['phones']}"
    print(
        f"bench national: {scale['sites']} sites, {scale['phones']} phones, {scale['qps']} questions/s "
        f"for {scale['question_s']} s",
        flush=True,
    )
    result = run_national(scale)
    result["scale"] = name
    result["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    result["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    path = args.out or os.path.join(RESULTS, "national.json")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(result, fh, indent=2, ensure_ascii=False)
    for key, label in NATIONAL_COLUMNS:
        value = result.get(key)
        print(f"{label:<36}{'—' if value is None else (f'{value:.2f}' if isinstance(value, float) else value)}")
    for name, key in (("PostgreSQL + Redis", "capacity"), ("SQLite, for reference", "capacity_sqlite")):
        model = result.get(key)
        if not model:
            print(f"capacity ({name}): {result.get('calibration', {}).get('error', 'not measured')}")
            continue
        print(f"capacity ({name}): " + ", ".join(f"{k} {v:.4f}" for k, v in model["costs"].items()))
        print(
            f"          {model['cores']:.2f} cores → {model['processes']} processes at "
            f"{model['inputs']['core_share']:.0%} of a core, {model['memory_mb_total']:.0f} MB in all"
        )
    for phase, p in ((result.get("calibration") or {}).get("phases") or {}).items():
        print(
            f"calibration {phase:<10} CPU {p['cpu_ms_per_s']:7.1f} ms/s, waiting for a core {p['wait_ms_per_s']:6.1f} ms/s, "
            f"RSS {p['rss_mb']:.0f} MB"
        )
    errors = (result.get("calibration") or {}).get("server_errors")
    if errors:
        print(
            f"calibration process: {errors['errors']} errors logged, {errors['pool_timeouts']} database pool timeouts"
        )
    print(f"load clients niced: {result.get('client_nice')}")
    from bench.two_process import summary

    for line in summary(result.get("two_process_validation")):
        print(line)
    for label, met in result.get("targets", {}).items():
        print(f"{label:<40}{'met' if met else 'MISSED'}")
    print(f"\nwritten: {path}")
    return result


if __name__ == "__main__":
    main()
