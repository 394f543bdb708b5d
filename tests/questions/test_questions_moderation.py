"""Moderation over the /moderation socket: claims and stale edits between two moderators,
merges, the queue, on air reaching the overlay, statuses reaching the asker, exports."""

import csv
import io

import fitz
from openpyxl import load_workbook

from server.extensions import db
from server.models.question import Question, QuestionAudit
from server.services.overlays import native_text as overlay_text
from tests.support import factories
from tests.support.questions_api import submit

DANGER = "<script>alert(1)</script> =cmd|' /C calc'!A0"
FORMULA = "=cmd|' /C calc'!A0 <script>alert(2)</script>"


def events_named(messages, name):
    return [m["args"][0] for m in messages if m["name"] == name]


def test_new_question_reaches_moderators_compactly(client, socket_client, event):
    mod = socket_client("/moderation", role="moderator")
    mod.get_received("/moderation")
    site = factories.make_site(event, name="Điểm cầu Xã Hoằng Phụ")
    qid = submit(client, event, "n1", "Hỏi về đường", site)
    news = events_named(mod.get_received("/moderation"), "question_new")
    assert len(news) == 1 and news[0]["id"] == qid
    assert news[0]["site"]["name"] == "Điểm cầu Xã Hoằng Phụ" and news[0]["status"] == "pending"
    # built from what was written, without reloading: the same as the moderator's list gives
    from server.services.questions.submission import compact_one

    db.session.expire_all()
    assert news[0] == compact_one(db.session.get(Question, qid))


def test_anonymous_and_crew_cannot_moderate(client, socket_client, event):
    qid = submit(client, event, "x1", "Câu hỏi")
    crew_refused = socket_client("/moderation", role="crew")
    assert not crew_refused.is_connected("/moderation")
    anon = socket_client("/moderation")
    assert not anon.is_connected("/moderation")
    assert db.session.get(Question, qid).status == "pending"


def test_claim_and_optimistic_locking_between_two_moderators(client, socket_client, event):
    qid = submit(client, event, "c1", "Khi nào sửa trường học?")
    one = socket_client("/moderation", role="moderator")
    two = socket_client("/moderation", role="moderator")
    opened = two.emit("open_question", {"id": qid}, namespace="/moderation", callback=True)
    seen_version = opened["question"]["version"]

    ack = one.emit("claim", {"id": qid}, namespace="/moderation", callback=True)
    assert ack["ok"] and ack["question"]["claimed_by"]
    refused = two.emit("approve", {"id": qid, "version": seen_version}, namespace="/moderation", callback=True)
    assert refused["ok"] is False and refused["error"] == "claimed"
    assert "người điều phối khác" in refused["message"]

    edited = one.emit(
        "edit",
        {"id": qid, "version": seen_version, "text": "Khi nào xây lại trường học?"},
        namespace="/moderation",
        callback=True,
    )
    assert edited["ok"] and edited["question"]["version"] == seen_version + 1
    one.emit("release", {"id": qid}, namespace="/moderation", callback=True)
    stale = two.emit(
        "edit", {"id": qid, "version": seen_version, "text": "Bản sửa cũ"}, namespace="/moderation", callback=True
    )
    assert stale["ok"] is False and stale["error"] == "stale_version"
    assert "thay đổi" in stale["message"] and stale["current"]["text"] == "Khi nào xây lại trường học?"
    q = db.session.get(Question, qid)
    db.session.refresh(q)
    assert q.text == "Khi nào xây lại trường học?" and q.original_text == "Khi nào sửa trường học?"
    actions = [
        a.action
        for a in db.session.scalars(db.select(QuestionAudit).filter_by(question_id=qid).order_by(QuestionAudit.id))
    ]
    assert actions == ["claim", "edit", "release"]


def test_similar_suggestions_and_merge_keep_every_site(client, socket_client, event):
    a, b, c = (factories.make_site(event, district=d) for d in ("Huyện Nga Sơn", "Huyện Hậu Lộc", "Huyện Nga Sơn"))
    target = submit(client, event, "m1", "Khi nào đường liên xã Hoằng Phụ được sửa chữa?", a, author="Lê Văn Tám")
    dup1 = submit(client, event, "m2", "khi nao duong lien xa hoang phu duoc sua chua", b, author="Trần Thị Hoa")
    dup2 = submit(client, event, "m3", "Đường liên xã Hoằng Phụ bao giờ được sửa chữa?", c)
    other = submit(client, event, "m4", "Đề nghị tăng phụ cấp cho cán bộ Mặt trận thôn")
    mod = socket_client("/moderation", role="moderator")
    opened = mod.emit("open_question", {"id": target}, namespace="/moderation", callback=True)
    suggested = [s["id"] for s in opened["similar"]]
    assert dup1 in suggested and dup2 in suggested and other not in suggested
    ack = mod.emit(
        "merge_questions", {"target_id": target, "source_ids": [dup1, dup2]}, namespace="/moderation", callback=True
    )
    assert ack["ok"] and ack["question"]["sites"] == 3 and ack["question"]["askers"] == 3
    detail = mod.emit("open_question", {"id": target}, namespace="/moderation", callback=True)
    assert {link["author"] for link in detail["links"]} == {"Trần Thị Hoa", ""}
    db.session.expire_all()
    assert db.session.get(Question, dup1).status == "merged" and db.session.get(Question, dup1).merged_into_id == target
    # merged questions leave the default list and cannot be merged again
    listing = mod.emit("list_questions", {"status": "pending"}, namespace="/moderation", callback=True)
    assert {q["id"] for q in listing["items"]} == {target, other}
    again = mod.emit(
        "merge_questions", {"target_id": other, "source_ids": [dup1]}, namespace="/moderation", callback=True
    )
    assert again["ok"] is False and again["error"] == "invalid_transition"


def test_search_with_nfc_and_nfd_over_the_socket(client, socket_client, event):
    import unicodedata

    hit = submit(client, event, "s1", "Ông Nguyễn Văn Đức hỏi về đê biển")
    submit(client, event, "s2", "Hỏi về giá phân bón")
    mod = socket_client("/moderation", role="moderator")
    for query in ("nguyen van duc", unicodedata.normalize("NFD", "Nguyễn Văn Đức"), "ĐÊ BIỂN"):
        ack = mod.emit("list_questions", {"q": query, "status": "all"}, namespace="/moderation", callback=True)
        assert [q["id"] for q in ack["items"]] == [hit], query


def test_status_reaches_the_askers_socket_and_on_air_reaches_the_overlay(client, socket_client, event):
    pushed = []
    sink = overlay_text.register_sink(lambda slug, source, text: pushed.append((slug, source, text)) or True)
    try:
        qid = submit(client, event, "ask-1", DANGER, author="Bà Hoa")
        phone = socket_client("/public")
        ack = phone.emit("follow_questions", {"client_ids": ["ask-1"]}, namespace="/public", callback=True)
        assert ack["statuses"][0]["status"] == "sent"
        overlay = socket_client("/overlay")
        first = events_named(overlay.get_received("/overlay"), "question_on_air")
        assert first == [{"question": None}]
        mod = socket_client("/moderation", role="moderator")
        mod.emit("claim", {"id": qid}, namespace="/moderation", callback=True)
        assert [s["status"] for s in events_named(phone.get_received("/public"), "question_status")] == ["reviewing"]
        mod.emit("approve", {"id": qid}, namespace="/moderation", callback=True)
        on_air = mod.emit("on_air", {"id": qid}, namespace="/moderation", callback=True)
        assert on_air["ok"], on_air
        statuses = [s["status"] for s in events_named(phone.get_received("/public"), "question_status")]
        assert statuses == ["approved", "on_air"]
        shown = events_named(overlay.get_received("/overlay"), "question_on_air")
        assert shown[-1]["question"]["text"] == DANGER and shown[-1]["question"]["author"] == "Bà Hoa"
        assert pushed[-1] == (event.slug, "BC Question", f"{DANGER}\nBà Hoa")
        mod.emit("answered", {"id": qid}, namespace="/moderation", callback=True)
        assert events_named(overlay.get_received("/overlay"), "question_on_air")[-1] == {"question": None}
        assert events_named(phone.get_received("/public"), "question_status")[-1]["status"] == "answered"
        assert pushed[-1][2] == ""
        # a newcomer overlay gets nothing on air; a rejected asker gets the reason
        other = submit(client, event, "ask-2", "Câu khác")
        phone.emit("follow_questions", {"client_ids": ["ask-2"]}, namespace="/public", callback=True)
        mod.emit("reject", {"id": other, "reason": "Ngoài chủ đề"}, namespace="/moderation", callback=True)
        last = events_named(phone.get_received("/public"), "question_status")[-1]
        assert last == {
            "client_id": "ask-2",
            "id": other,
            "status": "not_selected",
            "reason": "Ngoài chủ đề",
            "answer": None,
        }
    finally:
        overlay_text.unregister_sink(sink)


def test_queue_order_and_one_question_on_air_at_a_time(client, socket_client, event):
    ids = [submit(client, event, f"q{i}", f"Câu hỏi số {i}") for i in range(3)]
    mod = socket_client("/moderation", role="moderator")
    for qid in ids:
        mod.emit("approve", {"id": qid}, namespace="/moderation", callback=True)
    ack = mod.emit("reorder_queue", {"ids": [ids[2], ids[0], ids[1]]}, namespace="/moderation", callback=True)
    assert ack["ids"] == [ids[2], ids[0], ids[1]]
    queue = mod.emit("get_queue", {}, namespace="/moderation", callback=True)
    assert [q["id"] for q in queue["items"]] == [ids[2], ids[0], ids[1]]
    mod.emit("on_air", {"id": ids[2]}, namespace="/moderation", callback=True)
    mod.emit("on_air", {"id": ids[0]}, namespace="/moderation", callback=True)
    db.session.expire_all()
    assert [db.session.get(Question, i).status for i in ids] == ["on_air", "approved", "approved"]
    off = mod.emit("off_air", {"id": ids[0]}, namespace="/moderation", callback=True)
    assert off["question"]["status"] == "approved"


def test_presence_lists_connected_moderators(socket_client, event):
    one = socket_client("/moderation", role="moderator")
    socket_client("/moderation", role="moderator")
    lists = events_named(one.get_received("/moderation"), "presence")
    assert len(lists[-1]["moderators"]) == 2


def test_exports_are_inert_and_complete(client, auth, event):
    site = factories.make_site(event, name="Điểm cầu Xã Quảng Nham", district="Huyện Quảng Xương")
    qid = submit(client, event, "e1", DANGER, site, author='=HYPERLINK("http://x")', unit="+SUM(A1)")
    submit(client, event, "e2", "Nguyễn Văn Đức hỏi về đê biển")
    formula = submit(client, event, "e3", FORMULA)
    auth.login("moderator")
    raw = client.get(f"/events/{event.slug}/moderation/questions.csv")
    assert raw.status_code == 200 and raw.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(raw.get_data(as_text=True).lstrip("\ufeff"))))
    first = next(r for r in rows if r["Mã"] == str(qid))
    assert first["Nội dung"] == DANGER
    assert next(r for r in rows if r["Mã"] == str(formula))["Nội dung"] == "'" + FORMULA
    assert first["Người gửi"].startswith("'=") and first["Đơn vị"].startswith("'+")
    assert first["Điểm cầu"] == "Điểm cầu Xã Quảng Nham" and first["Quận/huyện"] == "Huyện Quảng Xương"
    assert any(r["Nội dung"] == "Nguyễn Văn Đức hỏi về đê biển" for r in rows)

    xlsx = client.get(f"/events/{event.slug}/moderation/questions.xlsx")
    wb = load_workbook(io.BytesIO(xlsx.get_data()))
    ws = wb["Câu hỏi"]
    header = [c.value for c in ws[1]]
    cells = {header[i]: c for i, c in enumerate(ws[2])}
    assert cells["Nội dung"].value == DANGER and cells["Nội dung"].data_type == "s"
    assert cells["Người gửi"].value == '\'=HYPERLINK("http://x")' and cells["Người gửi"].data_type == "s"
    formula_row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == formula)
    assert formula_row[header.index("Nội dung")].value == "'" + FORMULA
    assert all(not (isinstance(c.value, str) and c.value.startswith("=")) for row in ws.iter_rows() for c in row)
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert wb["Theo điểm cầu"].max_row >= 2

    pdf = client.get(f"/events/{event.slug}/moderation/report.pdf")
    assert pdf.mimetype == "application/pdf"
    text = "".join(page.get_text() for page in fitz.open(stream=pdf.get_data(), filetype="pdf"))
    assert "Nguyễn Văn Đức hỏi về đê biển" in text
    assert "<script>alert(1)</script>" in text  # shown as text, not interpreted as markup
    assert "Theo huyện" in text and "Huyện Quảng Xương" in text


def test_site_summary_counts(client, auth, socket_client, event):
    site = factories.make_site(event, name="Điểm cầu Xã Nga Thạch")
    a = submit(client, event, "p1", "Một", site)
    submit(client, event, "p2", "Hai", site)
    mod = socket_client("/moderation", role="moderator")
    mod.emit("approve", {"id": a}, namespace="/moderation", callback=True)
    mod.emit("on_air", {"id": a}, namespace="/moderation", callback=True)
    from server.services.questions.export import site_summary

    row = next(r for r in site_summary(event) if r["id"] == site.id)
    assert (row["submitted"], row["approved"], row["aired"], row["answered"]) == (2, 1, 1, 0)


def test_on_air_cuts_obs_to_the_configured_scene_and_survives_a_failing_obs(app, client, event):
    from server.services.agenda import cues
    from server.services.questions import moderation as mod
    from tests.support.agenda import RecordingRunner

    actor = mod.Actor(label="test")
    runner = cues.register_cue_runner(RecordingRunner())
    try:
        first, second = submit(client, event, "air-1", "Câu một"), submit(client, event, "air-2", "Câu hai")
        for qid in (first, second):
            mod.approve(event.slug, actor, qid)
        mod.on_air(event.slug, actor, first)
        assert [c for c in runner.calls if c[0] == "scene"] == []  # no scene configured: no cut
        app.config["QUESTIONS_ON_AIR_SCENE"] = "Q&A"
        mod.on_air(event.slug, actor, second)
        assert [c for c in runner.calls if c[0] == "scene"] == [("scene", event.slug, "Q&A")]
        runner.fail_on = "scene"  # OBS down: the question is on air all the same
        assert mod.on_air(event.slug, actor, first).status == "on_air"
    finally:
        cues.unregister_cue_runner(runner)
        app.config["QUESTIONS_ON_AIR_SCENE"] = ""
