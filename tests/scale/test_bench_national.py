"""The national bench's capacity model (``bench/national.py``): its arithmetic on known inputs,
and how the unit costs come out of the measured phases."""

import math
from types import SimpleNamespace

import pytest

from bench.national import TARGET, capacity_model, unit_costs

COSTS = {
    "cpu_ms_per_beat": 0.5,
    "cpu_ms_per_question": 5.0,
    "cpu_ms_per_fanout_client": 0.02,
    "cpu_ms_per_socket_s": 0.01,
    "mem_kb_per_connection": 50.0,
    "rss_base_mb": 150.0,
}


def test_capacity_model_on_known_inputs():
    model = capacity_model(COSTS)
    assert model["sockets"] == 31097 + 10000 + 10 + 5 == 41112
    assert model["beats_per_s"] == pytest.approx(31097 / 5)
    load = model["cpu_ms_per_s"]
    assert load["heartbeats"] == pytest.approx(6219.4 * 0.5)  # 3109.7
    assert load["questions"] == pytest.approx(20 * 5.0)  # 100
    assert load["fanout"] == pytest.approx(2 / 60 * 10005 * 0.02)  # 6.67
    assert load["sockets"] == pytest.approx(41112 * 0.01)  # 411.12
    assert load["total"] == pytest.approx(3109.7 + 100 + 6.67 + 411.12, abs=0.01)
    assert model["cores"] == pytest.approx(3.6275, abs=1e-3)
    assert model["processes"] == 6  # 3.63 cores / 0.7 = 5.18 → 6
    assert model["memory_mb_total"] == pytest.approx(6 * 150 + 41112 * 50 / 1024)
    assert model["memory_mb_per_process"] == pytest.approx(model["memory_mb_total"] / 6)


def test_capacity_model_rounds_up_and_never_says_zero():
    assert (
        capacity_model(
            {
                **COSTS,
                "cpu_ms_per_beat": 0,
                "cpu_ms_per_question": 0,
                "cpu_ms_per_fanout_client": 0,
                "cpu_ms_per_socket_s": 0,
            }
        )["processes"]
        == 1
    )
    # exactly 0.7 of a core of heartbeats is one process; a hair more is two
    per_beat = 700 / (TARGET["sites"] / TARGET["beat_s"])
    zero = {**COSTS, "cpu_ms_per_question": 0, "cpu_ms_per_fanout_client": 0, "cpu_ms_per_socket_s": 0}
    assert capacity_model({**zero, "cpu_ms_per_beat": per_beat * 0.999})["processes"] == 1
    assert capacity_model({**zero, "cpu_ms_per_beat": per_beat * 1.01})["processes"] == 2


def test_capacity_model_scales_with_its_inputs():
    small = capacity_model(COSTS, sites=3355, phones=1000)
    assert small["processes"] == math.ceil(small["cores"] / 0.7)
    assert small["cores"] < capacity_model(COSTS)["cores"]


def _phase(rate, rss, seconds=10.0, wait=0.0):
    return SimpleNamespace(rate=rate, rss=rss, seconds=seconds, cpu_ms=rate * seconds, wait_rate=wait)


def test_unit_costs_subtract_the_phase_before():
    costs = unit_costs(
        idle=_phase(10, 100),
        connected=_phase(20, 150),
        beating=_phase(120, 151),
        asking=_phase(220, 160),
        fanning=_phase(170, 160, seconds=4.0),
        n_sockets=1000,
        beats_per_s=200,
        qps=20,
        fan_messages=1000,
    )
    assert costs["cpu_ms_per_socket_s"] == pytest.approx(10 / 1000)
    assert costs["mem_kb_per_connection"] == pytest.approx(50 * 1024 / 1000)
    assert costs["cpu_ms_per_beat"] == pytest.approx(100 / 200)
    assert costs["cpu_ms_per_question"] == pytest.approx(100 / 20)
    assert costs["cpu_ms_per_fanout_client"] == pytest.approx((170 * 4 - 120 * 4) / 1000)
    assert costs["rss_base_mb"] == 100
    # noise never makes a cost negative
    assert (
        unit_costs(_phase(30, 100), _phase(20, 90), _phase(10, 90), _phase(5, 90), _phase(1, 90), 10, 1, 1, 1)[
            "cpu_ms_per_beat"
        ]
        == 0
    )


def test_a_share_is_predicted_from_the_model_plus_an_idle_process():
    from bench.two_process import predict_share

    half = predict_share(COSTS, 8.0, sites=1000, phones=500, moderators=5, overlays=2, questions_per_s=10, beat_s=5)
    # 200 beats/s × 0.5 + 10 q/s × 5 + 1507 sockets × 0.01, no fan-out; plus the idle 8 ms/s
    assert half["cpu_ms_per_s"] == pytest.approx(8 + 100 + 50 + 15.07)
    assert half["sockets"] == 1507
    assert half["rss_mb"] == pytest.approx(150 + 1507 * 50 / 1024)


def test_compare_holds_a_process_within_15_percent_on_cpu_and_memory():
    from bench.two_process import compare

    predicted = {"cpu_ms_per_s": 100.0, "rss_mb": 200.0}
    assert compare(predicted, {"cpu_ms_per_s": 114.0, "rss_mb": 171.0})["within"]
    over = compare(predicted, {"cpu_ms_per_s": 116.0, "rss_mb": 200.0})
    assert not over["within"] and over["cpu_ratio"] == pytest.approx(1.16)
    assert not compare(predicted, {"cpu_ms_per_s": 100.0, "rss_mb": 169.0})["within"]
    assert not compare({"cpu_ms_per_s": 0.0, "rss_mb": 200.0}, {"cpu_ms_per_s": 1.0, "rss_mb": 200.0})["within"]


def test_the_national_targets_are_checked_on_the_results_own_numbers():
    from bench.national import targets

    good = {
        "questions_lost": 0,
        "delivery_p99_ms": 480.0,
        "offline_detect_s": 21.5,
        "offline_threshold_s": 20.0,
        "server_rss_mb": 590.0,
        "restart_all_back_s": 59.0,
        "false_offline": 0,
        "two_process_validation": {
            "processes": [{"cpu_ratio": 1.14, "rss_ratio": 0.86}, {"cpu_ratio": 0.9, "rss_ratio": 1.0}]
        },
    }
    assert all(targets(good).values()) and len(targets(good)) == 7
    for key, value in [
        ("questions_lost", 1),
        ("delivery_p99_ms", 500.0),
        ("offline_detect_s", 22.5),
        ("server_rss_mb", None),
        ("restart_all_back_s", None),
        ("false_offline", 2),
        ("two_process_validation", {"error": "nginx did not start", "within_15pct": False}),
        ("two_process_validation", {"processes": [{"cpu_ratio": 1.0, "rss_ratio": 1.0}, {"cpu_ratio": 1.16}]}),
    ]:
        assert sum(not met for met in targets({**good, key: value}).values()) == 1, key


def test_the_deployment_routes_each_node_by_its_query_argument(tmp_path):
    from bench.deployment import nginx_conf

    one = nginx_conf(str(tmp_path), 8000, {"a": 9001})
    assert "upstream node_a { server 127.0.0.1:9001; keepalive 32; }" in one
    assert "map $arg_node $bridgecast_node { default node_a; }" in one and "node_b" not in one
    two = nginx_conf(str(tmp_path), 8000, {"a": 9001, "b": 9002})
    assert "map $arg_node $bridgecast_node { b node_b; default node_a; }" in two
    assert "server 127.0.0.1:9002;" in two and "listen 127.0.0.1:8000;" in two


def test_only_the_pure_load_clients_run_niced():
    from bench.national import CLIENT_NICE, LOAD_NICE
    from bench.two_process import _specs

    specs = _specs("http://front/?node=b", "b", "demo-national", ["t1", "t2"], 3, 2, 1, "c=1", 5.0, None)
    nice = {spec["kind"]: spec.get("nice", 0) for spec in specs}
    assert nice == {"site": LOAD_NICE, "phone": LOAD_NICE, "moderator": 0, "overlay": 0} and LOAD_NICE > 0
    assert CLIENT_NICE["questions"] == CLIENT_NICE["crew"] == 0
    assert all(spec["url"] == "http://front/?node=b" and spec["label"].endswith("-b") for spec in specs)


def test_a_mid_scale_national_run_spreads_its_clients():
    from bench.__main__ import resized
    from bench.national import NATIONAL

    mid = resized(NATIONAL, sites=1000, phones=1000)
    assert (mid["sites"], mid["site_procs"], mid["phones"], mid["phone_procs"]) == (1000, 1, 1000, 1)
    assert resized(NATIONAL, sites=3355)["site_procs"] == 3 and resized(NATIONAL, sites=3355)["phones"] == 3000
    assert NATIONAL["sites"] == 3355  # the full scale is left alone


def test_a_server_log_says_when_the_database_pool_ran_dry():
    from bench.deployment import log_errors

    log = "\n".join(
        [
            "Bridgecast on http://127.0.0.1:5000 (gevent)",
            '{"level": "WARNING", "msg": "Cannot send to sid x"}',
            '{"level": "ERROR", "msg": "message handler error", "exc": "sqlalchemy.exc.TimeoutError: QueuePool limit of size 5"}',
            '{"level": "ERROR", "msg": "bridge monitor failed", "exc": "ValueError"}',
        ]
    )
    assert log_errors(log) == {"errors": 2, "pool_timeouts": 1}
    assert log_errors("") == {"errors": 0, "pool_timeouts": 0}


def test_the_phase_table_keeps_cpu_wait_and_memory_of_each_phase():
    from bench.national import phase_table

    table = phase_table([("idle", _phase(2.004, 289.26, 5.0)), ("questions", _phase(208.237, 326.84, 20.123, 41.5))])
    assert list(table) == ["idle", "questions"]
    assert table["questions"] == {"seconds": 20.12, "cpu_ms_per_s": 208.24, "wait_ms_per_s": 41.5, "rss_mb": 326.8}
    assert table["idle"]["wait_ms_per_s"] == 0.0
