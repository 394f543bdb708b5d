"""The public list of written answers (``/e/<slug>/answers`` and ``GET /api/v1/events/<slug>/answers``):
only answered questions the public may see (never pending, rejected or merged ones), no asker names,
search blind to diacritics and NFC/NFD, user text escaped, pages."""

import unicodedata

from tests.support import factories
from tests.support.questions_api import bearer, submit


def act(client, qid, action, **body):
    response = client.post(f"/api/v1/questions/{qid}/{action}", json=body, headers=bearer())
    assert response.status_code == 200, response.get_json()


def answer(client, qid, text, owner="Sở Nông nghiệp"):
    act(client, qid, "answer", text=text, owner=owner)


def test_only_answered_questions_the_public_may_see_are_listed(client, event):
    site = factories.make_site(event, name="Xã Hoằng Phụ")
    water = submit(client, event, "pa-1", "Khi nào có nước sạch về thôn?", site, author="Lê Văn Bí Mật")
    act(client, water, "approve")
    answer(client, water, "Quý III năm nay nước sạch về đến thôn.")
    dyke = submit(client, event, "pa-2", "Bao giờ <b>sửa</b> đê biển Hoằng Hóa?")
    act(client, dyke, "approve")
    act(client, dyke, "on-air")
    answer(client, dyke, "Đã bố trí vốn <script>alert(1)</script> năm 2026.", owner="Sở <i>NN</i>")
    pending = submit(client, event, "pa-3", "Câu chưa duyệt nhưng đã có trả lời nước sạch")
    answer(client, pending, "Không được công bố")
    rejected = submit(client, event, "pa-4", "Câu bị từ chối về nước sạch")
    act(client, rejected, "reject", reason="Trùng lặp")
    answer(client, rejected, "Không được công bố")
    unanswered = submit(client, event, "pa-5", "Câu đã duyệt chưa có trả lời")
    act(client, unanswered, "approve")
    merged = submit(client, event, "pa-6", "Bao giờ thôn có nước sạch?", factories.make_site(event, name="Xã Hải Ninh"))
    client.post(f"/api/v1/questions/{water}/merge", json={"source_ids": [merged]}, headers=bearer())

    body = client.get(f"/api/v1/events/{event.slug}/answers").get_json()
    assert body["total"] == 2
    assert [i["id"] for i in body["items"]] == [dyke, water]  # newest answer first
    first = body["items"][1]
    assert first["question"] == "Khi nào có nước sạch về thôn?" and first["site"] == "Xã Hoằng Phụ"
    assert first["answer"]["text"] == "Quý III năm nay nước sạch về đến thôn."
    assert first["answer"]["owner"] == "Sở Nông nghiệp" and first["answer"]["at_local"]
    assert first["sites"] == 2  # the merged asker's site counts (reach.py)
    assert "Bí Mật" not in str(body)  # no asker names

    for query in ("nuoc sach", "NƯỚC SẠCH", unicodedata.normalize("NFD", "nước sạch")):
        found = client.get(f"/api/v1/events/{event.slug}/answers", query_string={"q": query}).get_json()
        assert [i["id"] for i in found["items"]] == [water], query
    assert client.get(f"/api/v1/events/{event.slug}/answers?limit=51").status_code == 422

    page = client.get(f"/e/{event.slug}/answers")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Quý III năm nay nước sạch về đến thôn." in html and "Không được công bố" not in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>sửa</b>" not in html and "Sở &lt;i&gt;NN&lt;/i&gt;" in html
    assert "Bí Mật" not in html
    searched = client.get(f"/e/{event.slug}/answers?q=de+bien").get_data(as_text=True)
    assert "đê biển" in searched and "nước sạch về đến thôn" not in searched
    nothing = client.get(f"/e/{event.slug}/answers?q=khong+co+gi").get_data(as_text=True)
    assert 'id="answers-empty"' in nothing
    assert client.get("/e/no-such-event/answers").status_code == 404
    assert f'href="/e/{event.slug}/answers"' in client.get(f"/e/{event.slug}/ask").get_data(as_text=True)


def test_the_answers_page_pages_and_survives_bad_page_numbers(client, event):
    ids = []
    for i in range(23):
        qid = submit(client, event, f"pp-{i}", f"Câu hỏi số {i} về giao thông nông thôn")
        act(client, qid, "approve")
        answer(client, qid, f"Trả lời số {i}")
        ids.append(qid)
    first = client.get(f"/e/{event.slug}/answers").get_data(as_text=True)
    assert first.count('class="panel answer-card"') == 20 and 'rel="next"' in first and 'rel="prev"' not in first
    second = client.get(f"/e/{event.slug}/answers?page=2").get_data(as_text=True)
    assert second.count('class="panel answer-card"') == 3 and 'rel="prev"' in second
    assert f'data-id="{ids[0]}"' in second  # the oldest answer is last
    for bad in ("0", "-1", "abc", "99", "1" * 40):
        response = client.get(f"/e/{event.slug}/answers?page={bad}")
        assert response.status_code == 200, bad
    assert client.get(f"/e/{event.slug}/answers?page=99").get_data(as_text=True).count("answer-card") == 3
