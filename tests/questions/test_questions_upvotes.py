"""Upvotes ("tôi cũng hỏi"): from phones by device id and from sites by their token; idempotent,
rate limited, counted with the askers and sites everywhere (duplicates, the console, the chair)."""

from server.extensions import db
from server.models.question import Question, QuestionUpvote
from tests.support import factories
from tests.support.questions_api import bearer, submit

NS = "/moderation"


def approve(client, qid):
    response = client.post(f"/api/v1/questions/{qid}/approve", headers=bearer())
    assert response.status_code == 200, response.get_json()


def upvote(client, event, qid, device, **extra):
    return client.post(f"/api/v1/events/{event.slug}/questions/{qid}/upvote", json={"device": device, **extra})


def test_a_phone_upvote_is_stored_once_and_a_retry_answers_the_same(client, event):
    qid = submit(client, event, "u1", "Khi nào làm đường liên thôn?")
    approve(client, qid)
    first = upvote(client, event, qid, "phone-a")
    assert first.status_code == 201 and first.get_json()["askers"] == 2 and first.get_json()["upvotes"] == 1
    again = upvote(client, event, qid, "phone-a")
    assert again.status_code == 200 and again.get_json() == {**first.get_json()}
    assert db.session.scalar(db.select(db.func.count(QuestionUpvote.id))) == 1
    other = upvote(client, event, qid, "phone-b")
    assert other.status_code == 201 and other.get_json()["askers"] == 3


def test_unknown_pending_and_other_events_questions_are_404(client, event):
    pending = submit(client, event, "p1", "Chưa duyệt")
    assert upvote(client, event, pending, "phone-a").status_code == 404
    assert upvote(client, event, 999_999, "phone-a").get_json()["error"] == "question_not_found"
    other = factories.make_event(slug="other-event")
    qid = submit(client, other, "o1", "Sự kiện khác")
    approve(client, qid)
    assert upvote(client, event, qid, "phone-a").status_code == 404
    assert upvote(client, other, qid, "bad device id!").status_code == 422


def test_upvotes_are_rate_limited_per_device(app, client, event):
    app.config["QUESTIONS_RATE_UPVOTE_DEVICE"] = "2/60"
    ids = []
    for i in range(3):
        ids.append(submit(client, event, f"r{i}", f"Câu hỏi số {i} về trường học"))
        approve(client, ids[-1])
    assert upvote(client, event, ids[0], "fast-phone").status_code == 201
    assert upvote(client, event, ids[1], "fast-phone").status_code == 201
    refused = upvote(client, event, ids[2], "fast-phone")
    assert refused.status_code == 429 and refused.get_json()["error"] == "rate_limited"
    assert int(refused.headers.get("Retry-After", refused.get_json().get("retry_after", 0))) > 0
    assert upvote(client, event, ids[0], "fast-phone").status_code == 200  # a retry costs nothing
    assert upvote(client, event, ids[2], "other-phone").status_code == 201


def test_a_site_upvotes_with_its_token_over_rest_and_socket(client, socket_client, event):
    asking = factories.make_site(event, name="Xã Hoằng Phụ")
    joining = factories.make_site(event, name="Xã Hoằng Đạo")
    qid = submit(client, event, "s1", "Đường đê biển khi nào xong?", asking)
    approve(client, qid)
    moderator = socket_client(NS, role="moderator")
    moderator.get_received(NS)
    response = client.post(f"/api/v1/sites/{joining.token}/questions/{qid}/upvote", json={})
    assert response.status_code == 201 and response.get_json()["sites"] == 2
    updates = [m["args"][0] for m in moderator.get_received(NS) if m["name"] == "question_updated"]
    assert updates and updates[-1]["id"] == qid and updates[-1]["sites"] == 2 and updates[-1]["upvotes"] == 1
    phone = socket_client("/site", auth_payload={"token": joining.token})
    ack = phone.emit("upvote_question", {"id": qid}, namespace="/site", callback=True)
    assert ack["ok"] is True and ack["sites"] == 2  # the same site again: stored once
    assert client.post(f"/api/v1/sites/{'x' * 40}/questions/{qid}/upvote", json={}).status_code == 404
    listed = client.get(f"/api/v1/events/{event.slug}/questions/open", query_string={"site_token": joining.token})
    assert [(i["id"], i["mine"], i["sites"]) for i in listed.get_json()["items"]] == [(qid, True, 2)]


def test_upvoters_count_in_the_duplicates_ranking_and_the_console(client, event):
    one = factories.make_site(event, name="Xã Một")
    two = factories.make_site(event, name="Xã Hai")
    three = factories.make_site(event, name="Xã Ba")
    a = submit(client, event, "d1", "Khi nào nâng cấp trạm y tế xã?", one)
    b = submit(client, event, "d2", "Khi nao nang cap tram y te xa?", two)
    c = submit(client, event, "d3", "Bao giờ có sân vận động mới cho huyện?", one)
    d = submit(client, event, "d4", "Bao gio co san van dong moi cho huyen?", one)
    for qid in (a, c):
        approve(client, qid)
    url = f"/api/v1/events/{event.slug}/duplicates?min=85"
    before = {
        tuple(g["ids"]): (g["sites"], g["askers"]) for g in client.get(url, headers=bearer()).get_json()["groups"]
    }
    assert before == {(a, b): (2, 2), (c, d): (1, 2)}
    for device in ("p1", "p2", "p3"):
        assert upvote(client, event, c, device).status_code == 201
    assert client.post(f"/api/v1/sites/{two.token}/questions/{c}/upvote", json={}).status_code == 201
    assert client.post(f"/api/v1/sites/{three.token}/questions/{c}/upvote", json={}).status_code == 201
    groups = client.get(url, headers=bearer()).get_json()["groups"]
    assert [(g["ids"], g["sites"], g["askers"]) for g in groups] == [([c, d], 3, 7), ([a, b], 2, 2)]
    listed = client.get(f"/api/v1/events/{event.slug}/questions", query_string={"status": "approved"}, headers=bearer())
    by_id = {q["id"]: q for q in listed.get_json()["items"]}
    assert (by_id[c]["sites"], by_id[c]["askers"], by_id[c]["upvotes"]) == (3, 6, 5)


def test_the_public_list_is_searchable_without_diacritics_and_hides_askers(client, event):
    road = submit(client, event, "l1", "Đường liên xã bao giờ sửa?")
    school = submit(client, event, "l2", "Trường học thiếu giáo viên")
    hidden = submit(client, event, "l3", "Đường tỉnh lộ chưa duyệt")
    for qid in (road, school):
        approve(client, qid)
    url = f"/api/v1/events/{event.slug}/questions/open"
    everything = client.get(url).get_json()
    assert everything["total"] == 2 and hidden not in [i["id"] for i in everything["items"]]
    assert "author" not in everything["items"][0]
    found = client.get(url, query_string={"q": "duong lien xa"}).get_json()
    assert [i["id"] for i in found["items"]] == [road]


def test_a_merged_question_carries_its_upvotes_once_per_voter(client, event):
    target = submit(client, event, "m1", "Hỏi về điện")
    source = submit(client, event, "m2", "Hỏi về điện nông thôn")
    approve(client, target)
    approve(client, source)
    assert upvote(client, event, target, "both").status_code == 201
    assert upvote(client, event, source, "both").status_code == 201
    assert upvote(client, event, source, "only-source").status_code == 201
    merged = client.post(f"/api/v1/questions/{target}/merge", json={"source_ids": [source]}, headers=bearer())
    assert merged.status_code == 200, merged.get_json()
    assert merged.get_json()["question"]["upvotes"] == 2
    voters = sorted(db.session.scalars(db.select(QuestionUpvote.voter).where(QuestionUpvote.question_id == target)))
    assert voters == ["dev:both", "dev:only-source"]
    again = upvote(client, event, source, "late")  # a phone with the old list joins the merged target
    assert again.status_code == 201 and again.get_json()["id"] == target
    assert db.session.get(Question, source).status == "merged"
