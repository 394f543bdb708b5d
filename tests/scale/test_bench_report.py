"""The benchmark's own arithmetic: percentiles, the profile folding and the table."""

from bench.__main__ import table
from bench.profiler import fold, report
from bench.scenario import percentile


def test_percentile_picks_the_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) == 51 and percentile(values, 99) == 99 and percentile(values, 100) == 100
    assert percentile([], 50) is None


def test_fold_counts_self_and_inclusive_once_per_stack():
    raw = [
        "main (a.py:1);handle (b.py:10);submit (q.py:5);execute (db.py:7) 30\n",
        "main (a.py:1);handle (b.py:11);submit (q.py:6) 10\n",
        "main (a.py:1);beat (s.py:3);execute (db.py:7) 60\n",
        "garbage line\n",
    ]
    total, self_top, incl_top = fold(raw)
    assert total == 100
    assert dict(self_top) == {"execute (db.py)": 90, "submit (q.py)": 10}
    incl = dict(incl_top)
    assert incl["main (a.py)"] == 100 and incl["submit (q.py)"] == 40 and incl["handle (b.py)"] == 40
    text = report(total, self_top, incl_top, seconds=2, rate=100)
    assert text.startswith("samples 100 over 2 s at 100 Hz: server busy 50% of one core")
    assert " 90.0%  execute (db.py)" in text


def test_table_shows_missing_values_as_dashes():
    text = table(
        [
            {"async_mode": "eventlet", "clients": 2000, "delivery_p50_ms": 12.345},
            {"async_mode": "gevent", "clients": 1999},
        ]
    )
    lines = text.splitlines()
    assert lines[0].split()[-2:] == ["eventlet", "gevent"]
    assert any(line.startswith("phones connected") and line.split()[-2:] == ["2000", "1999"] for line in lines)
    assert any(line.startswith("submit→moderator p50 ms") and line.split()[-2:] == ["12.35", "—"] for line in lines)


def test_targets_are_read_from_the_numbers_the_table_shows():
    from bench.__main__ import targets

    good = {
        "async_mode": "gevent",
        "questions_lost": 0,
        "questions_not_delivered": 0,
        "questions_duplicated": 0,
        "delivery_p99_ms": 120.0,
        "offline_detect_s": 7.5,
        "offline_threshold_s": 6.0,
        "server_rss_mb": 210.0,
        "efficiency_ratio": 0.61,
        "socket_efficiency_ratio": 0.55,
    }
    assert all(met for _label, _value, met in targets(good))
    bad = dict(good, questions_not_delivered=5, efficiency_ratio=0.36)
    missed = [label for label, _value, met in targets(bad) if not met]
    assert missed == ["every stored question reaches every moderator", "HTTP efficiency ≥ 0.5 of bare"]
    assert "MISSED" in table([bad]) and "met" in table([good])
    socket_bad = dict(good, socket_efficiency_ratio=0.49)
    assert [label for label, _value, met in targets(socket_bad) if not met] == ["socket efficiency ≥ 0.5 of bare"]
    assert [label for label, _value, met in targets(dict(good, socket_efficiency_ratio=None)) if not met] == [
        "socket efficiency ≥ 0.5 of bare"
    ]


def test_the_socket_path_is_shown_next_to_the_http_path():
    result = {
        "async_mode": "gevent",
        "throughput_qps": 300.0,
        "bare_throughput_qps": 500.0,
        "efficiency_ratio": 0.6,
        "socket_throughput_qps": 240.0,
        "bare_socket_throughput_qps": 600.0,
        "socket_efficiency_ratio": 0.4,
    }
    lines = table([result]).splitlines()
    row = {line.rsplit(None, 1)[0].strip(): line.rsplit(None, 1)[1] for line in lines if line.strip()}
    assert row["efficiency ratio (HTTP)"] == "0.60" and row["efficiency ratio (socket)"] == "0.40"
    assert row["socket saturation q/s"] == "240.00" and row["bare python-socketio socket q/s"] == "600.00"
    assert row["HTTP efficiency ≥ 0.5 of bare"] == "met" and row["socket efficiency ≥ 0.5 of bare"] == "MISSED"


def test_the_duplicate_grouping_target_is_read_from_the_seconds_shown():
    from bench import duplicates

    fast = {"dup_questions": 10_000, "dup_groups": 1903, "dup_group_s": 2.284}
    text = table([{"async_mode": "gevent"}], fast)
    assert "duplicate grouping: 10000 questions → 1903 groups in 2.28 s" in text
    assert "target: grouping of 10,000 questions < 5 s: met" in text
    slow = dict(fast, dup_group_s=5.0)
    assert duplicates.met(fast) and not duplicates.met(slow)
    assert "< 5 s: MISSED" in table([{"async_mode": "gevent"}], slow)
    assert duplicates.lines({})[-1].endswith("MISSED")


def test_the_duplicate_grouping_runs_the_console_engine_on_a_real_database():
    from bench import duplicates

    result = duplicates.measure(400)
    assert result["dup_questions"] == 400 and result["dup_groups"] > 20  # the corpus has variants of most
    assert 0 < result["dup_group_s"] < 5
