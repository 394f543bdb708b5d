"""Slide decks: a multi-page PDF rendered in the background with progress, photo decks, and
the slide position kept in sync between displays, after a reconnect and after a restart."""

import io
import time

import fitz
import pytest
from PIL import Image

from server.extensions import db
from server.models.slides import SlideDeck
from server.services.slides import decks as slides
from tests.support.agenda import make_pdf


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def deck_status(deck_id):
    db.session.expire_all()
    deck = db.session.get(SlideDeck, deck_id)
    return deck.status if deck.status != "rendering" else None


def upload_pdf(client, auth, event, pages=4):
    auth.login("crew")
    token = auth.csrf(f"/events/{event.slug}/agenda")
    response = client.post(
        f"/events/{event.slug}/slides",
        data={"csrf_token": token, "title": "Báo cáo chính trị", "pdf": (io.BytesIO(make_pdf(pages)), "bao-cao.pdf")},
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def test_pdf_is_rendered_to_page_images_in_the_background_with_progress(client, auth, event, socket_client):
    crew = socket_client("/crew", role="crew")
    crew.get_received("/crew")
    deck = upload_pdf(client, auth, event, pages=4)
    assert deck["status"] == "rendering" and deck["page_count"] == 4
    assert wait_for(lambda: deck_status(deck["id"])) == "ready"
    progress = []

    def finished():
        progress.extend(p["args"][0] for p in crew.get_received("/crew") if p["name"] == "deck_progress")
        return progress and progress[-1]["status"] == "ready"

    wait_for(finished)
    assert [p["pages_done"] for p in progress] == [1, 2, 3, 4, 4] and progress[-1]["status"] == "ready"
    for number in range(4):
        response = client.get(f"/slides/{deck['public_id']}/{number}.png")
        assert response.status_code == 200 and response.mimetype == "image/png"
        image = Image.open(io.BytesIO(response.data))
        assert image.size[0] == 1920 and 1300 < image.size[1] < 1400  # A4 landscape at 1920 px
        thumb = Image.open(io.BytesIO(client.get(f"/slides/{deck['public_id']}/{number}-thumb.png").data))
        assert thumb.size[0] == 320
    # Each image is its own page: the drawn rectangle moves right by 20 px (at PDF scale) per page.
    first = Image.open(io.BytesIO(client.get(f"/slides/{deck['public_id']}/0.png").data)).convert("L")
    second = Image.open(io.BytesIO(client.get(f"/slides/{deck['public_id']}/1.png").data)).convert("L")
    assert first.tobytes() != second.tobytes()
    assert client.get(f"/slides/{deck['public_id']}/4.png").status_code == 404


def test_a_file_that_is_not_a_pdf_is_refused(client, auth, event):
    auth.login("crew")
    token = auth.csrf("/")
    response = client.post(
        f"/events/{event.slug}/slides",
        data={"csrf_token": token, "title": "x", "pdf": (io.BytesIO(b"<html>not a pdf"), "x.pdf")},
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 422 and response.get_json()["error"] == "invalid_pdf"


def photo(color):
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), color).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def photo_deck(app, event):
    with app.test_request_context():
        return slides.create_photo_deck(
            event.slug,
            "Phóng sự ảnh",
            [
                ("a.jpg", photo("red"), "Ảnh 1: <b>Hội nghị</b>"),
                ("b.jpg", photo("green"), "Ảnh 2"),
                ("c.jpg", photo("blue"), "Ảnh 3"),
            ],
        )


def test_slide_sync_between_two_displays_and_after_reconnect_and_restart(
    app, app_config, event, photo_deck, socket_client
):
    crew = socket_client("/crew", role="crew")
    projector = socket_client("/overlay")
    phone = socket_client("/public")
    for client, ns in ((crew, "/crew"), (projector, "/overlay"), (phone, "/public")):
        client.get_received(ns)
    ack = crew.emit("slide_goto", {"deck_id": photo_deck.id}, namespace="/crew", callback=True)
    assert ack["ok"] and ack["slide"]["index"] == 0 and ack["slide"]["count"] == 3
    started = time.monotonic()
    ack = crew.emit("slide_next", namespace="/crew", callback=True)
    ack = crew.emit("slide_next", namespace="/crew", callback=True)
    ack = crew.emit("slide_next", namespace="/crew", callback=True)  # stays on the last slide
    assert ack["slide"]["index"] == 2
    ack = crew.emit("slide_prev", namespace="/crew", callback=True)
    for client, ns in ((projector, "/overlay"), (phone, "/public")):
        states = [p["args"][0] for p in client.get_received(ns) if p["name"] == "slide_state"]
        assert [s["index"] for s in states] == [0, 1, 2, 2, 1]
        assert states[-1]["caption"] == "Ảnh 2" and states[-1]["image"] == f"/slides/{photo_deck.public_id}/1.png"
    assert time.monotonic() - started < 0.3 * 5  # every step well inside 300 ms

    projector.disconnect("/overlay")  # a reload: the display comes back on the current slide
    again = socket_client("/overlay")
    states = [p["args"][0] for p in again.get_received("/overlay") if p["name"] == "slide_state"]
    assert states == [ack["slide"]]
    ack = crew.emit("slide_goto", {"index": 7}, namespace="/crew", callback=True)
    assert ack["ok"] is False and ack["error"] == "invalid_slide"

    from server import create_app
    from server.services.events import get_event

    with create_app(app_config).app_context():  # a restarted server knows the slide
        assert slides.slide_state(get_event(event.slug))["index"] == 1
        db.session.remove()


def test_photo_deck_keeps_captions_as_text(client, event, photo_deck):
    html = client.get(f"/overlay/{event.slug}/slides").get_data(as_text=True)
    assert "<b>Hội nghị</b>" not in html  # nothing shown yet, and never as markup
    deck = slides.deck_to_dict(photo_deck, with_slides=True)
    assert [s["caption"] for s in deck["slides"]] == ["Ảnh 1: <b>Hội nghị</b>", "Ảnh 2", "Ảnh 3"]
    image = Image.open(io.BytesIO(client.get(f"/slides/{photo_deck.public_id}/2.png").data)).convert("RGB")
    assert image.getpixel((10, 10))[2] > 200  # the blue one


def test_rendered_pdf_text_matches_the_source(app, event):
    """The reportlab test PDF really has N pages with the Vietnamese text (sanity of the fixture)."""
    with fitz.open(stream=make_pdf(3), filetype="pdf") as doc:
        assert doc.page_count == 3 and "Báo cáo — Trang 3" in doc[2].get_text()


def test_photo_upload_form_with_captions_one_a_line(client, auth, event):
    auth.login("crew")
    token = auth.csrf(f"/events/{event.slug}/agenda")
    response = client.post(
        f"/events/{event.slug}/slides",
        data={
            "csrf_token": token,
            "title": "Ảnh hoạt động",
            "captions": "Trao quà Tết\r\nNhà Đại đoàn kết",
            "photos": [(io.BytesIO(photo("red")), "1.jpg"), (io.BytesIO(photo("blue")), "2.jpg")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    deck = slides.decks_of(event)[0]
    assert deck.kind == "photos" and deck.page_count == 2
    assert [s["caption"] for s in slides.deck_to_dict(deck, with_slides=True)["slides"]] == [
        "Trao quà Tết",
        "Nhà Đại đoàn kết",
    ]
    response = client.post(
        f"/events/{event.slug}/slides",
        data={"csrf_token": token, "title": "Hỏng", "photos": [(io.BytesIO(b"not an image"), "x.jpg")]},
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 422 and response.get_json()["error"] == "invalid_photo"
    html = client.get(f"/overlay/{event.slug}/slides?bg=black").get_data(as_text=True)
    assert "bg-black" in html and "overlay-slides" in html


def test_taking_an_item_with_a_slide_cue_shows_its_deck_from_the_first_slide(app, event, photo_deck, socket_client):
    from server.services.agenda import cues
    from server.services.agenda import live as agenda_live
    from tests.support.agenda import RecordingRunner, make_items

    runner = cues.register_cue_runner(RecordingRunner())
    try:
        make_items(event, [{"title": "Phóng sự", "slide_deck_id": photo_deck.id}])
        overlay = socket_client("/overlay")
        overlay.get_received("/overlay")
        with app.test_request_context():
            agenda_live.take_next(event.slug)
    finally:
        cues.unregister_cue_runner(runner)
    states = [p["args"][0] for p in overlay.get_received("/overlay") if p["name"] == "slide_state"]
    assert (
        states[-1]["deck_id"] == photo_deck.id
        and states[-1]["index"] == 0
        and states[-1]["caption"].startswith("Ảnh 1")
    )
