"""The chair view: its snapshot (on air, queue order with sites and counts, themes), live over /chair
when a moderator acts, and who may open it (staff, or a chair link's key)."""

import time
from unittest import mock

from server.extensions import db
from server.models.question import Question, QuestionTheme
from server.services.questions import chair
from tests.support import factories
from tests.support.questions_api import bearer, submit

NS = "/chair"


def approve(client, qid):
    assert client.post(f"/api/v1/questions/{qid}/approve", headers=bearer()).status_code == 200


def named(messages, name):
    return [m["args"][0] for m in messages if m["name"] == name]


def test_the_snapshot_shows_on_air_queue_order_counts_and_themes(client, event):
    hp = factories.make_site(event, code="TH-HP", name="Xã Hoằng Phụ", district="Huyện Hoằng Hóa")
    hd = factories.make_site(event, code="TH-HD", name="Xã Hoằng Đạo")
    first = submit(client, event, "a", "Khi nào làm đê biển?", hp, author="Lê Văn A", unit="Hội Nông dân")
    second = submit(client, event, "b", "<b>Trường</b> học thiếu giáo viên", hd)
    third = submit(client, event, "c", "Chưa duyệt")
    for qid in (first, second):
        approve(client, qid)
    client.post(f"/api/v1/sites/{hd.token}/questions/{first}/upvote", json={})
    reordered = client.put(
        f"/api/v1/events/{event.slug}/questions/queue", json={"ids": [second, first]}, headers=bearer()
    )
    assert reordered.status_code == 200
    url = f"/api/v1/events/{event.slug}/chair"
    snap = client.get(url, headers=bearer("crew")).get_json()
    assert snap["on_air"] is None and snap["themes"] == [] and snap["queue_total"] == 2
    assert [q["id"] for q in snap["queue"]] == [second, first]  # the moderators' order
    assert third not in [q["id"] for q in snap["queue"]]
    on_air = client.post(f"/api/v1/questions/{first}/on-air", headers=bearer())
    assert on_air.status_code == 200
    theme = QuestionTheme(event_id=event.id, label="Giáo dục")
    db.session.add(theme)
    db.session.flush()
    db.session.get(Question, second).theme_id = theme.id
    db.session.commit()
    snap = client.get(url, headers=bearer()).get_json()
    now = snap["on_air"]
    assert (now["id"], now["text"], now["author"], now["unit"]) == (
        first,
        "Khi nào làm đê biển?",
        "Lê Văn A",
        "Hội Nông dân",
    )
    assert now["site"] == {"name": "Xã Hoằng Phụ", "code": "TH-HP", "district": "Huyện Hoằng Hóa"}
    assert (now["sites"], now["askers"], now["upvotes"]) == (2, 2, 1)
    assert [q["id"] for q in snap["queue"]] == [second] and snap["queue"][0]["text"].startswith("<b>")
    assert snap["themes"] == [{"id": theme.id, "label": "Giáo dục", "count": 1}]


def test_the_chair_follows_the_moderators_live(client, socket_client, event):
    site = factories.make_site(event, code="TH-01", name="Xã Hoằng Phụ")
    qid = submit(client, event, "live", "Khi nào có nước sạch?", site)
    approve(client, qid)
    screen = socket_client(NS, role="crew")
    assert screen.is_connected(NS)
    joined = named(screen.get_received(NS), "chair_snapshot")
    assert joined and [q["id"] for q in joined[-1]["queue"]] == [qid] and joined[-1]["on_air"] is None
    moderator = socket_client("/moderation", role="moderator")
    ack = moderator.emit("on_air", {"id": qid}, namespace="/moderation", callback=True)
    assert ack["ok"], ack
    got = screen.get_received(NS)
    shown = named(got, "question_on_air")
    assert shown and shown[-1]["question"]["id"] == qid and shown[-1]["question"]["site_code"] == "TH-01"
    assert named(got, "queue")[-1]["ids"] == []
    ack = screen.emit("chair_snapshot", {}, namespace=NS, callback=True)  # what the page asks next
    assert ack["ok"] and ack["on_air"]["id"] == qid and ack["queue"] == []
    second = submit(client, event, "live-2", "Câu hỏi thứ hai")
    screen.get_received(NS)
    approve(client, second)
    updated = named(screen.get_received(NS), "question_updated")
    assert [q["id"] for q in updated] == [second]  # pending noise never reaches the chair, approvals do
    submit(client, event, "live-3", "Chờ duyệt")
    assert named(screen.get_received(NS), "question_updated") == []


def test_who_may_open_the_chair_view(app, client, socket_client, event, auth):
    assert client.get(f"/events/{event.slug}/chair").status_code == 302
    assert client.get(f"/api/v1/events/{event.slug}/chair").status_code == 401
    assert not socket_client(NS).is_connected(NS)
    for role in ("crew", "moderator", "admin"):
        assert socket_client(NS, role=role).is_connected(NS), role
    with app.test_request_context():
        key = chair.make_key(event)
        with mock.patch("itsdangerous.timed.time.time", return_value=time.time() - 49 * 3600):
            old_key = chair.make_key(event)  # older than CHAIR_LINK_HOURS (48)
    by_key = socket_client(NS, auth_payload={"key": key})  # a tablet: no session, the key only
    assert by_key.is_connected(NS) and named(by_key.get_received(NS), "chair_snapshot")
    refused = by_key.emit("chair_snapshot", {}, namespace=NS, callback=True)
    assert refused["ok"] is False and refused["error"] == "forbidden"  # the key reads on joining and by REST only
    assert not socket_client(NS, auth_payload={"key": "nope"}).is_connected(NS)
    assert not socket_client(NS, auth_payload={"key": old_key}).is_connected(NS)
    tablet = app.test_client()
    assert tablet.get(f"/chair/{key}").status_code == 200
    assert tablet.get(f"/api/v1/chair/{key}/snapshot").get_json()["event"]["slug"] == event.slug
    assert tablet.get(f"/chair/{key}x").status_code == 404
    for bad in (f"{key[:-2]}zz", old_key):
        response = tablet.get(f"/api/v1/chair/{bad}/snapshot")
        assert response.status_code == 404 and response.get_json()["error"] == "invalid_chair_key"
    auth.login("moderator")
    page = client.get(f"/events/{event.slug}/chair")
    assert page.status_code == 200 and b"/chair/" in page.data  # the tablet link
    event.is_active = False
    db.session.commit()
    assert tablet.get(f"/chair/{key}").status_code == 404


def test_revoking_the_chair_links_stops_every_link_made_so_far(app, client, socket_client, event):
    from server.models.audit import AuditEntry

    site = factories.make_site(event, code="TH-02", name="Xã Hoằng Đạo")
    qid = submit(client, event, "rv", "Khi nào sửa đường liên xã?", site)
    approve(client, qid)
    with app.test_request_context():
        key = chair.make_key(event)
    tablet = socket_client(NS, auth_payload={"key": key})
    staff = socket_client(NS, role="crew")
    assert tablet.is_connected(NS) and named(tablet.get_received(NS), "chair_snapshot")
    staff.get_received(NS)
    url = f"/api/v1/events/{event.slug}/chair/revoke"
    assert client.post(url).status_code == 401  # no account, no revoking
    revoked = client.post(url, headers=bearer("crew"))
    assert revoked.status_code == 200, revoked.get_json()
    body = revoked.get_json()
    assert body["generation"] == 1 and body["chair_key"] != key
    assert named(tablet.get_received(NS), "chair_revoked") == [{"event": event.slug}]
    moderator = socket_client("/moderation", role="moderator")
    assert moderator.emit("on_air", {"id": qid}, namespace="/moderation", callback=True)["ok"]
    assert named(tablet.get_received(NS), "question_on_air") == []  # out of the broadcasts at once
    assert named(staff.get_received(NS), "question_on_air")  # staff keep following
    web = app.test_client()
    assert web.get(f"/chair/{key}").status_code == 404
    old = web.get(f"/api/v1/chair/{key}/snapshot")
    assert old.status_code == 404 and old.get_json()["error"] == "invalid_chair_key"
    assert not socket_client(NS, auth_payload={"key": key}).is_connected(NS)
    fresh = body["chair_key"]  # the new link works, and follows the moderators again
    assert web.get(f"/chair/{fresh}").status_code == 200
    again = socket_client(NS, auth_payload={"key": fresh})
    assert again.is_connected(NS) and named(again.get_received(NS), "chair_snapshot")[-1]["on_air"]["id"] == qid
    assert moderator.emit("off_air", {"id": qid}, namespace="/moderation", callback=True)["ok"]
    assert named(again.get_received(NS), "question_on_air")
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "chair.revoke_links")).one()
    assert entry.target == event.slug and entry.detail == "generation 1"
