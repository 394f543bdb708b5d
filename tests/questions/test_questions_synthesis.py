"""The synthesis for the drafting team (PDF and DOCX under /api/v1, by theme) and the fixes to the
questions report PDF: same-name sites kept apart by code, no chart silently cut, themes as topics."""

import io
import os
import zipfile
from datetime import UTC, datetime

import docx
import fitz

from server.services.accounts import users as accounts
from server.services.questions import synthesis_pdf
from tests.support import synthesis_data as sd
from tests.support.browser import SCREENSHOTS


def bearer(role):
    return {"Authorization": f"Bearer {accounts.create_token(role, 'synthesis test')[1]}"}


def pdf_text(body, sort=False):
    """The words of every page (``sort``: top to bottom, so a chart's title comes before its bars;
    table cells that wrap then interleave, so only for charts)."""
    pages = fitz.open(stream=body, filetype="pdf")
    return " ".join("".join(page.get_text(sort=sort) for page in pages).split())


def between(text, start, end):
    """The text of one chart: from its title to the next chart's."""
    return text[text.index(start) : text.index(end, text.index(start))]


def test_synthesis_pdf_groups_by_theme_with_counts_quotes_and_outcomes(client, event):
    sd.crafted(event)
    response = client.get(f"/api/v1/events/{event.slug}/synthesis.pdf", headers=bearer("moderator"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = pdf_text(response.get_data())
    with fitz.open(stream=response.get_data(), filetype="pdf") as pdf:  # the README's picture of it
        pdf[0].get_pixmap(dpi=80).save(os.path.join(SCREENSHOTS, "synthesis-pdf.png"))
    # themes in order (most items, then name), the unthemed group last, each with its counts:
    # roads = the proposal (HT-01) + the question asked by AQ-01 with AQ-02 and AQ-03 merged in
    roads = "1. Giao thông nông thôn 2 mục (1 hiến kế, 1 câu hỏi) · 4 điểm cầu · 4 tỉnh/thành"
    health = "2. Y tế cơ sở 2 mục (1 ý kiến, 1 câu hỏi) · 2 điểm cầu · 2 tỉnh/thành"
    unthemed = "3. Chưa xếp chủ đề 2 mục (2 câu hỏi) · 1 điểm cầu · 1 tỉnh/thành"
    assert roads in text and health in text and unthemed in text
    assert text.index(roads) < text.index(health) < text.index(unthemed)
    # the representative quote of roads is the one asked by three sites, named with their codes
    quote = "“Khi nào làm đường liên xã An Quang?” — 3 điểm cầu · Xã An Quang (AQ-01); Xã An Quang (AQ-02); Xã An Quang (AQ-03)"
    assert quote in text
    assert text.index(quote) < text.index("“Hiến kế: làm đường liên xã")
    # outcomes in words
    assert "Đã trả lời bằng văn bản (người trả lời: Sở Giao thông vận tải)" in text
    assert "Quá hạn trả lời (người trả lời: Sở Xây dựng; hạn" in text
    assert "Không chọn (Ngoài phạm vi hội nghị)" in text
    assert "Đã lên sóng" in text and "Chờ duyệt" in text
    # charts: every group shown and said so; same-name sites apart, by code
    assert "Theo chủ đề (tất cả 3)" in text and "Theo tỉnh/thành (tất cả 4)" in text
    assert "Theo điểm cầu (tất cả 4)" in text
    chart = between(pdf_text(response.get_data(), sort=True), "Theo điểm cầu (", "Theo kết quả (")
    for code in ("AQ-01", "AQ-02", "AQ-03"):
        assert f"Xã An Quang ({code})" in chart, code
    assert "<script>alert(1)</script>" in text  # user text shown as text, not taken as markup


def test_synthesis_charts_say_top_n_of_m_when_cut(client, event):
    theme = sd.make_theme(event, "Nước sạch")
    for n in range(25):
        site = sd.make_site(event, f"NS-{n:02d}", f"Xã Nước {n}", f"Tỉnh {n % 22:02d}")
        sd.make_question(event, f"Câu hỏi số {n} về nước sạch", site, theme=theme)
    text = pdf_text(client.get(f"/api/v1/events/{event.slug}/synthesis.pdf", headers=bearer("admin")).get_data())
    assert "Theo điểm cầu (15 nhiều nhất trong 25)" in text
    assert "Theo tỉnh/thành (20 nhiều nhất trong 22)" in text
    assert "Theo chủ đề (tất cả 1)" in text
    assert "1. Nước sạch 25 mục (25 câu hỏi) · 25 điểm cầu · 22 tỉnh/thành" in text


def test_synthesis_times_are_vietnam_time(app, event):
    data = sd.crafted(event)
    q1 = data["questions"]["q1"]
    q1.answer_due = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
    text = pdf_text(synthesis_pdf.build_pdf(event, now=datetime(2026, 11, 30, 23, 30, tzinfo=UTC)))
    assert "Lập lúc 06:30 01/12/2026 (giờ Việt Nam)" in text
    assert "hạn 03:00 01/12/2026" in text


def test_synthesis_docx_has_headings_counts_quotes_and_outcomes(client, event):
    sd.crafted(event)
    response = client.get(f"/api/v1/events/{event.slug}/synthesis.docx", headers=bearer("moderator"))
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    document = docx.Document(io.BytesIO(response.get_data()))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Tổng quan", "Các chủ đề", "1. Giao thông nông thôn", "2. Y tế cơ sở", "3. Chưa xếp chủ đề"]
    paragraphs = [p.text for p in document.paragraphs]
    assert "2 mục (1 hiến kế, 1 câu hỏi) · 4 điểm cầu · 4 tỉnh/thành" in paragraphs
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert quotes[0].startswith("“Khi nào làm đường liên xã An Quang?” — 3 điểm cầu · Xã An Quang (AQ-01);")
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Đã trả lời bằng văn bản (người trả lời: Sở Giao thông vận tải)" in cells
    assert "Không chọn (Ngoài phạm vi hội nghị)" in cells
    assert any(c.startswith("Quá hạn trả lời (người trả lời: Sở Xây dựng") for c in cells)
    themes = document.tables[1]  # the themes at a glance: label, items, sites, provinces, done
    assert [c.text for c in themes.rows[1].cells] == ["Giao thông nông thôn", "2", "4", "4", "1"]
    overview = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows[1:]}
    assert overview["Tổng số hiến kế, ý kiến, câu hỏi"] == "6" and overview["Số điểm cầu đã gửi"] == "4"
    assert len(document.inline_shapes) == 2  # the theme and province charts
    # user text is inert: stored as text (escaped XML), no field codes anywhere
    assert sd.DANGER in cells
    xml = zipfile.ZipFile(io.BytesIO(response.get_data())).read("word/document.xml").decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in xml and "<script>" not in xml
    assert "instrText" not in xml and "fldSimple" not in xml


def test_synthesis_and_accountability_refuse_crew_and_anonymous(app, client, auth, event):
    paths = [f"/api/v1/events/{event.slug}/{name}" for name in ("synthesis.pdf", "synthesis.docx", "accountability")]
    paths.append(f"/api/v1/events/{event.slug}/accountability.xlsx")
    for path in paths:
        assert client.get(path).status_code == 401, path
        refused = client.get(path, headers=bearer("crew"))
        assert refused.status_code == 403 and refused.get_json()["error"] == "forbidden", path
        assert client.get(path, headers=bearer("moderator")).status_code == 200, path
    auth.login("crew")
    assert client.get(f"/events/{event.slug}/moderation/accountability").status_code == 403
    assert client.get(paths[0]).status_code == 403  # a crew session is refused too


def test_report_pdf_keeps_same_name_sites_apart_says_top_n_and_uses_themes(client, auth, event):
    data = sd.crafted(event)
    for n in range(22):  # 22 districts with one question each: more than a chart shows
        site = sd.make_site(event, f"HU-{n:02d}", f"Xã Huyện {n}", "Tỉnh Thanh Hóa")
        site.district = f"Huyện Số {n:02d}"
        sd.make_question(event, f"Câu hỏi của huyện {n}", site, theme=data["themes"]["health"])
    auth.login("moderator")
    response = client.get(f"/events/{event.slug}/moderation/report.pdf")
    assert response.status_code == 200
    text = pdf_text(response.get_data())
    chart = between(pdf_text(response.get_data(), sort=True), "Theo điểm cầu (", "Theo tỉnh/thành (")
    for code in ("AQ-01", "AQ-02", "AQ-03"):  # each its own bar: three sites, one name
        assert f"Xã An Quang ({code})" in chart, code
    assert "Theo điểm cầu (15 nhiều nhất trong 27)" in text  # 4 crafted sites + the public portal + 22
    assert "Theo huyện (20 nhiều nhất trong 26)" in text  # 22 districts + "unknown" in each crafted province
    assert "Theo tỉnh/thành (tất cả 4)" in text
    assert "Theo chủ đề (tất cả 3)" in text and "Giao thông nông thôn" in text
    assert "Chưa gắn chủ đề" not in text
