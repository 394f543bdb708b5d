"""POST /api/v1/questions (docs/api.md) and the moderator REST endpoints."""

import threading
import unicodedata

from server.extensions import db
from server.models.question import Question
from tests.support import factories
from tests.support.questions_api import bearer

DANGER = "<script>alert(1)</script> =cmd|' /C calc'!A0"


def body(event, **over):
    data = {"event": event.slug, "kind": "question", "text": "Khi nào sửa đường liên xã?", "client_id": "c-1"}
    data.update(over)
    return data


def post(client, data, **headers):
    return client.post("/api/v1/questions", json=data, headers=headers)


def test_created_then_repeat_returns_the_same_id(client, event):
    first = post(client, body(event))
    assert first.status_code == 201
    assert first.get_json()["status"] == "pending" and isinstance(first.get_json()["id"], int)
    again = post(client, body(event, text="something else"))
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert db.session.scalar(db.select(db.func.count(Question.id))) == 1


def test_concurrent_duplicates_store_one_question(app, event):
    results = []
    data = body(event, client_id="race-1")
    barrier = threading.Barrier(6)

    def send():
        with app.test_client() as c:
            barrier.wait()
            results.append(post(c, data))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in results)
    assert codes.count(201) == 1 and codes.count(200) == 5, codes
    assert len({r.get_json()["id"] for r in results}) == 1
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Question.id))) == 1


def test_text_is_stored_nfc_trimmed_without_controls(client, event):
    raw = unicodedata.normalize("NFD", "  Ông Nguyễn\u0007 hỏi:\u200b đường   xấu  ")
    qid = post(client, body(event, text=raw, author=unicodedata.normalize("NFD", " Nguyễn Văn An "))).get_json()["id"]
    q = db.session.get(Question, qid)
    assert q.text == "Ông Nguyễn hỏi: đường xấu"
    assert q.author == "Nguyễn Văn An"
    assert q.text_folded == "ong nguyen hoi: duong xau"


def test_bad_requests_are_400(client, event):
    assert post(client, {"event": event.slug, "text": "x"}).status_code == 400  # no client_id
    assert post(client, body(event, text=12)).status_code == 400
    response = client.post("/api/v1/questions", data="{not json", content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_json"
    assert client.post("/api/v1/questions", json=["a"]).status_code == 400


def test_invalid_values_are_422_with_a_message_in_the_callers_language(client, event):
    response = post(client, body(event, text="   \u0000 "))
    assert response.status_code == 422 and response.get_json()["error"] == "text_empty"
    assert "trống" in response.get_json()["message"]
    response = post(client, body(event, text="a" * 1001, client_id="c-2"), **{"Accept-Language": "en"})
    assert response.status_code == 422 and response.get_json()["error"] == "text_too_long"
    assert "1000 characters" in response.get_json()["message"]
    assert post(client, body(event, kind="rant", client_id="c-3")).status_code == 422
    assert post(client, body(event, client_id="bad id with spaces")).status_code == 422
    assert post(client, {**body(event), "event": "no-such-event"}).status_code == 422
    assert post(client, body(event, site_token="x" * 20, client_id="c-4")).status_code == 422
    assert post(client, body(event, text="a" * 1000, client_id="c-5")).status_code == 201


def test_oversized_body_is_413_and_wrong_type_415(client, event):
    response = client.post("/api/v1/questions", data=b"{" + b" " * 40000 + b"}", content_type="application/json")
    assert response.status_code == 413
    response = client.post("/api/v1/questions", data="text=hi", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


def test_rate_limit_per_device_gives_429_with_retry_after(client, app, event):
    app.config["QUESTIONS_RATE_DEVICE"] = "2/60"
    headers = {"X-Device-Id": "phone-1"}
    assert post(client, body(event, client_id="d1"), **headers).status_code == 201
    assert post(client, body(event, client_id="d2"), **headers).status_code == 201
    refused = post(client, body(event, client_id="d3"), **headers)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.get_json()["error"] == "rate_limited"
    # a repeat of an acknowledged submission is still answered, and another phone is not limited
    assert post(client, body(event, client_id="d1"), **headers).status_code == 200
    assert post(client, body(event, client_id="d4"), **{"X-Device-Id": "phone-2"}).status_code == 201


def test_over_the_socket_the_same_ack_idempotency_and_per_device_limit(app, event, socket_client):
    app.config["QUESTIONS_RATE_DEVICE"] = "2/60"
    phone = socket_client("/public", auth_payload={"event": event.slug, "device": "phone-1"})
    submit = lambda cid: phone.emit("submit_question", body(event, client_id=cid), namespace="/public", callback=True)  # noqa: E731
    first, second = submit("w1"), submit("w2")
    assert first["ok"] and second["ok"] and first["id"] != second["id"]
    stored = db.session.scalar(db.select(Question).filter_by(client_id="w1"))
    assert stored is not None and stored.id == first["id"] and stored.device_id == "phone-1"  # acked once stored
    refused = submit("w3")
    assert refused["ok"] is False and refused["error"] == "rate_limited" and refused["retry_after"] >= 1
    assert db.session.scalar(db.select(Question).filter_by(client_id="w3")) is None
    repeat = submit("w1")  # a retry of an acknowledged one: the stored question, not a second one
    assert repeat["ok"] and repeat["id"] == first["id"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Question).filter_by(client_id="w1")) == 1
    # the device is the connection's: another phone on its own socket is not limited
    other = socket_client("/public", auth_payload={"event": event.slug, "device": "phone-2"})
    assert other.emit("submit_question", body(event, client_id="w4"), namespace="/public", callback=True)["ok"]


def test_rotating_device_ids_hit_the_address_limit(client, app, event):
    app.config["QUESTIONS_RATE_ADDRESS"] = "3/60"
    codes = [
        post(client, body(event, client_id=f"r{i}"), **{"X-Device-Id": f"phone-{i}"}).status_code for i in range(5)
    ]
    assert codes == [201, 201, 201, 429, 429]


def test_rate_limit_per_site(client, app, event):
    app.config["QUESTIONS_RATE_SITE"] = "1/60"
    site = factories.make_site(event)
    assert post(client, body(event, client_id="s1", site_token=site.token), **{"X-Device-Id": "a"}).status_code == 201
    refused = post(client, body(event, client_id="s2", site_token=site.token), **{"X-Device-Id": "b"})
    assert refused.status_code == 429 and "Retry-After" in refused.headers


def test_site_form_tags_the_site_and_defaults_to_the_current_agenda_item(client, event):
    from server.models.agenda import AgendaItem

    item = AgendaItem(event_id=event.id, title="Đối thoại")
    db.session.add(item)
    db.session.commit()
    event.current_item_id = item.id
    db.session.commit()
    site = factories.make_site(event)
    qid = post(client, body(event, site_token=site.token)).get_json()["id"]
    q = db.session.get(Question, qid)
    assert q.site_id == site.id and q.agenda_item_id == item.id


def test_moderator_rest_list_search_and_decisions(client, event):
    ids = {}
    for cid, text in (("a", "Hỏi về Nguyễn Du"), ("b", "Đường giao thông"), ("c", "Hỏi thêm về nguyễn du")):
        ids[cid] = post(client, body(event, client_id=cid, text=text)).get_json()["id"]
    assert client.get(f"/api/v1/events/{event.slug}/questions").status_code == 401
    auth = bearer()
    for query in ("nguyen", "Nguyễn", unicodedata.normalize("NFD", "NGUYỄN du")):
        found = client.get(f"/api/v1/events/{event.slug}/questions", query_string={"q": query}, headers=auth).get_json()
        assert {q["id"] for q in found["items"]} == {ids["a"], ids["c"]}, query
    assert (
        client.post(f"/api/v1/questions/{ids['a']}/approve", headers=auth).get_json()["question"]["status"]
        == "approved"
    )
    assert (
        client.post(f"/api/v1/questions/{ids['a']}/on-air", headers=auth).get_json()["question"]["status"] == "on_air"
    )
    assert (
        client.post(f"/api/v1/questions/{ids['a']}/answered", headers=auth).get_json()["question"]["status"]
        == "answered"
    )
    rejected = client.post(f"/api/v1/questions/{ids['b']}/reject", json={"reason": "Trùng nội dung"}, headers=auth)
    assert rejected.get_json()["question"]["status"] == "rejected"
    assert rejected.get_json()["question"]["reason"] == "Trùng nội dung"
    pending = client.get(f"/api/v1/events/{event.slug}/questions?status=pending", headers=auth).get_json()
    assert [q["id"] for q in pending["items"]] == [ids["c"]]
    # not approved yet: going on air is refused
    assert client.post(f"/api/v1/questions/{ids['c']}/on-air", headers=auth).status_code == 409
    assert client.post(f"/api/v1/questions/{ids['c']}/approve", headers=bearer("crew")).status_code == 403


def test_status_polling_for_askers(client, event):
    post(client, body(event, client_id="poll-1"))
    data = client.get(f"/api/v1/events/{event.slug}/questions/status?ids=poll-1,unknown").get_json()
    assert data["statuses"] == [
        {"client_id": "poll-1", "id": data["statuses"][0]["id"], "status": "sent", "reason": "", "answer": None}
    ]


def test_dangerous_text_is_stored_verbatim_and_escaped_on_pages(client, auth, event):
    qid = post(client, body(event, text=DANGER, author="<b>x</b>")).get_json()["id"]
    assert db.session.get(Question, qid).text == DANGER
    auth.login("moderator")
    html = client.get(f"/events/{event.slug}/moderation").get_data(as_text=True)
    assert "<script>alert" not in html
    for path in (f"/e/{event.slug}/ask", f"/overlay/{event.slug}/question"):
        page = client.get(path)
        assert page.status_code == 200 and "<script>alert" not in page.get_data(as_text=True)
    summary = client.get(f"/events/{event.slug}/moderation/sites")
    assert summary.status_code == 200
