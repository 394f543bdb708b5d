"""Safe concurrency between moderators: stale edits answered with both texts, who else has a
question open, on-air replacement that asks first and tells the other moderator, and
rejections that need a reason (service, REST and the /moderation socket)."""

from server.extensions import db
from server.models.question import Question
from tests.support.questions_api import bearer

NS = "/moderation"


def submit(client, event, client_id, text):
    response = client.post(
        "/api/v1/questions", json={"event": event.slug, "kind": "question", "text": text, "client_id": client_id}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def named(sio, name):
    return [m["args"][0] for m in sio.get_received(NS) if m["name"] == name]


def test_two_moderators_a_stale_edit_gets_both_texts_and_can_be_kept(client, socket_client, event):
    qid = submit(client, event, "st-1", "Khi nào sửa trường học?")
    one = socket_client(NS, role="moderator")
    two = socket_client(NS, role="moderator")
    base = two.emit("open_question", {"id": qid}, namespace=NS, callback=True)["question"]
    saved = one.emit(
        "edit",
        {"id": qid, "version": base["version"], "text": "Khi nào xây lại trường học?"},
        namespace=NS,
        callback=True,
    )
    assert saved["ok"]
    # two's editor started from `base`: its save is refused, with both texts
    stale = two.emit(
        "edit",
        {"id": qid, "version": base["version"], "text": "Bao giờ sửa trường học xã?"},
        namespace=NS,
        callback=True,
    )
    assert stale["ok"] is False and stale["error"] == "stale_version"
    assert stale["current"]["text"] == "Khi nào xây lại trường học?"
    assert stale["mine"] == {"text": "Bao giờ sửa trường học xã?"}
    assert stale["changed_by"]["name"].startswith("moderator")
    db.session.expire_all()
    assert db.session.get(Question, qid).text == "Khi nào xây lại trường học?"  # nothing silently overwritten
    # the moderator chooses to keep theirs: a save against the current version
    kept = two.emit(
        "edit",
        {"id": qid, "version": stale["current"]["version"], "text": "Bao giờ sửa trường học xã?"},
        namespace=NS,
        callback=True,
    )
    assert kept["ok"] and kept["question"]["text"] == "Bao giờ sửa trường học xã?"


def test_stale_edit_over_rest_is_a_409_with_both_texts(client, event):
    qid = submit(client, event, "st-2", "Câu gốc")
    headers = bearer()
    first = client.post(f"/api/v1/questions/{qid}/edit", json={"version": 1, "text": "Bản một"}, headers=headers)
    assert first.status_code == 200
    second = client.post(f"/api/v1/questions/{qid}/edit", json={"version": 1, "text": "Bản hai"}, headers=headers)
    assert second.status_code == 409
    data = second.get_json()
    assert (
        data["error"] == "stale_version" and data["current"]["text"] == "Bản một" and data["mine"]["text"] == "Bản hai"
    )


def test_who_else_has_the_question_open(client, socket_client, event):
    qid = submit(client, event, "pv-1", "Câu hỏi")
    other = submit(client, event, "pv-2", "Câu khác")
    one = socket_client(NS, role="moderator")
    two = socket_client(NS, role="moderator")
    opened = one.emit("open_question", {"id": qid}, namespace=NS, callback=True)
    assert opened["viewers"] == []
    opened_two = two.emit("open_question", {"id": qid}, namespace=NS, callback=True)
    assert len(opened_two["viewers"]) == 1
    seen = named(one, "question_viewers")
    assert seen[-1]["id"] == qid and len(seen[-1]["names"]) == 2
    two.emit("open_question", {"id": other}, namespace=NS, callback=True)
    assert [v for v in named(one, "question_viewers") if v["id"] == qid][-1]["names"] == opened_two["viewers"]
    closed = one.emit("question_viewing", {"id": None}, namespace=NS, callback=True)
    assert closed["ok"]
    assert [v for v in named(two, "question_viewers") if v["id"] == qid][-1]["names"] == []
    two.disconnect(namespace=NS)
    assert [v for v in named(one, "question_viewers") if v["id"] == other][-1]["names"] == []


def test_replacing_someone_elses_on_air_question_asks_first_and_tells_them(client, socket_client, event):
    first = submit(client, event, "oa-1", "Câu một")
    second = submit(client, event, "oa-2", "Câu hai")
    one = socket_client(NS, role="moderator")
    two = socket_client(NS, role="moderator")
    for qid in (first, second):
        assert one.emit("approve", {"id": qid}, namespace=NS, callback=True)["ok"]
    assert one.emit("on_air", {"id": first}, namespace=NS, callback=True)["ok"]
    refused = two.emit("on_air", {"id": second}, namespace=NS, callback=True)
    assert refused["ok"] is False and refused["error"] == "on_air_taken"
    assert refused["by"].startswith("moderator") and refused["by"] in refused["message"]
    assert refused["on_air"]["id"] == first
    db.session.expire_all()
    assert db.session.get(Question, first).status == "on_air"
    one.get_received(NS)
    replaced = two.emit("on_air", {"id": second, "replace": True}, namespace=NS, callback=True)
    assert replaced["ok"] and replaced["question"]["status"] == "on_air"
    told = named(one, "on_air_replaced")
    assert told == [
        {
            "id": first,
            "by": refused["by"],
            "owner": told[0]["owner"],
            "replaced_by": told[0]["replaced_by"],
            "new_id": second,
        }
    ]
    assert told[0]["replaced_by"] != refused["by"]
    # the same moderator replacing their own question is not asked
    third = submit(client, event, "oa-3", "Câu ba")
    two.emit("approve", {"id": third}, namespace=NS, callback=True)
    assert two.emit("on_air", {"id": third}, namespace=NS, callback=True)["ok"]


def test_rest_on_air_taken_is_a_409(client, event):
    a, b = submit(client, event, "ra-1", "Một"), submit(client, event, "ra-2", "Hai")
    one, two = bearer(), bearer()
    for qid in (a, b):
        client.post(f"/api/v1/questions/{qid}/approve", headers=one)
    assert client.post(f"/api/v1/questions/{a}/on-air", headers=one).status_code == 200
    taken = client.post(f"/api/v1/questions/{b}/on-air", headers=two)
    assert taken.status_code == 409 and taken.get_json()["error"] == "on_air_taken"
    assert client.post(f"/api/v1/questions/{b}/on-air", json={"replace": True}, headers=two).status_code == 200


def test_reject_needs_a_reason(client, socket_client, event):
    qid = submit(client, event, "rj-1", "Câu hỏi")
    missing = client.post(f"/api/v1/questions/{qid}/reject", json={}, headers=bearer())
    assert missing.status_code == 422 and missing.get_json()["error"] == "reason_required"
    blank = client.post(f"/api/v1/questions/{qid}/reject", json={"reason": "   "}, headers=bearer())
    assert blank.status_code == 422
    mod = socket_client(NS, role="moderator")
    ack = mod.emit("reject", {"id": qid}, namespace=NS, callback=True)
    assert ack["ok"] is False and ack["error"] == "reason_required"
    db.session.expire_all()
    assert db.session.get(Question, qid).status == "pending"
    done = mod.emit("reject", {"id": qid, "reason": "Trùng lặp"}, namespace=NS, callback=True)
    assert done["ok"] and done["question"]["reason"] == "Trùng lặp"


def test_rejection_quick_picks_are_in_the_console(client, auth, event):
    auth.login("moderator")
    import json
    import re

    page = client.get(f"/events/{event.slug}/moderation").get_data(as_text=True)
    texts = json.loads(re.search(r'<script type="application/json" id="i18n">(.*?)</script>', page, re.S).group(1))
    assert [texts[k] for k in ("reason_duplicate", "reason_unsuitable", "reason_out_of_scope")] == [
        "Trùng lặp",
        "Không phù hợp",
        "Ngoài phạm vi",
    ]
