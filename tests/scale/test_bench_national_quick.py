"""``python -m bench --national-quick`` end to end (about two minutes): the JSON it writes has the
national keys, every site came back after the restart, and the capacity model is consistent with
the costs it reports. The full national run is never part of the tests."""

import json
import subprocess
import sys

import pytest

from bench.national import capacity_model
from tests.support.processes import ROOT

pytestmark = pytest.mark.slow

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
        [sys.executable, "-m", "bench", "--national-quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result) >= KEYS
    assert result["scale"] == "national-quick"
    assert result["sites"] == 400 and result["phones"] == 100
    assert result["beats_per_s"] == pytest.approx(400 / 5)
    assert result["sites_not_back"] == 0 and result["restart_all_back_s"] is not None
    assert result["offline_detect_s"] is not None
    assert result["questions_acknowledged"] == result["questions_sent"]
    assert set(result["capacity"]["costs"]) >= COSTS
    again = capacity_model(result["capacity"]["costs"])
    assert again["processes"] == result["processes_for_31097_sites"] >= 1
