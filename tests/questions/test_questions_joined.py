"""What the phones and bridge points that joined a question ("tôi cũng hỏi") see of it: its status
words and written answer in the phone's statuses (HTTP, ``device``) and ``follow_questions``, live
``joined_status`` messages on /public (the question's room) and /site, and on the joining site's
phone page (status while unanswered, then with its answers); merges followed, user text escaped."""

from tests.support import factories
from tests.support.questions_api import bearer, submit


def act(client, qid, action, **body):
    response = client.post(f"/api/v1/questions/{qid}/{action}", json=body, headers=bearer())
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def upvote(client, event, qid, device, **extra):
    response = client.post(f"/api/v1/events/{event.slug}/questions/{qid}/upvote", json={"device": device, **extra})
    assert response.status_code in (200, 201), response.get_json()


def joined(client, event, device):
    response = client.get(f"/api/v1/events/{event.slug}/questions/status", query_string={"device": device})
    assert response.status_code == 200
    return response.get_json()["joined"]


def joined_section(page):
    """The phone page's "joined" section (from its opening tag to its end)."""
    start = page.index('<section id="joined"')
    return page[start : page.index("</section>", start)]


def pushed(sio, namespace):
    return [m["args"][0] for m in sio.get_received(namespace) if m["name"] == "joined_status"]


ANSWER = "Tháng 9 sẽ có <b>trạm</b> bơm mới."


def test_phones_and_sites_that_joined_see_the_status_and_the_written_answer(client, socket_client, event):
    asking = factories.make_site(event, name="Xã Quảng Thái")
    joining = factories.make_site(event, name="Xã Quảng Lợi")
    via_phone = factories.make_site(event, name="Xã Quảng Nham")  # a phone on its ask page joined
    quiet = factories.make_site(event, name="Xã Quảng Khê")
    text = "Khi nào có <script>trạm</script> bơm tiêu úng?"
    qid = submit(client, event, "jn-1", text, asking)
    act(client, qid, "approve")
    upvote(client, event, qid, "phone-j")
    upvote(client, event, qid, "phone-k", site_token=via_phone.token)
    assert client.post(f"/api/v1/sites/{joining.token}/questions/{qid}/upvote", json={}).status_code == 201

    assert joined(client, event, "phone-j") == [
        {"id": qid, "text": text, "status": "approved", "reason": "", "answer": None}
    ]
    assert joined(client, event, "never-joined") == [] and joined(client, event, "bad id!") == []
    assert "joined" not in client.get(f"/api/v1/events/{event.slug}/questions/status").get_json()
    for site in (joining, via_phone):  # the site page lists it with its status words, escaped
        section = joined_section(client.get(f"/p/{site.token}").get_data(as_text=True))
        assert "hidden" not in section.split(">", 1)[0] and "Đã được chọn" in section
        assert "&lt;script&gt;trạm&lt;/script&gt;" in section and "<script>trạm" not in section
    assert " hidden>" in joined_section(client.get(f"/p/{quiet.token}").get_data(as_text=True))

    phone = socket_client("/public")
    ack = phone.emit("follow_questions", {"device": "phone-j"}, namespace="/public", callback=True)
    assert ack["ok"] and [j["id"] for j in ack["joined"]] == [qid] and ack["statuses"] == []
    stranger = socket_client("/public")
    stranger.emit("follow_questions", {"device": "phone-x"}, namespace="/public", callback=True)
    site_phone = socket_client("/site", auth_payload={"token": joining.token})
    quiet_phone = socket_client("/site", auth_payload={"token": quiet.token})
    for sio, ns in ((phone, "/public"), (stranger, "/public"), (site_phone, "/site"), (quiet_phone, "/site")):
        sio.get_received(ns)

    act(client, qid, "on-air")
    assert [p["status"] for p in pushed(phone, "/public")] == ["on_air"]
    assert [p["status"] for p in pushed(site_phone, "/site")] == ["on_air"]
    act(client, qid, "answer", owner="Sở NN&PTNT", text=ANSWER)
    live = pushed(phone, "/public")
    assert live and live[-1]["answer"] == {"text": ANSWER, "owner": "Sở NN&PTNT", "at": live[-1]["answer"]["at"]}
    assert pushed(site_phone, "/site")[-1]["answer"]["text"] == ANSWER
    assert pushed(stranger, "/public") == [] and pushed(quiet_phone, "/site") == []  # only those who joined

    act(client, qid, "answered")
    state = joined(client, event, "phone-j")[0]
    assert state["status"] == "answered" and state["answer"]["text"] == ANSWER
    for site in (joining, via_phone):  # answered in writing: with the site's answers, marked as joined
        page = client.get(f"/p/{site.token}").get_data(as_text=True)
        answers = page[page.index('id="site-answers"') :]
        assert "Tháng 9 sẽ có &lt;b&gt;trạm&lt;/b&gt; bơm mới." in answers and "Đã cùng hỏi" in answers
        assert f'data-id="{qid}"' not in joined_section(page)
    own = client.get(f"/p/{asking.token}").get_data(as_text=True)  # the asking site: not marked as joined
    assert "Tháng 9 sẽ có" in own and "joined-tag" not in own
    assert "Tháng 9 sẽ có" not in client.get(f"/p/{quiet.token}").get_data(as_text=True)


def test_a_phone_that_joined_a_merged_question_follows_the_target(client, socket_client, event):
    target = submit(client, event, "mg-1", "Hỏi về chợ xã")
    source = submit(client, event, "mg-2", "Bao giờ xây chợ xã mới?")
    for qid in (target, source):
        act(client, qid, "approve")
    upvote(client, event, source, "phone-m")
    phone = socket_client("/public")
    ack = phone.emit("follow_questions", {"device": "phone-m"}, namespace="/public", callback=True)
    assert [j["id"] for j in ack["joined"]] == [source]
    phone.get_received("/public")
    act(client, target, "merge", source_ids=[source])
    moved = pushed(phone, "/public")
    assert moved and moved[-1]["was"] == source and moved[-1]["id"] == target and moved[-1]["status"] == "approved"
    assert [j["id"] for j in joined(client, event, "phone-m")] == [target]
    act(client, target, "reject", reason="Đã có kế hoạch")
    state = joined(client, event, "phone-m")[0]
    assert state["status"] == "not_selected" and state["reason"] == "Đã có kế hoạch"
