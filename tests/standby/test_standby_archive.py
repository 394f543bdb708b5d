"""The archive follows the OBS on air, against two fake obs-websocket servers: a switch is an
as-run row (from → to, by hand or automatic, once), the standby's recording and stream events
land in the log naming it, the off-air OBS's stream does not (it is not what went out) while its
recording does (a file is a fact), and takes make chapters in each running recording at its own
file's time, the chapters shown being the on-air OBS's."""

from datetime import datetime, timedelta

import pytest

from server.extensions import db
from server.models.archive import AsRunEntry, RecordingSession
from server.services.accounts import users as accounts
from server.services.agenda import cues, timer
from server.services.agenda import live as agenda_live
from server.services.standby import switch as standby
from tests.fakes.obs_fixtures import FAST, wait_for
from tests.support.agenda import SCENES, FixedClock, RecordingRunner, make_items


@pytest.fixture
def app_config(app_config):
    return {**app_config, "OBS_CONNECTION_OPTIONS": FAST}


@pytest.fixture
def clock():
    fixed = FixedClock()
    timer.set_clock(fixed)
    yield fixed
    timer.set_clock(None)


@pytest.fixture
def items(app, event):
    app.config["AGENDA_SCENES"] = SCENES
    runner = cues.register_cue_runner(RecordingRunner())
    start = datetime(2026, 11, 23, 1, 0, tzinfo=timer.clock().tzinfo)
    yield make_items(
        event,
        [
            {"title": "Khai mạc", "speaker_name": "", "planned_start": start, "duration_min": 5},
            {"title": "Báo cáo", "speaker_name": "Nguyễn Thị Thu", "planned_start": start + timedelta(minutes=5)},
            {"title": "Bế mạc", "speaker_name": "Trần Văn Bảy", "planned_start": start + timedelta(minutes=15)},
        ],
    )
    cues.unregister_cue_runner(runner)


def bearer(role="crew"):
    _token, plain = accounts.create_token(role)
    return {"Authorization": f"Bearer {plain}"}


def rows(event, kind=None):
    db.session.expire_all()
    query = db.select(AsRunEntry).where(AsRunEntry.event_id == event.id).order_by(AsRunEntry.id)
    return [r for r in db.session.scalars(query) if kind is None or r.kind == kind]


def sessions(event):
    db.session.expire_all()
    query = db.select(RecordingSession).where(RecordingSession.event_id == event.id).order_by(RecordingSession.id)
    return list(db.session.scalars(query))


def test_a_switch_is_one_as_run_row_each_way(client, event, two, clock):
    assert rows(event, "standby_switch") == []
    r = client.post(f"/api/v1/events/{event.slug}/standby/switch", json={"to": "backup"}, headers=bearer())
    assert r.status_code == 200 and r.get_json()["on_air"] == "backup"
    again = client.post(f"/api/v1/events/{event.slug}/standby/switch", json={"to": "backup"}, headers=bearer())
    assert again.status_code == 200  # already on air: no second row
    (row,) = rows(event, "standby_switch")
    assert row.detail == "OBS chính → máy OBS dự phòng (bằng tay)"
    assert row.actor.startswith("token:") and row.at == clock.now

    clock.advance(90)
    standby.switch(event.slug, "primary", None, reason="auto")
    body = client.get(f"/api/v1/events/{event.slug}/as-run", headers=bearer()).get_json()
    switches = [i for i in body["items"] if i["kind"] == "standby_switch"]
    assert [(s["detail"], s["actor"]) for s in switches] == [
        ("OBS chính → máy OBS dự phòng (bằng tay)", row.actor),
        ("máy OBS dự phòng → OBS chính (tự động)", ""),
    ]
    assert switches[1]["label"] == "Chuyển máy OBS lên sóng"
    assert switches[1]["at"] == clock.now.isoformat()


def test_after_a_switch_the_standby_s_outputs_are_in_the_log_with_its_name(event, two, clock):
    primary, backup = two
    primary.start_stream()
    assert wait_for(lambda: len(rows(event, "stream_start")) == 1, 5)
    primary.start_record()
    assert wait_for(lambda: len(rows(event, "record_start")) == 1, 5)
    backup.start_stream()  # the standby warming up off air: not what went out
    assert wait_for(lambda: backup.state["stream"]["state"] == "live", 5)

    clock.advance(60)
    standby.switch(event.slug, "backup", None, reason="manual")
    clock.advance(5)
    backup.start_record()
    assert wait_for(lambda: len(rows(event, "record_start")) == 2, 5)
    primary.stop_stream()  # off air now: nothing went out differently
    assert wait_for(lambda: primary.state["stream"]["state"] == "stopped", 5)
    primary.stop_record()  # the primary's file is closed: a fact, with its name
    assert wait_for(lambda: len(rows(event, "record_stop")) == 1, 5)
    backup.stop_stream()  # the on-air OBS stops: that went out
    assert wait_for(lambda: len(rows(event, "stream_stop")) == 1, 5)
    backup.stop_record()
    assert wait_for(lambda: len(rows(event, "record_stop")) == 2, 5)

    got = [(r.kind, r.detail) for r in rows(event)]
    assert got == [
        ("stream_start", "OBS chính"),
        ("record_start", "OBS chính"),
        ("standby_switch", "OBS chính → máy OBS dự phòng (bằng tay)"),
        ("record_start", "máy OBS dự phòng"),
        ("record_stop", "OBS chính: /tmp/fake-obs-recording-1.mkv"),
        ("stream_stop", "máy OBS dự phòng"),
        ("record_stop", "máy OBS dự phòng: /tmp/fake-obs-recording-1.mkv"),
    ]
    assert [(s.side, s.stopped_at is not None) for s in sessions(event)] == [("primary", True), ("backup", True)]


def test_takes_mark_each_recording_at_its_own_time_and_the_on_air_one_is_shown(client, event, two, items, clock):
    primary, backup = two
    primary.start_record()
    assert wait_for(lambda: len(sessions(event)) == 1, 5)
    clock.advance(30)
    backup.start_record()  # the standby records too, 30 s later
    assert wait_for(lambda: len(sessions(event)) == 2, 5)
    clock.advance(10)
    agenda_live.take_next(event.slug, actor="Tổ kỹ thuật")  # 40 s into the primary's file, 10 s into the standby's
    clock.advance(20)
    standby.switch(event.slug, "backup", None)
    clock.advance(15)
    agenda_live.take_next(event.slug, actor="Tổ kỹ thuật")

    body = client.get(f"/api/v1/events/{event.slug}/recording/chapters", headers=bearer()).get_json()
    assert body["session"]["side"] == "backup" and body["session"]["recording"] is True
    assert [(c["t_s"], c["title"]) for c in body["items"]] == [(10.0, "Khai mạc"), (45.0, "Báo cáo")]
    assert body["text"] == "00:00:10 Khai mạc\n00:00:45 Báo cáo — Nguyễn Thị Thu\n"

    agenda_live.undo_take(event.slug, actor="Tổ kỹ thuật")  # takes its chapter back from both files
    standby.switch(event.slug, "primary", None)
    body = client.get(f"/api/v1/events/{event.slug}/recording/chapters", headers=bearer()).get_json()
    assert body["session"]["side"] == "primary"
    assert [(c["t_s"], c["title"]) for c in body["items"]] == [(40.0, "Khai mạc")]

    clock.advance(5)
    primary.stop_record()  # the primary's file is over; the standby's still runs: its chapters are shown
    assert wait_for(lambda: sessions(event)[0].stopped_at is not None, 5)
    body = client.get(f"/api/v1/events/{event.slug}/recording/chapters", headers=bearer()).get_json()
    assert body["session"]["side"] == "backup" and [c["t_s"] for c in body["items"]] == [10.0]
