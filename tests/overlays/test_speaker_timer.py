"""The speaker timer: the crew's message to the speaker (REST and the /crew socket, same
answer, broadcast to the overlays), per-item thresholds applied on take, drift kept from the
public overlays unless the event shows it, and the anonymous speaker page."""

import pytest

from server.extensions import db
from server.models.event import Event
from server.services.accounts.users import create_token
from server.services.agenda import cues, timer
from server.services.agenda import live as agenda_live
from tests.support.agenda import SCENES, FixedClock, RecordingRunner, make_items


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


def named(received, name):
    return [p["args"][0] for p in received if p["name"] == name]


def test_speaker_message_on_both_transports_reaches_the_overlay(client, socket_client, event):
    overlay = socket_client("/overlay")
    overlay.get_received("/overlay")
    crew = socket_client("/crew", role="crew")
    ack = crew.emit("speaker_message", {"text": "Xin mời kết thúc"}, namespace="/crew", callback=True)
    assert ack == {"ok": True, "speaker_message": {"text": "Xin mời kết thúc", "visible": True}}
    assert named(overlay.get_received("/overlay"), "speaker_message")[-1]["text"] == "Xin mời kết thúc"

    _token, plain = create_token("crew")
    r = client.post(
        f"/api/v1/events/{event.slug}/agenda/speaker-message",
        json={"text": ""},
        headers={"Authorization": f"Bearer {plain}"},
    )
    assert r.status_code == 200
    assert r.json == {"ok": True, "speaker_message": {"text": "", "visible": False}}
    assert named(overlay.get_received("/overlay"), "speaker_message")[-1]["visible"] is False

    r = client.post(
        f"/api/v1/events/{event.slug}/agenda/speaker-message",
        json={"text": "x" * 501},
        headers={"Authorization": f"Bearer {plain}"},
    )
    assert r.status_code == 422


def test_speaker_message_needs_the_crew(client, event):
    _token, plain = create_token("moderator")
    r = client.post(
        f"/api/v1/events/{event.slug}/agenda/speaker-message",
        json={"text": "hi"},
        headers={"Authorization": f"Bearer {plain}"},
    )
    assert r.status_code == 403


def test_a_new_take_clears_the_message_and_applies_the_items_thresholds(app, event, runner, clock):
    make_items(
        event,
        [
            {"title": "Khai mạc", "duration_min": 5},
            {"title": "Tham luận", "duration_min": 7, "warning_s": 90, "danger_s": 15},
        ],
    )
    with app.test_request_context():
        agenda_live.take_next(event.slug)
        agenda_live.set_speaker_message(event.slug, "Còn 1 phút")
        result = agenda_live.take_next(event.slug)
    assert result["timer"]["warning_s"] == 90 and result["timer"]["danger_s"] == 15
    assert agenda_live.current_speaker_message(db.session.get(Event, event.id))["text"] == ""


def test_drift_is_the_crews_unless_the_event_shows_it(app, event, runner, clock):
    from datetime import timedelta

    make_items(event, [{"title": "Khai mạc", "duration_min": 10, "planned_start": clock.now - timedelta(hours=8)}])
    with app.test_request_context():
        agenda_live.take_next(event.slug)
    ev = db.session.get(Event, event.id)
    assert agenda_live.agenda_state(ev)["drift_min"] > 400
    assert agenda_live.agenda_state(ev, public=True)["drift_min"] is None
    ev.public_drift = True
    db.session.commit()
    assert agenda_live.agenda_state(ev, public=True)["drift_min"] > 400


def test_speaker_page_is_anonymous_and_shows_the_message(client, event):
    with client.application.test_request_context():
        agenda_live.set_speaker_message(event.slug, "Xin mời kết thúc")
    r = client.get(f"/overlay/{event.slug}/speaker")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert 'id="speaker-message"' in html and "Xin mời kết thúc" in html
    assert 'id="wall-clock"' in html and 'id="countdown"' in html
