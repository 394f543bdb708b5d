"""``python -m bench --national-quick`` end to end, at a smaller scale than the command's own (half
the sites and phones, shorter measuring phases): the JSON it writes has the national keys, every
site came back after the restart, the capacity model comes from the costs of the calibration on
PostgreSQL + Redis (the SQLite model kept for reference), the load clients ran niced, and the
two-process check reports each process's share predicted from the calibrated costs and measured.
The full national run is never part of the tests."""

import json
import subprocess
import sys

import pytest

from bench.national import TARGETS, capacity_model, targets
from tests.support.processes import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(660)]
# Laid over bench/national.py's NATIONAL_QUICK for this run (the same steps, every phase still
# measured; the offline threshold and the beat are kept, so the restart is waited for as long).
SCALE = {
    "sites": 200,
    "phones": 50,
    "beat_s": 5.0,
    "idle_s": 2.0,
    "beat_phase_s": 5.0,
    "question_s": 10,
    "two_process_s": 10,
    "calibration_question_s": 10,
}
RUN = (
    "import json, sys\n"
    "from bench import national\n"
    "national.NATIONAL_QUICK.update(json.loads(sys.argv[1]))\n"
    "from bench.__main__ import main\n"
    "main(sys.argv[2:])\n"
)

KEYS = {
    "sites",
    "phones",
    "beats_per_s",
    "offline_detect_s",
    "delivery_p99_ms",
    "server_rss_mb",
    "server_cpu_pct",
    "restart_all_back_s",
    "false_offline",
    "capacity",
    "capacity_sqlite",
    "calibration",
    "client_nice",
    "processes_for_31097_sites",
}
COSTS = {
    "cpu_ms_per_beat",
    "cpu_ms_per_question",
    "cpu_ms_per_fanout_client",
    "cpu_ms_per_socket_s",
    "mem_kb_per_connection",
    "rss_base_mb",
}


def test_national_quick_run_writes_the_national_json(tmp_path):
    out = tmp_path / "national.json"
    run = subprocess.run(
        [sys.executable, "-c", RUN, json.dumps(SCALE), "--national-quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result) >= KEYS
    assert result["scale"] == "national-quick"
    sites, phones = SCALE["sites"], SCALE["phones"]
    assert result["sites"] == sites and result["phones"] == phones
    assert result["beats_per_s"] == pytest.approx(sites / 5)
    assert result["sites_not_back"] == 0 and result["restart_all_back_s"] is not None
    assert result["offline_detect_s"] is not None
    assert result["questions_acknowledged"] == result["questions_sent"]
    # the targets block says which targets the same numbers meet
    assert set(result["targets"]) == {label for _key, label, _test in TARGETS}
    assert result["targets"] == targets(result)
    assert set(result["capacity"]["costs"]) >= COSTS
    # the model sizes the scale-out: its costs are the calibration's (one process on PostgreSQL +
    # Redis at the full quick load), the SQLite single process's kept beside them
    calibration = result["calibration"]
    assert "error" not in calibration, calibration
    assert calibration["sites"] == sites and calibration["phones"] == phones and calibration["moderators"] == 10
    assert calibration["questions_acknowledged"] > 0 and set(calibration["phases"]) == {
        "idle",
        "connected",
        "beating",
        "questions",
        "fanout",
    }
    assert calibration["server_errors"]["pool_timeouts"] == 0  # it measured its costs, not a storm
    assert result["capacity"]["costs"] == {k: calibration["costs"][k] for k in COSTS}
    again = capacity_model(calibration["costs"])
    assert again["processes"] == result["processes_for_31097_sites"] >= 1
    assert capacity_model(result["capacity_sqlite"]["costs"])["processes"] == result["processes_for_31097_sites_sqlite"]
    assert result["client_nice"]["site"] > 0 and result["client_nice"]["phone"] > 0
    assert result["client_nice"]["moderator"] == result["client_nice"]["questions"] == 0
    # the model checked on two processes behind nginx: the shape, and each got its half
    two = result["two_process_validation"]
    assert "error" not in two, two
    assert [p["node"] for p in two["processes"]] == ["a", "b"]
    assert sum(p["sites"] for p in two["processes"]) == sites and sum(p["phones"] for p in two["processes"]) == phones
    for process in two["processes"]:
        assert process["sites"] == sites // 2 and process["questions_acknowledged"] > 0
        assert process["predicted"]["cpu_ms_per_s"] > 0 and process["measured"]["cpu_ms_per_s"] > 0
        assert process["measured"]["rss_mb"] > 50
        assert process["cpu_ratio"] == pytest.approx(
            process["measured"]["cpu_ms_per_s"] / process["predicted"]["cpu_ms_per_s"], rel=0.01
        )
        assert process["within"] == (abs(process["cpu_ratio"] - 1) <= 0.15 and abs(process["rss_ratio"] - 1) <= 0.15)
        # predicted from the calibrated costs for this process's share
        costs = calibration["costs"]
        expected_rss = costs["rss_base_mb"] + process["predicted"]["sockets"] * costs["mem_kb_per_connection"] / 1024
        assert process["predicted"]["rss_mb"] == pytest.approx(expected_rss, abs=0.02)
    assert two["within_15pct"] == all(p["within"] for p in two["processes"])
    assert result["targets"]["each of two processes within 15 % of the model"] == two["within_15pct"]
    assert two["deliveries"] == two["expected_deliveries"]  # every question reached every moderator, both sides
