"""Written answers for every site: stored over REST and the socket, in the askers' statuses
(merged askers too) and their socket room, listed on the asking site's phone page, and
"overdue" flagged for the console when the due date passes with no answer."""

from datetime import UTC, datetime, timedelta, timezone

from server.extensions import db
from server.models.question import Question
from tests.support import factories
from tests.support.questions_api import bearer, submit

NS = "/moderation"


def statuses(client, event, ids):
    response = client.get(f"/api/v1/events/{event.slug}/questions/status?ids={','.join(ids)}")
    assert response.status_code == 200
    return {s["client_id"]: s for s in response.get_json()["statuses"]}


def test_an_answer_reaches_the_status_of_every_asker_and_the_sites_phone(client, socket_client, event):
    site, other_site = factories.make_site(event, name="Điểm cầu Xã Hải Ninh"), factories.make_site(event)
    qid = submit(client, event, "an-1", "Khi nào có nước sạch về thôn?", site)
    dup = submit(client, event, "an-2", "Bao giờ thôn có nước sạch?", other_site)
    client.post(f"/api/v1/questions/{qid}/merge", json={"source_ids": [dup]}, headers=bearer())
    assert statuses(client, event, ["an-1"])["an-1"]["answer"] is None
    phone = socket_client("/public")
    phone.emit("follow_questions", {"client_ids": ["an-1", "an-2"]}, namespace="/public", callback=True)
    phone.get_received("/public")

    response = client.post(
        f"/api/v1/questions/{qid}/answer",
        headers=bearer(),
        json={"owner": "Sở Nông nghiệp", "text": "Quý III năm nay nước sạch về đến thôn."},
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()["question"]
    assert (
        body["answer"]["text"] == "Quý III năm nay nước sạch về đến thôn."
        and body["answer"]["owner"] == "Sở Nông nghiệp"
    )
    assert body["overdue"] is False

    seen = statuses(client, event, ["an-1", "an-2"])
    for client_id in ("an-1", "an-2"):  # the merged asker sees the answer too
        assert seen[client_id]["answer"]["text"] == "Quý III năm nay nước sạch về đến thôn."
        assert seen[client_id]["answer"]["owner"] == "Sở Nông nghiệp"
    pushed = [m["args"][0] for m in phone.get_received("/public") if m["name"] == "question_status"]
    assert {p["client_id"] for p in pushed if p["answer"]} == {"an-1", "an-2"}

    for s in (site, other_site):  # both asking sites list it on their phone page
        page = client.get(f"/p/{s.token}").get_data(as_text=True)
        assert "Quý III năm nay nước sạch về đến thôn." in page and 'id="site-answers"' in page
    quiet = factories.make_site(event)
    assert 'id="site-answers"' not in client.get(f"/p/{quiet.token}").get_data(as_text=True)


def test_answer_over_the_socket_owner_and_due_first_then_overdue(client, socket_client, event):
    qid = submit(client, event, "ov-1", "Đề nghị sửa cầu treo bản Lác")
    mod = socket_client(NS, role="moderator")
    other = socket_client(NS, role="moderator")
    other.get_received(NS)
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    ack = mod.emit("answer_question", {"id": qid, "owner": "UBND huyện", "due": past}, namespace=NS, callback=True)
    assert ack["ok"], ack
    assert ack["question"]["overdue"] is True and ack["question"]["answer"]["text"] == ""
    broadcast = [m["args"][0] for m in other.get_received(NS) if m["name"] == "question_updated"]
    assert broadcast[-1]["id"] == qid and broadcast[-1]["overdue"] is True
    assert statuses(client, event, ["ov-1"])["ov-1"]["answer"] is None  # nothing to tell the asker yet
    listing = mod.emit("list_questions", {"status": "all"}, namespace=NS, callback=True)
    assert next(q for q in listing["items"] if q["id"] == qid)["overdue"] is True
    done = mod.emit(
        "answer_question", {"id": qid, "text": "Đã có vốn, khởi công tháng 5."}, namespace=NS, callback=True
    )
    assert done["ok"] and done["question"]["overdue"] is False
    assert done["question"]["answer"]["owner"] == "UBND huyện"  # kept: only the text was sent
    # a local due date without a zone is Vietnam time
    local = mod.emit("answer_question", {"id": qid, "due": "2030-01-02T09:00"}, namespace=NS, callback=True)
    assert local["question"]["answer"]["due"].startswith("2030-01-02T02:00")


def test_answer_refusals(client, event):
    qid = submit(client, event, "rf-1", "Câu hỏi")
    headers = bearer()
    empty = client.post(f"/api/v1/questions/{qid}/answer", json={}, headers=headers)
    assert empty.status_code == 422 and empty.get_json()["error"] == "answer_empty"
    bad_due = client.post(f"/api/v1/questions/{qid}/answer", json={"due": "tomorrow"}, headers=headers)
    assert bad_due.status_code == 422
    stale = client.post(f"/api/v1/questions/{qid}/answer", json={"text": "x", "version": 99}, headers=headers)
    assert stale.status_code == 409 and stale.get_json()["error"] == "stale_version"
    assert client.post(f"/api/v1/questions/{qid}/answer", json={"text": "x"}, headers=bearer("crew")).status_code == 403
    assert client.post("/api/v1/questions/999999/answer", json={"text": "x"}, headers=headers).status_code == 404
    db.session.expire_all()
    assert db.session.get(Question, qid).answer_text is None


def test_exports_are_for_people_vietnamese_headers_words_and_local_dates(client, auth, event):
    import csv
    import io

    from openpyxl import load_workbook

    site = factories.make_site(event, name="Điểm cầu Xã Nga Điền")
    qid = submit(client, event, "ex-1", "Khi nào nạo vét kênh Bến Đình?", site)
    headers = bearer()
    client.post(f"/api/v1/questions/{qid}/reject", json={"reason": "Trùng lặp"}, headers=headers)
    client.post(
        f"/api/v1/questions/{qid}/answer",
        json={"owner": "Phòng NN", "due": "2030-05-01T08:30", "text": "Tháng 6."},
        headers=headers,
    )
    question = db.session.get(Question, qid)
    db.session.refresh(question)
    local_created = question.created_at.astimezone(timezone(timedelta(hours=7))).replace(tzinfo=None)
    auth.login("moderator")

    raw = client.get(f"/events/{event.slug}/moderation/questions.csv").get_data(as_text=True).lstrip("\ufeff")
    row = next(csv.DictReader(io.StringIO(raw)))
    assert row["Trạng thái"] == "Không chọn" and row["Loại"] == "Câu hỏi" and row["Lý do không chọn"] == "Trùng lặp"
    assert row["Thời điểm gửi"] == local_created.strftime("%d/%m/%Y %H:%M")
    assert row["Hạn trả lời"] == "01/05/2030 08:30" and row["Trả lời bằng văn bản"] == "Tháng 6."

    wb = load_workbook(io.BytesIO(client.get(f"/events/{event.slug}/moderation/questions.xlsx").get_data()))
    ws = wb["Câu hỏi"]
    header = [c.value for c in ws[1]]
    cells = {header[i]: c for i, c in enumerate(ws[2])}
    assert cells["Trạng thái"].value == "Không chọn"
    assert cells["Thời điểm gửi"].is_date and abs((cells["Thời điểm gửi"].value - local_created).total_seconds()) < 1
    assert (
        cells["Hạn trả lời"].value == datetime(2030, 5, 1, 8, 30)
        and cells["Hạn trả lời"].number_format == "dd/mm/yyyy hh:mm"
    )
    assert ws.auto_filter.ref == ws.dimensions and ws.freeze_panes == "A2"
    assert ws.column_dimensions["E"].width == 60  # the question's text is wide
    summary = wb["Theo điểm cầu"]
    assert [c.value for c in summary[1]][:3] == ["Mã điểm cầu", "Điểm cầu", "Quận/huyện"]
    assert summary.auto_filter.ref == summary.dimensions
