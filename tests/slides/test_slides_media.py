"""Slides and the overlay logo under hostile media (issue "Abuse and faults" #3), the slides
commands over REST, the upload API (issue "On-air truth") and unguessable image URLs (issue 12 #7).

Every decode happens in the media worker process with limits: pixels per image (header checked
before decoding), pages per PDF, the shape and rendered size of a page, memory and time."""

import io
import time

import pytest
from PIL import Image

from server.extensions import db
from server.models.slides import SlideDeck
from server.services.accounts.users import create_token
from server.services.errors import ServiceError
from server.services.media import render, worker
from server.services.slides import decks as slides
from tests.support.media import pdf_with_pages, photo, png_header_bomb, png_real_bomb


@pytest.fixture
def crew_headers(app):
    _token, plain = create_token("crew", "slides api")
    return {"Authorization": f"Bearer {plain}"}


def api_upload(client, event, headers, **fields):
    return client.post(
        f"/api/v1/events/{event.slug}/slides", data=fields, headers=headers, content_type="multipart/form-data"
    )


def wait_ready(deck_id, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        deck = db.session.get(SlideDeck, deck_id)
        if deck.status != "rendering":
            return deck
        time.sleep(0.05)
    raise AssertionError("deck still rendering")


# ---- the upload API ----------------------------------------------------------------------


def test_api_upload_of_photos_with_captions_answers_201_with_the_deck(client, event, crew_headers):
    response = api_upload(
        client,
        event,
        crew_headers,
        title="Ảnh hội nghị",
        caption=["Khai mạc", "Bế mạc"],
        photos=[(io.BytesIO(photo("red")), "a.jpg"), (io.BytesIO(photo("blue")), "b.jpg")],
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["ok"] is True and body["pages"] == 2 and body["status"] == "ready" and body["deck_id"]
    deck = db.session.get(SlideDeck, body["deck_id"])
    assert [s["caption"] for s in slides.deck_to_dict(deck, with_slides=True)["slides"]] == ["Khai mạc", "Bế mạc"]
    listed = client.get(f"/api/v1/events/{event.slug}/slides", headers=crew_headers).get_json()
    assert [d["id"] for d in listed["decks"]] == [body["deck_id"]]


def test_api_upload_of_a_pdf_renders_in_the_background(client, event, crew_headers):
    response = api_upload(client, event, crew_headers, pdf=(io.BytesIO(pdf_with_pages(3)), "bao-cao.pdf"))
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["pages"] == 3 and body["title"] == "bao-cao.pdf"
    assert wait_ready(body["deck_id"]).status == "ready"
    image = Image.open(io.BytesIO(client.get(f"/slides/{body['public_id']}/2.png").data))
    assert image.size[0] == 1920


def test_api_upload_needs_a_crew_token(client, event):
    assert api_upload(client, event, {}, photos=[(io.BytesIO(photo()), "a.jpg")]).status_code == 401
    _t, moderator = create_token("moderator", "mod")
    response = api_upload(
        client, event, {"Authorization": f"Bearer {moderator}"}, photos=[(io.BytesIO(photo()), "a.jpg")]
    )
    assert response.status_code == 403
    response = api_upload(client, event, {"Authorization": f"Bearer {moderator}"})
    assert response.status_code == 403


def test_rest_slide_commands_answer_like_the_socket(client, event, crew_headers):
    deck_id = api_upload(
        client,
        event,
        crew_headers,
        title="Ảnh",
        photos=[(io.BytesIO(photo(c)), f"{c}.jpg") for c in ("red", "green", "blue")],
    ).get_json()["deck_id"]
    base = f"/api/v1/events/{event.slug}/slides"
    response = client.post(f"{base}/goto", json={"deck_id": deck_id}, headers=crew_headers)
    assert response.status_code == 200 and response.get_json()["slide"]["index"] == 0
    assert client.post(f"{base}/next", headers=crew_headers).get_json()["slide"]["index"] == 1
    assert client.post(f"{base}/next", headers=crew_headers).get_json()["slide"]["index"] == 2
    assert client.post(f"{base}/prev", headers=crew_headers).get_json()["slide"]["index"] == 1
    response = client.post(f"{base}/goto", json={"index": 9}, headers=crew_headers)
    assert response.status_code == 422 and response.get_json()["error"] == "invalid_slide"
    response = client.post(f"{base}/goto", json={"index": 10**30}, headers=crew_headers)
    assert response.status_code == 422 and response.get_json()["error"] == "invalid"
    assert client.post(f"{base}/jump", headers=crew_headers).status_code in (404, 405)


# ---- hostile media -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "make", [lambda: png_real_bomb(12000), lambda: png_header_bomb(30000, 30000)], ids=["12000x12000", "30000x30000"]
)
def test_image_bombs_are_refused_with_422_before_decoding(client, event, crew_headers, make):
    started = time.monotonic()
    response = api_upload(
        client,
        event,
        crew_headers,
        title="Bom",
        photos=[(io.BytesIO(photo()), "ok.jpg"), (io.BytesIO(make()), "bom.png")],
    )
    assert response.status_code == 422, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"] == "image_too_large" and "bom.png" in body["message"] and "40" in body["message"]
    assert time.monotonic() - started < 10
    assert db.session.scalars(db.select(SlideDeck)).all() == []  # nothing half-made


def test_refusals_are_translated(client, event, crew_headers):
    response = api_upload(
        client,
        event,
        {**crew_headers, "Accept-Language": "en"},
        title="Bom",
        photos=[(io.BytesIO(png_header_bomb(30000, 30000)), "bom.png")],
    )
    assert response.status_code == 422 and "too large" in response.get_json()["message"]


def test_a_pdf_with_too_many_pages_is_refused(client, event, crew_headers):
    response = api_upload(client, event, crew_headers, pdf=(io.BytesIO(pdf_with_pages(301)), "dai.pdf"))
    assert response.status_code == 422 and response.get_json()["error"] == "pdf_too_many_pages"
    assert db.session.scalars(db.select(SlideDeck)).all() == []


def test_a_pdf_with_a_tall_page_is_refused_and_never_rendered_taller_than_a_slide(
    client, event, crew_headers, tmp_path
):
    tall = pdf_with_pages(1, width=72, height=5000)
    assert len(tall) < 2000
    response = api_upload(client, event, crew_headers, pdf=(io.BytesIO(tall), "cao.pdf"))
    assert response.status_code == 422 and response.get_json()["error"] == "pdf_page_shape"
    # The renderer itself bounds any page: long side ≤ 1920 px whatever the page size.
    source = tmp_path / "tall.pdf"
    source.write_bytes(tall)
    sizes = render.render_pdf_page(str(source), 0, str(tmp_path / "0.png"), str(tmp_path / "0t.png"))
    assert max(sizes[0]) <= 1920 and max(sizes[1]) <= 320
    assert Image.open(tmp_path / "0.png").size[1] <= 1920


def test_a_broken_pdf_or_photo_keeps_its_own_error_code(client, event, crew_headers):
    response = api_upload(client, event, crew_headers, pdf=(io.BytesIO(b"%PDF-1.4 garbage"), "x.pdf"))
    assert response.status_code == 422 and response.get_json()["error"] == "invalid_pdf"
    response = api_upload(client, event, crew_headers, title="x", photos=[(io.BytesIO(b"\x89PNG nope"), "x.png")])
    assert response.status_code == 422 and response.get_json()["error"] == "invalid_photo"


def test_a_job_past_its_time_limit_is_killed_and_the_worker_comes_back(app):
    with pytest.raises(ServiceError) as info:
        worker.run(time.sleep, 30, timeout=1.0)
    assert info.value.code == "media_timeout" and info.value.status == 422
    assert worker.run(render.page_scale, 100, 50, 1920) == 19.2  # a fresh worker answers


def test_the_worker_is_capped_in_memory(app):
    with pytest.raises(ServiceError) as info:
        worker.run(bytearray, 4 * 1024**3)  # 4 GB: past RLIMIT_AS
    assert info.value.code in ("image_too_large", "media_invalid")
    assert worker.run(render.page_scale, 10, 10, 20) == 2


def test_a_logo_bomb_is_refused_and_a_good_logo_is_bounded(app, event):
    from server.services.overlays.theme import logo_file, set_theme

    with app.test_request_context():
        with pytest.raises(ServiceError) as info:
            set_theme(event.slug, logo=png_header_bomb(30000, 30000))
        assert info.value.code == "image_too_large"
        with pytest.raises(ServiceError) as info:
            set_theme(event.slug, logo=b"not an image")
        assert info.value.code == "invalid_logo"
        set_theme(event.slug, logo=photo("red", (1600, 800)))
        assert Image.open(logo_file(event)).size == (600, 300)


# ---- unguessable image URLs --------------------------------------------------------------


def test_slide_images_are_served_by_an_unguessable_id_only(client, event, crew_headers):
    body = api_upload(client, event, crew_headers, title="Ảnh", photos=[(io.BytesIO(photo()), "a.jpg")]).get_json()
    assert len(body["public_id"]) >= 22 and body["public_id"] != str(body["deck_id"])
    assert client.get(f"/slides/{body['public_id']}/0.png").status_code == 200
    assert client.get(f"/slides/{body['public_id']}/0-thumb.png").status_code == 200
    assert client.get(f"/slides/{body['deck_id']}/0.png").status_code == 404  # the sequential id is no key
    for path in (
        f"/slides/{'9' * 40}/0.png",
        "/slides/99999999999999999999999/0.png",
        f"/slides/{body['public_id']}/99999999999999999999999.png",
        f"/slides/{'x' * 5000}/0-thumb.png",
    ):
        assert client.get(path).status_code == 404, path


def test_the_deck_list_has_one_shape_on_both_transports(client, event, crew_headers, socket_client):
    api_upload(client, event, crew_headers, title="Ảnh", photos=[(io.BytesIO(photo()), "a.jpg")])
    rest = client.get(f"/api/v1/events/{event.slug}/slides", headers=crew_headers).get_json()
    crew = socket_client("/crew", role="crew")
    ack = crew.emit("list_slides", namespace="/crew", callback=True)
    assert ack == rest and ack["ok"] is True and ack["decks"][0]["title"] == "Ảnh"
