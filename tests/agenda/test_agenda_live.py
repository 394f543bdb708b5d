"""The live run: take next applies cues (recording fake runner and the default seam), the REST
API, the durable timer across an app restart, and the live updates phones and overlays get."""

import pytest

from server.extensions import db
from server.models.event import Event
from server.services.accounts.users import create_token
from server.services.agenda import cues, timer
from server.services.agenda import live as agenda_live
from server.services.overlays import native_text as overlay_text
from tests.support.agenda import SCENES, FixedClock, RecordingRunner, make_items, speaker_items


@pytest.fixture
def clock():
    fixed = FixedClock()
    timer.set_clock(fixed)
    yield fixed
    timer.set_clock(None)


@pytest.fixture
def runner(app):
    app.config["AGENDA_SCENES"] = SCENES
    recording = cues.register_cue_runner(RecordingRunner())
    yield recording
    cues.unregister_cue_runner(recording)


@pytest.fixture
def request_ctx(app):
    with app.test_request_context():
        yield


def events_named(received, name):
    return [packet["args"][0] for packet in received if packet["name"] == name]


def test_take_next_moves_the_pointer_applies_cues_and_starts_the_timer(event, runner, clock, request_ctx):
    items = speaker_items(event)
    first = agenda_live.take_next(event.slug)
    assert first["current"]["id"] == items[0].id
    assert runner.calls == [("scene", event.slug, "Opening"), ("lower_third", event.slug, "")]
    clock.advance(400)
    runner.calls.clear()
    second = agenda_live.take_next(event.slug)
    assert db.session.get(Event, event.id).current_item_id == items[1].id
    assert runner.calls == [
        ("scene", event.slug, "Speaker"),
        ("lower_third", event.slug, "Nguyễn Thị Thu — Phó Chủ tịch"),
        ("media", event.slug, "BC Reportage"),
    ]
    assert all(c["ok"] for c in second["cues"])
    assert second["timer"]["remaining_s"] == 20 * 60 and second["timer"]["phase"] == "normal"
    db.session.refresh(items[0])
    assert items[0].actual_end == clock.now and items[1].actual_start == clock.now
    state = agenda_live.agenda_state(db.session.get(Event, event.id))
    assert state["current_id"] == items[1].id and state["next_id"] == items[2].id
    assert state["lower_third"] == "Nguyễn Thị Thu — Phó Chủ tịch"


def test_a_failing_cue_is_reported_and_the_agenda_still_moves(event, app, clock, request_ctx):
    app.config["AGENDA_SCENES"] = SCENES
    failing = cues.register_cue_runner(RecordingRunner(fail_on="scene"))
    try:
        items = speaker_items(event)
        result = agenda_live.take_next(event.slug)
    finally:
        cues.unregister_cue_runner(failing)
    assert result["cues"][0] == {"cue": "scene", "value": "Opening", "ok": False, "error": "OBS is down"}
    assert result["cues"][1]["ok"] and db.session.get(Event, event.id).current_item_id == items[0].id


def test_default_runner_pushes_text_and_drives_the_obs_runtime(event, app, clock, request_ctx):
    """The seam the OBS service plugs into: app.extensions["obs"].connection_for(slug)."""
    calls = []

    class FakeConnection:
        def set_program_scene(self, scene):
            calls.append(("scene", scene))

        def media(self, name, action):
            calls.append(("media", name, action))

    class FakeRuntime:
        def connection_for(self, slug):
            calls.append(("connection", slug))
            return FakeConnection()

        def state(self, slug):
            return {"scenes": ["Opening", "Speaker", "Break"]}

    def sink(slug, source, text):
        calls.append(("text", slug, source, text))
        return True

    app.extensions["obs"] = FakeRuntime()
    overlay_text.register_sink(sink)
    try:
        speaker_items(event)
        agenda_live.take_next(event.slug)
        agenda_live.take_next(event.slug)
        assert cues.known_scenes(event.slug) >= {"Opening", "Speaker", "Break"}
    finally:
        overlay_text.unregister_sink(sink)
        del app.extensions["obs"]
    assert ("scene", "Speaker") in calls and ("media", "BC Reportage", "restart") in calls
    assert ("text", event.slug, cues.LOWER_THIRD_SOURCE, "Nguyễn Thị Thu\nPhó Chủ tịch") in calls
    assert ("text", event.slug, cues.CLOCK_SOURCE, "20:00") in calls


def test_end_of_agenda_is_a_clear_conflict(event, runner, clock, request_ctx):
    make_items(event, [{"title": "Duy nhất"}])
    agenda_live.take_next(event.slug)
    with pytest.raises(Exception) as info:
        agenda_live.take_next(event.slug)
    assert info.value.code == "agenda_end" and info.value.status == 409


def test_rest_next_with_a_crew_token_and_get_agenda(client, event, runner, clock):
    items = speaker_items(event)
    _token, plain = create_token("crew", "stream deck")
    headers = {"Authorization": f"Bearer {plain}"}
    response = client.post(f"/api/v1/events/{event.slug}/agenda/next", headers=headers)
    assert response.status_code == 200 and response.get_json()["current"]["title"] == "Khai mạc"
    response = client.post(f"/api/v1/events/{event.slug}/agenda/next", headers=headers)
    assert response.get_json()["current"]["id"] == items[1].id
    assert ("lower_third", event.slug, "Nguyễn Thị Thu — Phó Chủ tịch") in runner.calls
    state = client.get(f"/api/v1/events/{event.slug}/agenda", headers=headers).get_json()
    assert state["current_id"] == items[1].id and [i["title"] for i in state["items"]][2] == "Giải lao"
    client.post(f"/api/v1/events/{event.slug}/agenda/next", headers=headers)
    response = client.post(f"/api/v1/events/{event.slug}/agenda/next", headers={**headers, "Accept-Language": "en"})
    assert response.status_code == 409 and response.get_json()["error"] == "agenda_end"
    assert "no next item" in response.get_json()["message"]
    assert client.post(f"/api/v1/events/{event.slug}/agenda/next").status_code == 401
    _t, moderator = create_token("moderator", "mod")
    assert (
        client.post(
            f"/api/v1/events/{event.slug}/agenda/next", headers={"Authorization": f"Bearer {moderator}"}
        ).status_code
        == 403
    )


def test_timer_states_survive_an_app_restart(app, app_config, event, runner, clock, request_ctx):
    from server import create_app

    speaker_items(event)
    agenda_live.take_next(event.slug)
    agenda_live.take_next(event.slug)  # 20 min speaker
    agenda_live.nudge_timer(event.slug, -60)  # 19 min left
    clock.advance(17 * 60)
    view = agenda_live.agenda_state(db.session.get(Event, event.id))["timer"]
    assert view["phase"] == "warning" and view["remaining_s"] == 120
    ends_at = view["ends_at"]

    restarted = create_app(app_config)  # a second process on the same database
    with restarted.app_context():
        again = agenda_live.agenda_state(db.session.scalar(db.select(Event).filter_by(slug=event.slug)))
        assert again["timer"]["ends_at"] == ends_at and again["timer"]["phase"] == "warning"
        clock.advance(100)
        assert (
            agenda_live.agenda_state(db.session.scalar(db.select(Event).filter_by(slug=event.slug)))["timer"]["phase"]
            == "danger"
        )
        clock.advance(60)
        state = agenda_live.agenda_state(db.session.scalar(db.select(Event).filter_by(slug=event.slug)))
        assert state["timer"]["phase"] == "overtime" and state["timer"]["remaining_s"] == -40
        paused = agenda_live.pause_timer(event.slug)
        assert paused["paused"] and paused["remaining_s"] == -40
        db.session.remove()

    clock.advance(3600)  # paused: an hour later and another restart, still 40 s over
    with create_app(app_config).app_context():
        state = agenda_live.agenda_state(db.session.scalar(db.select(Event).filter_by(slug=event.slug)))
        assert state["timer"]["paused"] and state["timer"]["remaining_s"] == -40
        resumed = agenda_live.resume_timer(event.slug)
        assert resumed["running"] and resumed["phase"] == "overtime"
        db.session.remove()


def test_drift_reports_how_late_the_schedule_runs(event, runner, clock, request_ctx):
    from datetime import timedelta

    items = make_items(event, [{"title": "A", "planned_start": clock.now - timedelta(minutes=12), "duration_min": 10}])
    agenda_live.take_next(event.slug)  # started 12 min late, so it ends 12 min late
    assert agenda_live.agenda_state(db.session.get(Event, event.id))["drift_min"] == 12
    agenda_live.nudge_timer(event.slug, -120)
    assert agenda_live.agenda_state(db.session.get(Event, event.id))["drift_min"] == 10
    assert items[0].id


def test_crew_socket_take_next_reaches_overlays_and_phones(socket_client, event, runner, clock):
    items = speaker_items(event)
    crew = socket_client("/crew", role="crew")
    overlay = socket_client("/overlay")
    phone = socket_client("/public")
    joined = overlay.get_received("/overlay")
    assert events_named(joined, "lower_third") == [{"text": "", "name": "", "title": "", "visible": False}]
    assert events_named(joined, "agenda_state")[0]["current_id"] is None
    phone.get_received("/public")
    crew.emit("agenda_next", namespace="/crew", callback=True)
    ack = crew.emit("agenda_next", namespace="/crew", callback=True)
    assert ack["ok"] and ack["current"]["id"] == items[1].id
    got = overlay.get_received("/overlay")
    assert events_named(got, "lower_third")[-1] == {
        "text": "Nguyễn Thị Thu — Phó Chủ tịch",
        "name": "Nguyễn Thị Thu",
        "title": "Phó Chủ tịch",
        "visible": True,
    }
    public_states = events_named(phone.get_received("/public"), "agenda_state")
    assert public_states[-1]["current_id"] == items[1].id
    assert "lower_third" not in public_states[-1]["items"][1] and "notes" not in public_states[-1]["items"][1]
    ack = crew.emit("timer_pause", namespace="/crew", callback=True)
    assert ack["ok"] and ack["timer"]["paused"]
    assert events_named(overlay.get_received("/overlay"), "timer_state")[-1]["paused"] is True
    ack = crew.emit("timer_nudge", {"seconds": 60}, namespace="/crew", callback=True)
    assert ack["timer"]["remaining_s"] == 21 * 60
    ack = crew.emit("timer_nudge", {"seconds": "lots"}, namespace="/crew", callback=True)
    assert ack["ok"] is False and ack["error"] == "invalid" and ack["fields"] == ["seconds"]
    ack = crew.emit("agenda_take", {"item_id": items[0].id}, namespace="/crew", callback=True)
    assert ack["ok"] and ack["current"]["id"] == items[0].id


def test_anonymous_sockets_cannot_take_next(socket_client, event, runner):
    speaker_items(event)
    phone = socket_client("/public")
    phone.emit("agenda_next", namespace="/public")
    assert db.session.get(Event, event.id).current_item_id is None
    moderator = socket_client("/crew", role="moderator")
    assert not moderator.is_connected("/crew")


def test_overlays_are_vietnamese_transparent_pages_whatever_the_browser_language(client, event, runner, clock):
    speaker_items(event)
    with client.application.test_request_context():
        agenda_live.take_next(event.slug)
        agenda_live.take_next(event.slug)
    html = client.get(f"/overlay/{event.slug}/ticker", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert 'lang="vi"' in html and "Đang diễn ra" in html and "Báo cáo chính trị" in html
    assert "Now" in client.get(f"/overlay/{event.slug}/ticker?lang=en").get_data(as_text=True)
    html = client.get(f"/overlay/{event.slug}/lower-third").get_data(as_text=True)
    assert 'class="lower-third is-visible"' in html and ">Nguyễn Thị Thu</div>" in html
    for kind in ("clock", "agenda", "slides"):
        assert client.get(f"/overlay/{event.slug}/{kind}").status_code == 200
    assert client.get("/overlay/no-such-event/clock").status_code == 404


def test_admin_sets_the_overlay_theme_and_overlays_receive_it(client, auth, event, socket_client):
    import io

    from PIL import Image

    overlay = socket_client("/overlay")
    overlay.get_received("/overlay")
    logo = io.BytesIO()
    Image.new("RGBA", (300, 100), (200, 16, 46, 255)).save(logo, "PNG")
    auth.login("admin")
    token = auth.csrf(f"/events/{event.slug}/overlays")
    response = client.post(
        f"/events/{event.slug}/overlays/theme",
        data={"csrf_token": token, "color": "#1A4D8F", "logo": (io.BytesIO(logo.getvalue()), "logo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    themes = events_named(overlay.get_received("/overlay"), "theme")
    assert themes[-1]["color"] == "#1a4d8f" and themes[-1]["logo"] == f"/overlay/{event.slug}/logo.png"
    assert client.get(themes[-1]["logo"]).mimetype == "image/png"
    assert "--brand: #1a4d8f" in client.get(f"/overlay/{event.slug}/lower-third").get_data(as_text=True)
    client.post(f"/events/{event.slug}/overlays/theme", data={"csrf_token": token, "color": "red;}"})
    db.session.expire_all()
    assert db.session.get(Event, event.id).theme_color == "#1a4d8f"


def test_thresholds_change_the_phases(socket_client, event, runner, clock):
    make_items(event, [{"title": "A", "duration_min": 10}])
    crew = socket_client("/crew", role="crew")
    crew.emit("agenda_next", namespace="/crew", callback=True)
    clock.advance(7 * 60)  # 3 min left: normal with the default 2 min warning
    assert crew.emit("timer_nudge", {"seconds": 0}, namespace="/crew", callback=True)["timer"]["phase"] == "normal"
    ack = crew.emit("timer_thresholds", {"warning_s": 240, "danger_s": 200}, namespace="/crew", callback=True)
    assert ack["ok"] and ack["timer"]["phase"] == "danger"
    ack = crew.emit("timer_thresholds", {"warning_s": 10, "danger_s": 60}, namespace="/crew", callback=True)
    assert ack["ok"] is False and ack["error"] == "invalid_thresholds"


def test_undo_restores_the_previous_item_with_its_elapsed_time(event, runner, clock, request_ctx):
    items = speaker_items(event)
    agenda_live.take_next(event.slug)
    agenda_live.take_next(event.slug)  # the 20 min speaker
    clock.advance(5 * 60)  # 15 min left
    agenda_live.pause_timer(event.slug)
    clock.advance(60)
    agenda_live.resume_timer(event.slug)
    clock.advance(2 * 60)  # 13 min left
    agenda_live.take_next(event.slug)  # the break, by mistake
    assert agenda_live.agenda_state(db.session.get(Event, event.id))["can_undo"] is True
    clock.advance(30)
    runner.calls.clear()
    undone = agenda_live.undo_take(event.slug)
    assert undone["current"]["id"] == items[1].id
    assert undone["timer"]["item_id"] == items[1].id and undone["timer"]["remaining_s"] == 13 * 60 - 30
    assert undone["timer"]["running"] and not undone["timer"]["paused"]
    assert runner.calls == [
        ("scene", event.slug, "Speaker"),
        ("lower_third", event.slug, "Nguyễn Thị Thu — Phó Chủ tịch"),
    ]
    state = agenda_live.agenda_state(db.session.get(Event, event.id))
    assert state["current_id"] == items[1].id and state["lower_third"] == "Nguyễn Thị Thu — Phó Chủ tịch"
    assert state["can_undo"] is False
    db.session.refresh(items[1])
    db.session.refresh(items[2])
    assert items[1].actual_end is None and items[2].actual_start is None
    with pytest.raises(Exception) as info:
        agenda_live.undo_take(event.slug)  # one undo per take
    assert info.value.code == "nothing_to_undo" and info.value.status == 409


def test_undo_keeps_a_paused_countdown_paused_and_the_first_take_undoes_to_nothing(event, runner, clock, request_ctx):
    items = speaker_items(event)
    agenda_live.take_next(event.slug)
    clock.advance(60)
    agenda_live.pause_timer(event.slug)  # 4 min left, paused
    agenda_live.take_item(event.slug, items[2].id)
    clock.advance(600)
    undone = agenda_live.undo_take(event.slug)
    assert undone["timer"]["paused"] and undone["timer"]["remaining_s"] == 4 * 60
    agenda_live.take_next(event.slug)
    agenda_live.undo_take(event.slug)
    event_row = db.session.get(Event, event.id)
    assert event_row.current_item_id == items[0].id
    db.session.query(Event).filter_by(id=event.id).update({"current_item_id": None})
    db.session.commit()
    fresh = make_items(event, [{"title": "Một mình"}])
    assert fresh
    with pytest.raises(Exception) as info:
        agenda_live.undo_take(event.slug)
    assert info.value.code == "nothing_to_undo"


def test_undo_after_the_agenda_moved_on_is_refused(event, runner, clock, request_ctx):
    items = speaker_items(event)
    agenda_live.take_next(event.slug)
    agenda_live.take_next(event.slug)
    db.session.get(Event, event.id).current_item_id = items[2].id  # moved elsewhere, not by a take
    db.session.commit()
    with pytest.raises(Exception) as info:
        agenda_live.undo_take(event.slug)
    assert info.value.code == "undo_stale" and info.value.status == 409


def test_rest_undo_and_the_timer_routes(client, event, runner, clock):
    items = speaker_items(event)
    _token, plain = create_token("crew", "stream deck")
    headers = {"Authorization": f"Bearer {plain}"}
    base = f"/api/v1/events/{event.slug}/agenda"
    response = client.post(f"{base}/undo", headers={**headers, "Accept-Language": "en"})
    assert response.status_code == 409 and response.get_json()["error"] == "nothing_to_undo"
    assert "undo" in response.get_json()["message"]
    client.post(f"{base}/next", headers=headers)
    client.post(f"{base}/next", headers=headers)
    clock.advance(90)
    response = client.post(f"{base}/undo", headers=headers)
    body = response.get_json()
    assert response.status_code == 200 and body["ok"] and body["current"]["id"] == items[0].id
    assert body["timer"]["remaining_s"] == 5 * 60 - 90
    assert client.post(f"{base}/timer/pause", headers=headers).get_json()["timer"]["paused"]
    assert (
        client.post(f"{base}/timer/nudge", json={"seconds": 30}, headers=headers).get_json()["timer"]["remaining_s"]
        == 5 * 60 - 60
    )
    assert client.post(f"{base}/timer/nudge", json={"seconds": 99999}, headers=headers).status_code == 422
    assert client.post(f"{base}/timer/resume", headers=headers).get_json()["timer"]["running"]
    response = client.post(f"{base}/timer/thresholds", json={"warning_s": 60, "danger_s": 10}, headers=headers)
    assert response.get_json()["timer"]["warning_s"] == 60
    response = client.post(f"{base}/lower-third", json={"text": "Ai đó — Chức vụ"}, headers=headers)
    assert response.get_json()["lower_third"]["name"] == "Ai đó"
    _t, moderator = create_token("moderator", "mod")
    assert client.post(f"{base}/undo", headers={"Authorization": f"Bearer {moderator}"}).status_code == 403
    assert client.post(f"{base}/undo").status_code == 401


def test_crew_socket_undo(socket_client, event, runner, clock):
    items = speaker_items(event)
    crew = socket_client("/crew", role="crew")
    phone = socket_client("/public")
    crew.emit("agenda_next", namespace="/crew", callback=True)
    crew.emit("agenda_next", namespace="/crew", callback=True)
    crew_states = events_named(crew.get_received("/crew"), "agenda_state")
    assert crew_states[-1]["can_undo"] is True
    phone.get_received("/public")
    clock.advance(45)
    ack = crew.emit("agenda_undo", namespace="/crew", callback=True)
    assert ack["ok"] and ack["current"]["id"] == items[0].id and ack["timer"]["remaining_s"] == 5 * 60 - 45
    assert events_named(phone.get_received("/public"), "agenda_state")[-1]["current_id"] == items[0].id
    ack = crew.emit("agenda_undo", namespace="/crew", callback=True)
    assert ack["ok"] is False and ack["error"] == "nothing_to_undo"
