"""Bridge points through the real HTTP and Socket.IO layers: token rotation, isolation
between sites and from the crew, incidents, roll call, messages, REST, pages and exports."""

import csv
import io
from datetime import timedelta

import pytest

from server.extensions import db, socketio
from server.models.site import Site
from server.services.bridges import presence as bridges_state
from server.services.bridges import sites as bridges_sites
from tests.support import factories


def site_client(app, site, token=None):
    return socketio.test_client(app, namespace="/site", auth={"token": token or site.token})


def events_named(sio, name, namespace="/site"):
    return [e["args"][0] for e in sio.get_received(namespace) if e["name"] == name]


@pytest.fixture
def crew(app, auth, event):
    auth.login("crew")
    return app


def crew_socket(app, event):
    http = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(http).login("crew")
    return socketio.test_client(app, namespace="/crew", flask_test_client=http, auth={"event": event.slug})


# --- tokens ------------------------------------------------------------------------------


def test_site_connects_gets_hello_and_beats(app, event):
    site = factories.make_site(event)
    sio = site_client(app, site)
    assert sio.is_connected("/site")
    hello = events_named(sio, "site_hello")
    assert hello and hello[0]["site"]["code"] == site.code and "token" not in str(hello[0]["site"])
    ack = sio.emit("site_heartbeat", {"state": "ok"}, namespace="/site", callback=True)
    assert ack == {"ok": True, "state": "online"}
    db.session.refresh(site)
    assert site.state == "online" and site.last_beat_at is not None
    # the next beat changes only its time: kept in memory, written by the batch writer
    later = site.last_beat_at + timedelta(seconds=3)
    bridges_state.set_clock(lambda: later)
    try:
        assert sio.emit("site_heartbeat", {"state": "ok"}, namespace="/site", callback=True) == {
            "ok": True,
            "state": "online",
        }
    finally:
        bridges_state.set_clock()
    db.session.refresh(site)
    assert site.last_beat_at < later and site.state == "online"  # in memory, not written yet
    assert bridges_state.flush_beats(force=True) == 1  # the batch writer
    db.session.refresh(site)
    assert site.last_beat_at == later and site.state == "online"


def test_rotated_token_is_refused_on_http_and_socket(app, client, event):
    site = factories.make_site(event)
    old = site.token
    live = site_client(app, site)
    assert client.post(f"/api/v1/sites/{old}/heartbeat", json={"state": "ok"}).status_code == 200
    bridges_sites.rotate_token(site)
    assert client.get(f"/p/{old}").status_code == 404
    response = client.post(f"/api/v1/sites/{old}/heartbeat", json={"state": "ok"})
    assert response.status_code == 404 and response.get_json()["error"] == "invalid_site_token"
    refused = site_client(app, site, token=old)
    assert not refused.is_connected("/site")
    # the socket opened with the old token is told and refused on its next event
    assert events_named(live, "site_revoked") == [{}]
    assert live.emit("site_heartbeat", {}, namespace="/site", callback=True)["error"] == "invalid_site_token"
    assert client.get(f"/p/{site.token}").status_code == 200
    assert client.post(f"/api/v1/sites/{site.token}/heartbeat", json={"state": "ok"}).status_code == 200


def test_deactivated_site_is_refused(app, client, event):
    site = factories.make_site(event)
    bridges_sites.set_active(site, False)
    assert client.get(f"/p/{site.token}").status_code == 404
    assert not site_client(app, site).is_connected("/site")


def test_http_heartbeat_validates_input(client, event):
    site = factories.make_site(event)
    assert client.post(f"/api/v1/sites/{site.token}/heartbeat", data="x", content_type="text/plain").status_code == 415
    assert (
        client.post(f"/api/v1/sites/{site.token}/heartbeat", data="{bad", content_type="application/json").status_code
        == 400
    )
    ok = client.post(f"/api/v1/sites/{site.token}/heartbeat", json={"state": "degraded", "note": "mất tiếng"})
    assert ok.status_code == 200 and ok.get_json()["state"] == "degraded"
    assert client.post("/api/v1/sites/short/heartbeat", json={}).status_code == 404


# --- isolation ---------------------------------------------------------------------------


def test_site_token_reaches_nothing_of_other_sites_or_the_crew(app, client, event):
    mine = factories.make_site(event)
    other = factories.make_site(event)
    sio = site_client(app, mine)
    sio.get_received("/site")
    # crew-only REST and pages
    for path in (
        f"/api/v1/events/{event.slug}/sites",
        f"/api/v1/events/{event.slug}/sites/summary",
        f"/api/v1/events/{event.slug}/bridges/state",
    ):
        assert client.get(path, headers={"Authorization": f"Bearer {mine.token}"}).status_code == 401
    assert client.get(f"/events/{event.slug}/board").status_code == 302
    # crew socket namespace refuses a site token
    assert not socketio.test_client(
        app, namespace="/crew", auth={"token": mine.token, "event": event.slug}
    ).is_connected("/crew")
    # crew events sent on /site do not exist there; a site cannot act for another site id
    assert sio.emit("site_heartbeat", {"state": "degraded", "site_id": other.id}, namespace="/site", callback=True)[
        "ok"
    ]
    db.session.expire_all()
    assert db.session.get(Site, other.id).state == "never_seen"
    ack = sio.emit("site_report", {"kind": "no_audio", "site_id": other.id}, namespace="/site", callback=True)
    assert ack["ok"]
    other_sio = site_client(app, other)
    assert events_named(other_sio, "site_hello")[0]["incidents"] == []
    # events of the other site never reach mine
    bridges_sites.rotate_token(db.session.get(Site, other.id))
    assert events_named(sio, "site_revoked") == []


# --- incidents ---------------------------------------------------------------------------


def test_incident_lifecycle_and_the_site_sees_the_ack(app, event):
    site = factories.make_site(event)
    sio = site_client(app, site)
    crew = crew_socket(app, event)
    sio.emit("site_heartbeat", {"state": "ok"}, namespace="/site", callback=True)
    crew.get_received("/crew")
    ack = sio.emit(
        "site_report",
        {"kind": "no_audio", "text": "Không nghe được hội trường chính"},
        namespace="/site",
        callback=True,
    )
    assert ack["ok"] and ack["incident"]["status"] == "open"
    incident_id = ack["incident"]["id"]
    received = crew.get_received("/crew")
    incidents = [e["args"][0] for e in received if e["name"] == "incident"]
    states = [e["args"][0] for e in received if e["name"] == "site_state"]
    assert incidents[0]["site_code"] == site.code and incidents[0]["kind_label"] == "Mất tiếng"
    assert states[-1]["state"] == "degraded"
    assert sio.emit("site_report", {"kind": "bogus"}, namespace="/site", callback=True)["error"] == "invalid_kind"
    assert (
        sio.emit("site_report", {"kind": "other", "text": " "}, namespace="/site", callback=True)["error"]
        == "text_required"
    )

    sio.get_received("/site")
    acked = crew.emit("incident_ack", {"id": incident_id}, namespace="/crew", callback=True)
    assert acked["ok"] and acked["incident"]["status"] == "acknowledged" and acked["incident"]["acknowledged_at"]
    seen = events_named(sio, "incident_update")
    assert seen[-1]["status"] == "acknowledged" and seen[-1]["acknowledged_at"]
    assert "acknowledged_by" not in seen[-1]

    resolved = crew.emit("incident_resolve", {"id": incident_id}, namespace="/crew", callback=True)
    assert resolved["incident"]["status"] == "resolved" and resolved["incident"]["resolved_at"]
    assert events_named(sio, "incident_update")[-1]["status"] == "resolved"
    db.session.expire_all()
    assert db.session.get(Site, site.id).state == "online"
    again = crew.emit("incident_ack", {"id": incident_id}, namespace="/crew", callback=True)
    assert again["error"] == "already_resolved"


def test_crew_cannot_touch_another_events_incident(app, event):
    other_event = factories.make_event()
    site = factories.make_site(other_event)
    sio = site_client(app, site)
    incident_id = sio.emit("site_report", {"kind": "frozen"}, namespace="/site", callback=True)["incident"]["id"]
    crew = crew_socket(app, event)
    assert (
        crew.emit("incident_ack", {"id": incident_id}, namespace="/crew", callback=True)["error"]
        == "incident_not_found"
    )


def test_moderator_cannot_use_crew_board_events(app, event, socket_client):
    mod = socket_client("/crew", role="moderator")
    assert not mod.is_connected("/crew")


# --- roll call ---------------------------------------------------------------------------


def test_roll_call_lifecycle_and_exports(app, client, auth, event):
    sites = [factories.make_site(event, code=f"R-{i}") for i in range(4)]
    phones = [site_client(app, s) for s in sites]
    crew = crew_socket(app, event)
    for p in phones:
        p.get_received("/site")
    assert phones[0].emit("roll_call_confirm", {}, namespace="/site", callback=True)["error"] == "no_roll_call"
    started = crew.emit("roll_call_start", {"title": "Điểm danh đầu phiên"}, namespace="/crew", callback=True)
    roll = started["roll_call"]
    assert roll["open"] and roll["total"] == 4 and roll["confirmed"] == 0 and len(roll["missing"]) == 4
    assert crew.emit("roll_call_start", {}, namespace="/crew", callback=True)["error"] == "roll_call_open"
    assert events_named(phones[1], "roll_call")[0]["open"] is True
    crew.get_received("/crew")
    for p in phones[:3]:
        ack = p.emit("roll_call_confirm", {}, namespace="/site", callback=True)
        assert ack["ok"] and ack["roll_call"]["confirmed_at"]
    first = phones[0].emit("roll_call_confirm", {}, namespace="/site", callback=True)["roll_call"]["confirmed_at"]
    progress = [e["args"][0] for e in crew.get_received("/crew") if e["name"] == "roll_call_progress"]
    assert [p["confirmed"] for p in progress] == [1, 2, 3]  # confirming twice counts once
    assert first
    state = client.get(f"/api/v1/events/{event.slug}/bridges/state")
    assert state.status_code == 401  # not logged in on this client
    auth.login("crew")
    state = client.get(f"/api/v1/events/{event.slug}/bridges/state").get_json()["roll_call"]
    assert state["confirmed"] == 3 and [m["code"] for m in state["missing"]] == ["R-3"]
    closed = crew.emit("roll_call_close", {"id": roll["id"]}, namespace="/crew", callback=True)
    assert closed["roll_call"]["open"] is False
    assert phones[3].emit("roll_call_confirm", {}, namespace="/site", callback=True)["error"] == "no_roll_call"

    response = client.get(f"/events/{event.slug}/roll-calls/{roll['id']}/export.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "Mã" and len(rows) == 5
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["R-0"][4] == "Có" and by_code["R-0"][5] and by_code["R-3"][4] == "Không" and by_code["R-3"][5] == ""
    xlsx = client.get(f"/events/{event.slug}/roll-calls/{roll['id']}/export.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet.max_row == 5 and sheet["A1"].value == "Mã"


def test_export_neutralises_formulas(app, client, auth, event):
    site = factories.make_site(event, code="=HYPERLINK(1)")
    crew = crew_socket(app, event)
    roll = crew.emit("roll_call_start", {}, namespace="/crew", callback=True)["roll_call"]
    auth.login("crew")
    text = client.get(f"/events/{event.slug}/roll-calls/{roll['id']}/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in text and site.id


# --- messages ----------------------------------------------------------------------------


def test_messages_reach_the_right_sites_only(app, event):
    a1 = factories.make_site(event, district="Huyện A")
    a2 = factories.make_site(event, district="Huyện A")
    b1 = factories.make_site(event, district="Huyện B")
    other_event_site = factories.make_site(factories.make_event(), district="Huyện A")
    phones = {s.id: site_client(app, s) for s in (a1, a2, b1, other_event_site)}
    for p in phones.values():
        p.get_received("/site")
    crew = crew_socket(app, event)

    def inbox():
        return {sid: [m["text"] for m in events_named(p, "crew_message")] for sid, p in phones.items()}

    assert crew.emit(
        "site_message_send", {"scope": "all", "text": "Chuẩn bị khai mạc"}, namespace="/crew", callback=True
    )["ok"]
    got = inbox()
    assert got[a1.id] == got[a2.id] == got[b1.id] == ["Chuẩn bị khai mạc"] and got[other_event_site.id] == []
    crew.emit(
        "site_message_send",
        {"scope": "district", "district": "Huyện A", "text": "Huyện A kiểm tra tiếng"},
        namespace="/crew",
        callback=True,
    )
    got = inbox()
    assert (
        got[a1.id] == got[a2.id] == ["Huyện A kiểm tra tiếng"] and got[b1.id] == [] and got[other_event_site.id] == []
    )
    crew.emit(
        "site_message_send",
        {"scope": "site", "site_id": b1.id, "text": "<b>B1</b> bật micro"},
        namespace="/crew",
        callback=True,
    )
    got = inbox()
    assert got[b1.id] == ["<b>B1</b> bật micro"] and got[a1.id] == got[a2.id] == got[other_event_site.id] == []
    wrong = crew.emit(
        "site_message_send",
        {"scope": "site", "site_id": other_event_site.id, "text": "x"},
        namespace="/crew",
        callback=True,
    )
    assert wrong["error"] == "site_not_found"
    assert (
        crew.emit("site_message_send", {"scope": "all", "text": "  "}, namespace="/crew", callback=True)["error"]
        == "text_required"
    )
    # a reconnecting phone gets its own history, not others'
    hello = events_named(site_client(app, a1), "site_hello")[0]
    assert [m["text"] for m in hello["messages"]] == ["Huyện A kiểm tra tiếng", "Chuẩn bị khai mạc"]


# --- REST, pages, admin --------------------------------------------------------------------


def test_summary_and_list_with_tokens_for_admin_only(app, client, event):
    from server.services.accounts import users as accounts

    sites = [factories.make_site(event) for _ in range(3)]
    bridges_state.record_beat(sites[0])
    _t, crew_token = accounts.create_token("crew", "board")
    _t, admin_token = accounts.create_token("admin", "script")
    summary = client.get(
        f"/api/v1/events/{event.slug}/sites/summary", headers={"Authorization": f"Bearer {crew_token}"}
    ).get_json()
    assert {k: summary[k] for k in ("total", "online", "degraded", "offline", "never_seen")} == {
        "total": 3,
        "online": 1,
        "degraded": 0,
        "offline": 0,
        "never_seen": 2,
    }
    listed = client.get(
        f"/api/v1/events/{event.slug}/sites", headers={"Authorization": f"Bearer {crew_token}"}
    ).get_json()
    assert len(listed["sites"]) == 3 and all("token" not in s for s in listed["sites"])
    listed = client.get(
        f"/api/v1/events/{event.slug}/sites", headers={"Authorization": f"Bearer {admin_token}"}
    ).get_json()
    by_id = {s["id"]: s for s in listed["sites"]}
    assert by_id[sites[1].id]["token"] == sites[1].token and by_id[sites[1].id]["link"].endswith(f"/p/{sites[1].token}")
    assert (
        client.get("/api/v1/events/nope/sites/summary", headers={"Authorization": f"Bearer {crew_token}"}).status_code
        == 404
    )


def test_phone_page_escapes_and_links(client, event):
    site = factories.make_site(event, name="<script>alert(1)</script>")
    html = client.get(f"/p/{site.token}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert f"/e/{event.slug}/docs" in html and f"/p/{site.token}/ask" in html and "Báo sự cố" in html


def test_board_page_for_crew(app, client, auth, event):
    from tests.conftest import AuthActions

    auth.login("crew")
    html = client.get(f"/events/{event.slug}/board").get_data(as_text=True)
    assert "js/crew-board." in html and "Mất kết nối" in html
    other = app.test_client()
    AuthActions(other).login("moderator")
    assert other.get(f"/events/{event.slug}/board").status_code == 403


def test_counter_overlay_page_and_obs_push(app, client, event):
    from server.services.bridges import counter as bridges_counter
    from server.services.overlays import native_text as overlay_text

    html = client.get(f"/overlay/{event.slug}/counter").get_data(as_text=True)
    assert "điểm cầu đã kết nối" in html
    pushed = []
    sink = overlay_text.register_sink(lambda slug, source, text: pushed.append((slug, source, text)) or True)
    try:
        sites = [factories.make_site(event) for _ in range(3)]
        bridges_state.record_beat(sites[0])
        bridges_counter.publish(event.slug, force=True)
        assert pushed[-1] == (event.slug, "BC Bridge counter", "1/3 điểm cầu đã kết nối")
        bridges_counter.publish(event.slug)  # unchanged: not pushed again
        assert len(pushed) == 1
    finally:
        overlay_text.unregister_sink(sink)
    overlay = socketio.test_client(app, namespace="/overlay", auth={"event": event.slug})
    counts = [e["args"][0] for e in overlay.get_received("/overlay") if e["name"] == "site_counts"]
    assert counts[0]["connected"] == 1 and counts[0]["total"] == 3


def test_admin_import_add_edit_deactivate_rotate_and_cards(app, client, auth, event):
    auth.login("admin")
    token = auth.csrf(f"/admin/events/{event.slug}/sites")
    good = "\ufeffcode;name;district\nK-1;Điểm cầu Một;Huyện K\nK-2;Điểm cầu Hai;Huyện K\n".encode()
    response = client.post(
        f"/admin/events/{event.slug}/sites/import",
        data={"csrf_token": token, "file": (io.BytesIO(good), "sites.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    bad = b"code,name\nK-9,\n"
    response = client.post(
        f"/admin/events/{event.slug}/sites/import",
        data={"csrf_token": token, "file": (io.BytesIO(bad), "sites.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "Thiếu tên điểm cầu" in response.get_data(as_text=True)
    client.post(f"/admin/events/{event.slug}/sites", data={"csrf_token": token, "code": "K-3", "name": "Ba"})
    sites = {s.code: s for s in db.session.scalars(db.select(Site).filter_by(event_id=event.id))}
    assert set(sites) == {"K-1", "K-2", "K-3"}
    k1 = sites["K-1"]
    client.post(
        f"/admin/sites/{k1.id}",
        data={
            "csrf_token": token,
            "code": "K-1",
            "name": "Điểm cầu Một (sửa)",
            "district": "Huyện K",
            "commune": "",
            "contact_name": "An",
            "phone": "09",
        },
    )
    old = k1.token
    client.post(f"/admin/sites/{k1.id}/rotate", data={"csrf_token": token})
    client.post(f"/admin/sites/{sites['K-2'].id}/active", data={"csrf_token": token, "active": "0"})
    db.session.expire_all()
    k1 = db.session.get(Site, k1.id)
    assert k1.name == "Điểm cầu Một (sửa)" and k1.token != old
    assert db.session.get(Site, sites["K-2"].id).is_active is False
    pdf = client.get(f"/admin/events/{event.slug}/sites/cards.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    import fitz

    doc = fitz.open(stream=pdf.data, filetype="pdf")
    text = "".join(page.get_text() for page in doc)
    assert "Điểm cầu Một (sửa)" in text and "Huyện K" in text and "Quét mã QR" in text
    assert "Điểm cầu Hai" not in text  # deactivated sites get no card
    image = doc[0].get_pixmap(dpi=150)
    from PIL import Image
    from pyzbar.pyzbar import decode

    codes = decode(Image.frombytes("RGB", (image.width, image.height), image.samples))
    assert {c.data.decode() for c in codes} == {
        f"http://localhost/p/{k1.token}",
        f"http://localhost/p/{sites['K-3'].token}",
    }
    from tests.conftest import AuthActions

    other = app.test_client()
    AuthActions(other).login("crew")
    assert other.get(f"/admin/events/{event.slug}/sites").status_code == 403


def test_phone_page_in_english(client, event):
    site = factories.make_site(event)
    html = client.get(f"/p/{site.token}?lang=en").get_data(as_text=True)
    assert "Report trouble" in html and "No sound" in html and "Báo sự cố" not in html


# --- one command, both transports; idempotent site actions ----------------------------------


def site_api(client, site, action, payload=None, method="POST"):
    return client.open(f"/api/v1/sites/{site.token}/{action}", method=method, json=payload)


def test_a_phone_without_socket_does_everything_over_http(app, client, event):
    from server.models.site import SiteIncident

    site = factories.make_site(event)
    checked = site_api(client, site, "check-in", {"video_ok": True, "audio_ok": True, "client_id": "c-1"})
    assert checked.status_code == 200 and checked.get_json()["site"]["checked_in_at"]
    reported = site_api(client, site, "report", {"kind": "no_audio", "text": "Mất tiếng", "client_id": "r-1"})
    assert reported.status_code == 201
    incident = reported.get_json()["incident"]
    again = site_api(client, site, "report", {"kind": "no_audio", "text": "Mất tiếng", "client_id": "r-1"})
    assert again.status_code == 200 and again.get_json() == {"ok": True, "incident": incident}
    assert db.session.scalar(db.select(db.func.count()).select_from(SiteIncident)) == 1
    crew = crew_socket(app, event)
    roll = crew.emit("roll_call_start", {"title": "Đầu phiên"}, namespace="/crew", callback=True)["roll_call"]
    answered = site_api(client, site, "roll-call", {"client_id": "rc-1"}).get_json()
    assert answered["ok"] and answered["roll_call"]["id"] == roll["id"] and answered["roll_call"]["confirmed_at"]
    crew.emit("site_message_send", {"scope": "all", "text": "Chuẩn bị"}, namespace="/crew", callback=True)
    state = site_api(client, site, "state", method="GET").get_json()
    assert state["ok"] and state["site"]["code"] == site.code and state["messages"][0]["text"] == "Chuẩn bị"
    assert state["incidents"][0]["id"] == incident["id"] and state["roll_call"]["confirmed_at"]
    assert "token" not in str(state)


def test_site_commands_answer_the_same_shape_on_both_transports(app, client, event):
    site = factories.make_site(event)
    sio = site_client(app, site)
    crew_socket(app, event).emit("roll_call_start", {}, namespace="/crew", callback=True)
    for name, action, payload in (
        ("site_check_in", "check-in", {"video_ok": True}),
        ("site_heartbeat", "heartbeat", {"state": "ok"}),
        ("site_report", "report", {"kind": "frozen"}),
        ("site_report", "report", {"kind": "bogus"}),
        ("site_report", "report", {"kind": "frozen", "client_id": "bad id!"}),
        ("roll_call_confirm", "roll-call", {}),
    ):
        ack = sio.emit(name, payload, namespace="/site", callback=True)
        body = site_api(client, site, action, payload).get_json()
        assert sorted(ack) == sorted(body if "error" not in body else {"ok": 0, **body}), (name, ack, body)
        assert ack.get("error") == body.get("error") and ack.get("fields") == body.get("fields"), name
    invalid = site_api(client, site, "report", {"kind": "frozen", "client_id": "x" * 65}).get_json()
    assert invalid["error"] == "invalid" and invalid["fields"] == ["client_id"]


def test_a_double_tap_is_one_report_and_one_check_in(app, event):
    from server.models.site import SiteIncident, SiteLog

    site = factories.make_site(event)
    sio = site_client(app, site)
    first = sio.emit("site_report", {"kind": "no_video", "client_id": "tap-1"}, namespace="/site", callback=True)
    second = sio.emit("site_report", {"kind": "no_video", "client_id": "tap-1"}, namespace="/site", callback=True)
    assert first == second and first["ok"]
    assert db.session.scalar(db.select(db.func.count()).select_from(SiteIncident)) == 1
    # another site may use the same client id: ids are per site
    other = site_client(app, factories.make_site(event))
    assert (
        other.emit("site_report", {"kind": "no_video", "client_id": "tap-1"}, namespace="/site", callback=True)[
            "incident"
        ]["id"]
        != first["incident"]["id"]
    )
    for _ in range(2):
        assert sio.emit(
            "site_check_in", {"video_ok": True, "audio_ok": True, "client_id": "ci-1"}, namespace="/site", callback=True
        )["ok"]
    check_ins = db.session.scalar(
        db.select(db.func.count()).select_from(SiteLog).filter_by(site_id=site.id, kind="check_in")
    )
    assert check_ins == 1


def test_reports_are_rate_limited_per_site(app, client, event):
    site = factories.make_site(event)
    for n in range(10):
        assert site_api(client, site, "report", {"kind": "noisy", "client_id": f"n-{n}"}).status_code == 201
    refused = site_api(client, site, "report", {"kind": "noisy", "client_id": "n-10"})
    body = refused.get_json()
    assert refused.status_code == 429 and body["error"] == "rate_limited" and body["retry_after"] >= 1
    assert body["message"]
    # a repeat of a stored report is still answered; another site has its own bucket
    assert site_api(client, site, "report", {"kind": "noisy", "client_id": "n-3"}).status_code == 200
    assert site_api(client, factories.make_site(event), "report", {"kind": "noisy"}).status_code == 201
    english = client.post(
        f"/api/v1/sites/{site.token}/report?lang=en", json={"kind": "noisy"}, headers={"Accept-Language": "en"}
    ).get_json()
    assert english["error"] == "rate_limited" and "too fast" in english["message"]


def test_a_retried_roll_call_answer_is_the_stored_one_even_after_close(app, client, event):
    site = factories.make_site(event)
    crew = crew_socket(app, event)
    roll = crew.emit("roll_call_start", {}, namespace="/crew", callback=True)["roll_call"]
    first = site_api(client, site, "roll-call", {"client_id": "a-1"}).get_json()["roll_call"]
    crew.emit("roll_call_close", {"id": roll["id"]}, namespace="/crew", callback=True)
    retried = site_api(client, site, "roll-call", {"client_id": "a-1"}).get_json()
    assert retried["ok"] and retried["roll_call"]["confirmed_at"] == first["confirmed_at"]
    assert retried["roll_call"]["open"] is False
    assert site_api(client, site, "roll-call", {"client_id": "a-2"}).get_json()["error"] == "no_roll_call"


def test_crew_board_actions_over_rest(app, client, event):
    from server.services.accounts import users as accounts

    _t, token = accounts.create_token("crew", "deck")
    headers = {"Authorization": f"Bearer {token}"}
    site = factories.make_site(event)
    incident = site_api(client, site, "report", {"kind": "no_audio"}).get_json()["incident"]
    base = f"/api/v1/events/{event.slug}"
    acked = client.post(f"{base}/incidents/{incident['id']}/ack", headers=headers).get_json()
    assert acked["ok"] and acked["incident"]["status"] == "acknowledged"
    assert acked["incident"]["acknowledged_by"].startswith("token:")
    resolved = client.post(f"{base}/incidents/{incident['id']}/resolve", headers=headers).get_json()
    assert resolved["incident"]["status"] == "resolved"
    assert client.post(f"{base}/incidents/999/ack", headers=headers).get_json()["error"] == "incident_not_found"
    started = client.post(f"{base}/roll-calls", json={"title": "REST"}, headers=headers)
    assert started.status_code == 201 and started.get_json()["roll_call"]["title"] == "REST"
    again = client.post(f"{base}/roll-calls", json={}, headers=headers)
    assert again.status_code == 409 and again.get_json()["error"] == "roll_call_open"
    roll_id = started.get_json()["roll_call"]["id"]
    closed = client.post(f"{base}/roll-calls/{roll_id}/close", headers=headers).get_json()
    assert closed["roll_call"]["open"] is False
    sent = client.post(
        f"{base}/site-messages", json={"scope": "site", "site_id": site.id, "text": "Bật micro"}, headers=headers
    )
    assert sent.status_code == 201 and sent.get_json()["crew_message"]["text"] == "Bật micro"
    detail = client.get(f"{base}/sites/{site.id}", headers=headers).get_json()
    assert detail["site"]["id"] == site.id and detail["incidents"] and detail["log"]
    other = factories.make_site(factories.make_event("khac"))
    assert client.get(f"{base}/sites/{other.id}", headers=headers).get_json()["error"] == "site_not_found"


def test_roll_call_start_answers_the_same_shape_on_both_transports(app, client, event):
    from server.services.accounts import users as accounts

    _t, token = accounts.create_token("crew", "deck")
    crew = crew_socket(app, event)
    ack = crew.emit("roll_call_start", {"title": "A"}, namespace="/crew", callback=True)
    crew.emit("roll_call_close", {"id": ack["roll_call"]["id"]}, namespace="/crew", callback=True)
    body = client.post(
        f"/api/v1/events/{event.slug}/roll-calls", json={"title": "A"}, headers={"Authorization": f"Bearer {token}"}
    ).get_json()
    assert sorted(ack) == sorted(body) == ["ok", "roll_call"]
    refused = crew.emit("roll_call_start", {}, namespace="/crew", callback=True)
    assert refused["ok"] is False and refused["error"] == "roll_call_open" and refused["message"]
