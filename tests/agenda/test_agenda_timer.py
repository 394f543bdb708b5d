"""The countdown's pure logic: phases, pause/resume, nudges, formatting."""

from datetime import UTC, datetime

from server.models.agenda import AgendaLive
from server.services.agenda import timer

T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def live():
    return AgendaLive(event_id=1, timer_duration_s=0, warning_s=120, danger_s=30, slide_index=0)


def test_phases_follow_the_thresholds():
    row = live()
    timer.start(row, 300, T0)
    from datetime import timedelta

    def at(seconds):
        return timer.view(row, T0 + timedelta(seconds=seconds))

    assert at(0)["phase"] == "normal" and at(0)["remaining_s"] == 300
    assert at(180)["phase"] == "warning"  # 120 s left
    assert at(270)["phase"] == "danger"  # 30 s left
    assert at(301)["phase"] == "overtime" and at(301)["remaining_s"] == -1


def test_pause_freezes_and_resume_continues():
    from datetime import timedelta

    row = live()
    timer.start(row, 600, T0)
    assert timer.pause(row, T0 + timedelta(seconds=100))
    assert not timer.pause(row, T0 + timedelta(seconds=101))  # already paused
    later = T0 + timedelta(seconds=1000)
    view = timer.view(row, later)
    assert view["paused"] and not view["running"] and view["remaining_s"] == 500
    assert timer.resume(row, later)
    assert row.timer_ends_at == later + timedelta(seconds=500)
    assert timer.view(row, later + timedelta(seconds=10))["remaining_s"] == 490


def test_nudges_add_and_remove_a_minute_running_or_paused():
    from datetime import timedelta

    row = live()
    timer.start(row, 120, T0)
    timer.nudge(row, 60)
    assert timer.view(row, T0)["remaining_s"] == 180
    timer.nudge(row, -60)
    timer.nudge(row, -60)
    assert timer.view(row, T0)["remaining_s"] == 60
    timer.pause(row, T0)
    timer.nudge(row, 60)
    assert timer.view(row, T0 + timedelta(hours=1))["remaining_s"] == 120


def test_idle_timer_has_no_phase_and_cannot_be_nudged():
    row = live()
    assert timer.view(row, T0)["phase"] == "idle"
    assert timer.nudge(row, 60) is False


def test_format_clock():
    assert timer.format_clock(125) == "2:05"
    assert timer.format_clock(59.2) == "1:00"
    assert timer.format_clock(-42.5) == "-0:42"
    assert timer.format_clock(3723) == "1:02:03"
    assert timer.format_clock(None) == ""
