"""Bridge points in the field, through the real HTTP and Socket.IO layers: alerts that stay
until acknowledged (drops grouped, reports, flapping, history), the conversation with a site
(text, a photo from the phone, read receipts, unread counts, who may see the photo), the
readiness checklist, the short code typed at /p, the public-URL warning and the cards."""

import io
from datetime import timedelta

import pytest
from PIL import Image

from server.extensions import db, socketio
from server.models.base import utcnow
from server.services.bridges import monitor, presence
from tests.support import factories


@pytest.fixture
def crew(auth):
    """Logged in as crew; the headers a crew member's REST POST carries (its CSRF token)."""
    auth.login("crew")
    return {"X-CSRFToken": auth.csrf()}


def jpeg(size=(64, 48)):
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "JPEG")
    return buf.getvalue()


def drop(app, sites, district_counts=None):
    """Make ``sites`` beat, then move the clock past the offline threshold and sweep."""
    start = utcnow()
    presence.set_clock(lambda: start)
    try:
        for site in sites:
            presence.record_beat(site)
        later = start + timedelta(seconds=app.config["OFFLINE_AFTER_S"] + 1)
        presence.set_clock(lambda: later)
        monitor.run_once()
    finally:
        presence.set_clock()


# --- alerts that stay ------------------------------------------------------------------


def test_drops_are_alerts_that_stay_until_acknowledged(app, client, event, crew):
    sites = [factories.make_site(event, district="Huyện A") for _ in range(3)]
    sites += [factories.make_site(event, district="Huyện B") for _ in range(2)]
    http = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(http).login("crew")
    sio = socketio.test_client(app, namespace="/crew", flask_test_client=http, auth={"event": event.slug})
    sio.get_received("/crew")
    drop(app, sites)
    pushed = [e["args"][0] for e in sio.get_received("/crew") if e["name"] == "alerts"]
    assert len(pushed) == 1 and pushed[0]["group"] == {"count": 5, "districts": [["Huyện A", 3], ["Huyện B", 2]]}
    state = client.get(f"/api/v1/events/{event.slug}/bridges/state").get_json()
    open_ids = [a["id"] for a in state["alerts"]]
    assert len(open_ids) == 5 and {a["kind"] for a in state["alerts"]} == {"offline"}
    # still there later: nothing clears an alert but an acknowledgement
    assert len(client.get(f"/api/v1/events/{event.slug}/bridges/state").get_json()["alerts"]) == 5
    ack = sio.emit("alert_ack", {"ids": open_ids[:2]}, namespace="/crew", callback=True)
    assert ack["ok"] and all(a["acknowledged_by"] for a in ack["alerts"])
    response = client.post(f"/api/v1/events/{event.slug}/alerts/ack", json={"ids": open_ids[2:]}, headers=crew)
    assert response.status_code == 200
    assert client.get(f"/api/v1/events/{event.slug}/bridges/state").get_json()["alerts"] == []
    missing = client.post(f"/api/v1/events/{event.slug}/alerts/ack", json={"ids": [999999]}, headers=crew)
    assert missing.status_code == 404


def test_report_is_an_alert_and_flapping_site_is_marked(app, client, event, crew):
    site = factories.make_site(event)
    assert client.post(f"/api/v1/sites/{site.token}/report", json={"kind": "no_audio"}).status_code == 201
    alerts = client.get(f"/api/v1/events/{event.slug}/bridges/state").get_json()["alerts"]
    assert [a["kind"] for a in alerts] == ["report"] and alerts[0]["detail"] == "Mất tiếng"
    for _ in range(3):
        db.session.refresh(site)
        drop(app, [site])
    detail = client.get(f"/api/v1/events/{event.slug}/sites/{site.id}").get_json()
    history = detail["history"]
    assert history["flapping"] is True
    assert [a["kind"] for a in history["alerts"]].count("offline") == 3
    assert history["timeline"] and history["uptime_pct"] is not None and 0 <= history["uptime_pct"] <= 100


# --- the conversation --------------------------------------------------------------------


def test_photo_from_phone_reaches_crew_with_receipts(app, client, event, crew):
    site = factories.make_site(event)
    other = factories.make_site(event)
    phone = app.test_client()
    response = phone.post(
        f"/api/v1/sites/{site.token}/chat",
        data={"text": "Hình bị đứng", "photo": (io.BytesIO(jpeg((2000, 1500))), "a.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    line = response.get_json()["line"]
    assert line["photo"] and line["sender"] == "site"
    state = client.get(f"/api/v1/events/{event.slug}/bridges/state").get_json()
    assert state["unread"] == {str(site.id): 1}
    lines = client.get(f"/api/v1/events/{event.slug}/sites/{site.id}/chat").get_json()["lines"]
    assert [x["text"] for x in lines] == ["Hình bị đứng"]
    photo = client.get(f"/events/{event.slug}/sites/{site.id}/chat/{line['id']}/photo")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert max(Image.open(io.BytesIO(photo.data)).size) == 1280  # re-encoded within 1280 px
    assert phone.get(f"/p/{site.token}/chat/{line['id']}/photo").status_code == 200
    assert phone.get(f"/p/{other.token}/chat/{line['id']}/photo").status_code == 404  # another site
    anonymous = app.test_client().get(f"/events/{event.slug}/sites/{site.id}/chat/{line['id']}/photo")
    assert anonymous.status_code in (302, 401, 403)
    # the crew reads it, then answers; the phone reads the answer
    read = client.post(f"/api/v1/events/{event.slug}/sites/{site.id}/chat/read", json={}, headers=crew)
    receipt = read.get_json()["receipt"]
    assert receipt["ids"] == [line["id"]]
    assert client.get(f"/api/v1/events/{event.slug}/bridges/state").get_json()["unread"] == {}
    sent = client.post(f"/api/v1/events/{event.slug}/sites/{site.id}/chat", json={"text": "Đã nhận"}, headers=crew)
    assert sent.status_code == 201
    sio = socketio.test_client(app, namespace="/site", auth={"token": site.token})
    ack = sio.emit("site_chat_read", {}, namespace="/site", callback=True)
    assert ack["ok"] and ack["receipt"]["ids"] == [sent.get_json()["line"]["id"]]
    mine = phone.get(f"/api/v1/sites/{site.token}/chat").get_json()["lines"]
    assert [x["sender"] for x in mine] == ["site", "crew"] and all(x["read_at"] for x in mine)


def test_chat_refuses_non_images_and_oversize(app, client, event):
    site = factories.make_site(event)
    bad = client.post(
        f"/api/v1/sites/{site.token}/chat",
        data={"photo": (io.BytesIO(b"not an image"), "x.jpg")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and bad.get_json()["error"] == "invalid_photo"
    app.config["CHAT_PHOTO_MAX_BYTES"] = 100
    big = client.post(
        f"/api/v1/sites/{site.token}/chat",
        data={"photo": (io.BytesIO(jpeg()), "x.jpg")},
        content_type="multipart/form-data",
    )
    assert big.status_code == 413 and big.get_json()["error"] == "photo_too_large"
    assert client.post(f"/api/v1/sites/{site.token}/chat", json={"text": ""}).status_code == 422


# --- readiness ---------------------------------------------------------------------------


def test_readiness_checklist_from_check_in(app, client, event, crew):
    ready = factories.make_site(event, district="Huyện A")
    late = factories.make_site(event, district="Huyện B")
    late.phone = "0912 345 678"
    db.session.commit()
    body = {"video_ok": True, "audio_ok": True, "test_call_ok": True}
    assert client.post(f"/api/v1/sites/{ready.token}/check-in", json=body).status_code == 200
    # an old phone (no test_call_ok) still checks in
    old_phone = {"video_ok": True, "audio_ok": True}
    assert client.post(f"/api/v1/sites/{late.token}/check-in", json=old_phone).status_code == 200
    view = client.get(f"/api/v1/events/{event.slug}/readiness").get_json()["readiness"]
    assert view["total"] == 2 and view["ready"] == 1 and view["ready_pct"] == 50.0
    not_ready = [s for g in view["groups"] for s in g["not_ready"]]
    assert [(s["id"], s["missing"], s["phone"]) for s in not_ready] == [(late.id, ["test_call"], "0912 345 678")]


# --- cards that work ---------------------------------------------------------------------


def test_short_code_typed_at_p_opens_the_site(app, client, event):
    sites = [factories.make_site(event) for _ in range(20)]
    codes = {s.short_code for s in sites}
    assert len(codes) == 20 and all(len(c) == 6 and not set(c) & set("01OIL") for c in codes)
    site = sites[0]
    assert client.get("/p").status_code == 200
    response = client.get(f"/p?code={site.short_code.lower()[:3]}-{site.short_code.lower()[3:]}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/p/{site.token}")
    assert client.get("/p?code=ZZZZZ9").status_code == 404
    site.is_active = False
    db.session.commit()
    assert client.get(f"/p?code={site.short_code}").status_code == 404


def test_public_url_warning_on_admin_pages_and_cards(app, client, event, auth):
    auth.login("admin")
    site = factories.make_site(event, name="Điểm cầu " + "Trung tâm Văn hóa Thể thao và Truyền thanh " * 3)
    app.config["PUBLIC_URL"] = None
    assert b"loopback-warning" in client.get(f"/admin/events/{event.slug}/sites").data
    page = client.get(f"/admin/sites/{site.id}").data
    assert b"loopback-warning" in page and site.short_code.encode() in page and b"data-confirm" in page
    from server.services.bridges import cards

    warned = cards.cards_pdf([site], "http://127.0.0.1:5000", loopback=True)
    assert client.get(f"/admin/events/{event.slug}/sites/cards.pdf").status_code == 200
    app.config["PUBLIC_URL"] = "https://cau.example.vn"
    assert b"loopback-warning" not in client.get(f"/admin/events/{event.slug}/sites").data
    plain = cards.cards_pdf([site], "https://cau.example.vn", loopback=False)
    import fitz

    def text(pdf):
        with fitz.open(stream=pdf, filetype="pdf") as doc:
            return " ".join(doc[0].get_text().split())

    assert "BRIDGECAST_PUBLIC_URL" in text(warned) and "BRIDGECAST_PUBLIC_URL" not in text(plain)
    assert site.name.strip() in text(plain)  # the long name wraps, whole


def test_card_wraps_long_names_and_shows_the_short_code(app, event):
    import fitz

    from server.services.bridges import cards

    name = "Điểm cầu Trung tâm Văn hóa Thể thao và Truyền thanh xã Hoằng Đông mở rộng"
    site = factories.make_site(event, name=name, district="Huyện Hoằng Hóa — vùng ven biển phía Đông")
    with fitz.open(stream=cards.cards_pdf([site], "https://cau.example.vn"), filetype="pdf") as pdf:
        page = pdf[0]
        text = " ".join(page.get_text().split())
        words = page.get_text("words")
    assert name in text and "vùng ven biển phía Đông" in text and site.short_code in text
    assert "«Báo đã sẵn sàng»" in text and "«Gửi báo sự cố»" in text  # the phone page's buttons
    half = 595 / 2
    assert all(w[2] <= half + 1 for w in words)  # the first card's text stays inside its column


def test_migration_backfills_a_short_code_for_existing_sites(tmp_path):
    """0011 on a database holding sites: each gets a unique short code; nothing cascades."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from server import create_app
    from tests.conftest import BASE_CONFIG

    app = create_app(
        {
            **BASE_CONFIG,
            "AUTO_MIGRATE": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/old.db",
            "UPLOAD_FOLDER": str(tmp_path / "up"),
        }
    )
    with app.app_context():
        upgrade(revision="0006_bridges_client_ids")
        db.session.execute(
            text(
                "INSERT INTO events (slug,name,kind,location,description,is_active,theme_color,"
                "created_at) VALUES ('e','E','plenary','','',1,'#fff','2026-01-01 00:00:00')"
            )
        )
        for n in range(30):
            db.session.execute(
                text(
                    "INSERT INTO sites (event_id,code,name,district,commune,contact_name,phone,token,is_active,state,"
                    f"reported_state,note,created_at) VALUES (1,'S{n}','n','d','c','','','tok{n}',1,'offline','ok','',"
                    "'2026-01-01 00:00:00')"
                )
            )
            db.session.execute(
                text(
                    f"INSERT INTO site_logs (site_id,at,kind,detail) VALUES ({n + 1},"
                    "'2026-01-01 00:00:00','created','')"
                )
            )
        db.session.commit()
        upgrade(revision="heads")
        codes = [r[0] for r in db.session.execute(text("SELECT short_code FROM sites")).all()]
        assert len(codes) == 30 == len(set(codes)) and all(len(c) == 6 for c in codes)
        assert db.session.execute(text("SELECT count(*) FROM site_logs")).scalar() == 30
        db.session.remove()
        db.engine.dispose()
