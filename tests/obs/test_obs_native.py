"""The native-OBS path against the fake obs-websocket server: the slide on air reaches the
``BC Slides`` image source, texts and plates follow what is on air, and "one OBS, one owner":
two events configured with the same OBS never overwrite each other (the oldest active event
drives it, the other is refused with ``obs_owned_by_other_event`` naming the owner)."""

import os
from datetime import timedelta

import pytest

from server.extensions import db
from server.models.slides import Slide, SlideDeck
from server.services.accounts import users as accounts
from server.services.agenda import live as agenda_live
from server.services.agenda import timer
from server.services.obs import apply_scene_pack, load_scene_pack
from server.services.obs.native_texts import PLATE_HIDDEN, PLATE_SHOWN
from server.services.slides import decks, on_air
from tests.fakes.obs_fixtures import FAST, wait_for
from tests.support import factories

PNG = on_air.BLANK_PNG


@pytest.fixture
def app_config(app_config):
    return {**app_config, "OBS_CONNECTION_OPTIONS": FAST}


def bearer(role="crew"):
    _token, plain = accounts.create_token(role)
    return {"Authorization": f"Bearer {plain}"}


def on_fake(event, fake):
    event.obs_url, event.obs_password = fake.url, fake.password
    db.session.commit()


@pytest.fixture
def packed(app, event, fake_obs):
    """The event drives the fake OBS with the congress pack applied (native: no browser source)
    and the current texts pushed, as the ``obs.scene_pack`` command does."""
    on_fake(event, fake_obs)
    conn = app.extensions["obs"].connection_for(event.slug)
    assert wait_for(lambda: conn.connected, 5), conn.state
    apply_scene_pack(conn, load_scene_pack(), slug=event.slug)
    app.extensions["obs"].push_current_texts(event.slug)  # what the scene-pack command does
    yield conn
    app.extensions["obs"].manager.stop_all()


def settings(fake, name):
    return fake.state.inputs[name]["settings"]


def make_deck(app, event, pages=3):
    deck = SlideDeck(
        event_id=event.id,
        title="Báo cáo chính trị",
        kind="photos",
        status="ready",
        page_count=pages,
        pages_done=pages,
        error="",
    )
    db.session.add(deck)
    db.session.flush()
    folder = os.path.join("slides", str(deck.id))
    os.makedirs(os.path.join(app.config["UPLOAD_FOLDER"], folder), exist_ok=True)
    for n in range(pages):
        rel = os.path.join(folder, f"{n}.png")
        with open(os.path.join(app.config["UPLOAD_FOLDER"], rel), "wb") as fh:
            fh.write(PNG)
        db.session.add(Slide(deck_id=deck.id, number=n, image_path=rel, thumb_path=rel, caption=""))
    db.session.commit()
    return deck


def slide_path(app, deck, n):
    return os.path.abspath(os.path.join(app.config["UPLOAD_FOLDER"], "slides", str(deck.id), f"{n}.png"))


# -- slides ---------------------------------------------------------------------------------------


def test_every_slide_change_sets_the_slides_image_file(app, event, fake_obs, packed):
    blank = on_air.blank_file()
    assert settings(fake_obs, "BC Slides")["file"] == "" or settings(fake_obs, "BC Slides")["file"] == blank
    deck = make_deck(app, event)
    decks.show(event.slug, deck_id=deck.id)
    assert settings(fake_obs, "BC Slides")["file"] == slide_path(app, deck, 0)
    decks.show(event.slug, delta=1)
    assert settings(fake_obs, "BC Slides")["file"] == slide_path(app, deck, 1)
    decks.show(event.slug, index=2)
    path = settings(fake_obs, "BC Slides")["file"]
    assert path == slide_path(app, deck, 2) and os.path.isfile(path)
    # the deck is gone: a transparent image, never the stale slide
    live = agenda_live.live_of(event)
    live.deck_id = None
    db.session.commit()
    decks.broadcast_slide(event)
    assert settings(fake_obs, "BC Slides")["file"] == blank and open(blank, "rb").read() == PNG


def test_a_reconnected_obs_gets_the_current_slide(app, event, fake_obs, packed):
    deck = make_deck(app, event)
    decks.show(event.slug, deck_id=deck.id)
    decks.show(event.slug, index=1)
    fake_obs.state.inputs["BC Slides"]["settings"]["file"] = "/stale.png"  # what a restarted OBS saved
    fake_obs.stop()
    assert wait_for(lambda: not packed.connected, 2)
    fake_obs.start()
    assert wait_for(lambda: settings(fake_obs, "BC Slides")["file"] == slide_path(app, deck, 1), 3)


# -- texts that fit -------------------------------------------------------------------------------


def test_the_pack_wraps_texts_in_title_safe_boxes_and_ships_no_placeholders(fake_obs, packed):
    lower = settings(fake_obs, "BC Lower third")
    assert lower["word_wrap"] is True and lower["extents_wrap"] is True and lower["extents"] is True
    # the fake canvas is 1280x720: inside the title-safe 90% (from x = 5%, outline included)
    assert lower["custom_width"] == lower["extents_cx"] == round(0.89 * 1280)
    pack = load_scene_pack()
    for name, spec in pack["sources"].items():
        if spec.get("fallback") == "text" or name == "BC Title":
            assert spec["settings"]["text"] == "", name


def test_the_lower_third_is_two_lines_and_its_plate_hides_when_empty(event, fake_obs, packed):
    agenda_live.set_lower_third(event.slug, "Nguyễn Thị Thu — Phó Chủ tịch Ủy ban MTTQ tỉnh")
    assert settings(fake_obs, "BC Lower third")["text"] == "Nguyễn Thị Thu\nPhó Chủ tịch Ủy ban MTTQ tỉnh"
    assert settings(fake_obs, "BC Lower third plate")["color"] == PLATE_SHOWN
    agenda_live.set_lower_third(event.slug, "")
    assert settings(fake_obs, "BC Lower third")["text"] == ""
    assert settings(fake_obs, "BC Lower third plate")["color"] == PLATE_HIDDEN
    assert settings(fake_obs, "BC Title")["text"] == event.name  # pushed when the pack was applied


# -- one OBS, one owner ---------------------------------------------------------------------------


def start_timer(event, seconds):
    live = agenda_live.live_of(event)
    live.timer_duration_s = seconds
    live.timer_ends_at = timer.now() + timedelta(seconds=seconds)
    db.session.commit()


def test_two_events_on_one_obs_the_second_is_refused_and_never_overwrites(
    app, client, socket_client, event, fake_obs, packed
):
    other = factories.make_event("second-event", "Hội nghị thứ hai")
    on_fake(other, fake_obs)
    agenda_live.set_lower_third(event.slug, "Nguyễn Văn A — Chủ tịch")
    agenda_live.set_lower_third(other.slug, "Trần Văn B — Khách mời")
    assert settings(fake_obs, "BC Lower third")["text"] == "Nguyễn Văn A\nChủ tịch"

    r = client.post(f"/api/v1/events/{other.slug}/obs/scene", json={"scene": "Speaker"}, headers=bearer())
    assert r.status_code == 409, r.json
    assert r.json["error"] == "obs_owned_by_other_event" and r.json["owner"] == event.slug
    assert "Đại hội thử nghiệm" in r.json["message"]
    en = client.post(
        f"/api/v1/events/{other.slug}/obs/scene",
        json={"scene": "Speaker"},
        headers={**bearer(), "Accept-Language": "en"},
    )
    assert "belongs to another event" in en.json["message"] and "Đại hội thử nghiệm" in en.json["message"]
    state = client.get(f"/api/v1/events/{other.slug}/obs", headers=bearer()).json
    assert state["status"] == "owned_by_other_event" and state["error"]["code"] == "obs_owned_by_other_event"
    assert app.extensions["obs"].manager.peek(other.slug) is None  # no second connection at all
    # the owner still drives it
    assert (
        client.post(f"/api/v1/events/{event.slug}/obs/scene", json={"scene": "Speaker"}, headers=bearer()).status_code
        == 200
    )

    # the control panel of the second event: the state says why, and a command is refused
    crew = socket_client("/crew", role="crew", auth_payload={"event": other.slug})
    joined = [p["args"][0] for p in crew.get_received("/crew") if p["name"] == "obs_state"]
    assert joined and joined[-1]["diff"]["status"] == "owned_by_other_event"
    ack = crew.emit("obs_take_scene", {"scene": "Speaker"}, namespace="/crew", callback=True)
    assert ack["ok"] is False and ack["error"] == "obs_owned_by_other_event" and ack["owner"] == event.slug

    # the clock loop pushes the owner's countdown only
    start_timer(event, 300)
    start_timer(other, 1800)
    for _ in range(3):
        agenda_live.push_clocks_once()
    assert settings(fake_obs, "BC Agenda clock")["text"] in ("5:00", "4:59")


def test_the_default_obs_url_is_owned_by_the_oldest_active_event(app, client, auth, event, fake_obs):
    app.extensions["obs"].manager.default_settings = __import__(
        "server.services.obs", fromlist=["ObsSettings"]
    ).ObsSettings.from_url(fake_obs.url, fake_obs.password)
    other = factories.make_event("second-event", "Hội nghị thứ hai")
    try:
        conn = app.extensions["obs"].connection_for(event.slug)
        assert wait_for(lambda: conn.connected, 5)
        r = client.post(f"/api/v1/events/{other.slug}/obs/take", headers=bearer())
        assert r.status_code == 409 and r.json["owner"] == event.slug
        auth.login("admin")
        html = client.get(f"/admin/events/{other.slug}/obs").get_data(as_text=True)
        assert "owned_by_other_event" in html and "Đại hội thử nghiệm" in html and 'id="obs-error"' in html
        # the owner is deactivated: the OBS passes to the next event
        event.is_active = False
        db.session.commit()
        assert client.get(f"/api/v1/events/{other.slug}/obs", headers=bearer()).json["status"] != "owned_by_other_event"
    finally:
        app.extensions["obs"].manager.stop_all()
