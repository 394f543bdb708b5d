"""Exports of an event's questions for people: rows with every field (the theme's label under
"Chủ đề", column key ``theme``; the moderators' tags under "Thẻ"), CSV and XLSX with
Vietnamese column headers, statuses and kinds in words, times local (Asia/Ho_Chi_Minh; real
dates in XLSX), column widths and a filter on every column, and the per-site summary. Cells
that a spreadsheet would run as a formula are neutralised."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from server.extensions import db
from server.models.agenda import AgendaItem
from server.models.question import Question, QuestionLink, QuestionTag, QuestionTheme
from server.models.site import Site
from server.services.media import localized
from server.services.spreadsheets import safe_cell  # the one cell-safety rule for every exporter

COLUMNS = [
    "id",
    "created_at",
    "kind",
    "status",
    "text",
    "original_text",
    "author",
    "unit",
    "addressee",
    "site_code",
    "site",
    "district",
    "agenda_item",
    "theme",
    "tags",
    "sites",
    "askers",
    "merged_into",
    "reject_reason",
    "queue_position",
    "aired_at",
    "answered_at",
    "answer_owner",
    "answer_due",
    "answer_text",
    "answer_at",
    "client_id",
]
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "dd/mm/yyyy hh:mm"  # XLSX
CSV_DATE_FORMAT = "%d/%m/%Y %H:%M"
HEADERS = {
    "id": _l("Mã"),
    "created_at": _l("Thời điểm gửi"),
    "kind": _l("Loại"),
    "status": _l("Trạng thái"),
    "text": _l("Nội dung"),
    "original_text": _l("Nguyên văn của người gửi"),
    "author": _l("Người gửi"),
    "unit": _l("Đơn vị"),
    "addressee": _l("Người được hỏi"),
    "site_code": _l("Mã điểm cầu"),
    "site": _l("Điểm cầu"),
    "district": _l("Quận/huyện"),
    "agenda_item": _l("Nội dung chương trình"),
    "theme": _l("Chủ đề"),
    "tags": _l("Thẻ"),
    "sites": _l("Số điểm cầu"),
    "askers": _l("Số người hỏi"),
    "merged_into": _l("Gộp vào câu"),
    "reject_reason": _l("Lý do không chọn"),
    "queue_position": _l("Thứ tự lên sóng"),
    "aired_at": _l("Thời điểm lên sóng"),
    "answered_at": _l("Thời điểm trả lời"),
    "answer_owner": _l("Người trả lời"),
    "answer_due": _l("Hạn trả lời"),
    "answer_text": _l("Trả lời bằng văn bản"),
    "answer_at": _l("Thời điểm có trả lời"),
    "client_id": _l("Mã gửi"),
}
STATUS_WORDS = {
    "pending": _l("Chờ duyệt"),
    "approved": _l("Đã duyệt"),
    "rejected": _l("Không chọn"),
    "on_air": _l("Đang lên sóng"),
    "answered": _l("Đã trả lời"),
    "merged": _l("Đã gộp"),
}
KIND_WORDS = {"question": _l("Câu hỏi"), "opinion": _l("Ý kiến"), "proposal": _l("Hiến kế")}
WIDTHS = {
    "text": 60,
    "original_text": 40,
    "answer_text": 50,
    "reject_reason": 28,
    "site": 28,
    "agenda_item": 28,
    "unit": 24,
    "author": 22,
    "district": 20,
    "tags": 20,
    "theme": 28,
    "answer_owner": 22,
}
SUMMARY_KEYS = ("code", "name", "district", "submitted", "approved", "aired", "answered")
SUMMARY_HEADERS = (
    _l("Mã điểm cầu"),
    _l("Điểm cầu"),
    _l("Quận/huyện"),
    _l("Đã gửi"),
    _l("Được duyệt"),
    _l("Đã lên sóng"),
    _l("Đã trả lời"),
)


def rows(event):
    """Every question of the event (merged ones too) as dicts of plain values."""
    sites = {s.id: s for s in db.session.scalars(db.select(Site).where(Site.event_id == event.id))}
    items = {a.id: a.title for a in db.session.scalars(db.select(AgendaItem).where(AgendaItem.event_id == event.id))}
    themes = dict(
        db.session.execute(db.select(QuestionTheme.id, QuestionTheme.label).where(QuestionTheme.event_id == event.id))
        .tuples()
        .all()
    )
    tags, links = {}, {}
    for qid, tag in db.session.execute(
        db.select(QuestionTag.question_id, QuestionTag.tag)
        .join(Question, Question.id == QuestionTag.question_id)
        .where(Question.event_id == event.id)
    ):
        tags.setdefault(qid, []).append(tag)
    for qid, site_id in db.session.execute(
        db.select(QuestionLink.question_id, QuestionLink.site_id)
        .join(Question, Question.id == QuestionLink.question_id)
        .where(Question.event_id == event.id)
    ):
        links.setdefault(qid, []).append(site_id)
    out = []
    for q in db.session.scalars(db.select(Question).where(Question.event_id == event.id).order_by(Question.id)):
        site = sites.get(q.site_id)
        linked = links.get(q.id, [])
        out.append(
            {
                "id": q.id,
                "created_at": q.created_at,
                "kind": q.kind,
                "status": q.status,
                "text": q.text,
                "original_text": q.original_text or "",
                "author": q.author,
                "unit": q.unit,
                "addressee": q.addressee,
                "site_code": site.code if site else "",
                "site": site.name if site else "",
                "district": site.district if site else "",
                "agenda_item": items.get(q.agenda_item_id, ""),
                "theme": themes.get(q.theme_id, ""),
                "tags": ", ".join(sorted(tags.get(q.id, []))),
                "sites": len({s for s in [q.site_id, *linked] if s}),
                "askers": 1 + len(linked),
                "merged_into": q.merged_into_id or "",
                "reject_reason": q.reject_reason,
                "queue_position": q.queue_position if q.queue_position is not None else "",
                "aired_at": q.aired_at,
                "answered_at": q.answered_at,
                "answer_owner": q.answer_owner or "",
                "answer_due": q.answer_due,
                "answer_text": q.answer_text or "",
                "answer_at": q.answer_at,
                "client_id": q.client_id,
                "_site_id": q.site_id,
                "_created": q.created_at,
                "_tags": tags.get(q.id, []),
            }
        )
    return out


def local_time(value):
    """A stored UTC time as a naive local (Asia/Ho_Chi_Minh) time, as spreadsheets want it."""
    return value.astimezone(LOCAL).replace(tzinfo=None) if value else None


def human(row, column):
    """One value for people: statuses and kinds in words, times local (a ``datetime``)."""
    value = row[column]
    if column == "status":
        return str(STATUS_WORDS.get(value, value))
    if column == "kind":
        return str(KIND_WORDS.get(value, value))
    if isinstance(value, datetime):
        return local_time(value)
    return value


def _cell(value):
    return value if isinstance(value, datetime) or value is None else safe_cell(value)


def to_csv(event):
    """UTF-8 with BOM (Excel opens Vietnamese correctly), every field, formulas neutralised."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(HEADERS[c]) for c in COLUMNS])
    for row in rows(event):
        values = (human(row, c) for c in COLUMNS)
        writer.writerow([v.strftime(CSV_DATE_FORMAT) if isinstance(v, datetime) else safe_cell(v) for v in values])
    return buffer.getvalue().encode("utf-8")


def to_machine_csv(event):
    """For scripts: every field under its column key (``theme``, ``tags``, ``status``…), codes as
    stored, times ISO 8601 in UTC, plain UTF-8; formulas neutralised all the same."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows(event):
        values = (row[c] for c in COLUMNS)
        writer.writerow([v.isoformat() if isinstance(v, datetime) else safe_cell(v) for v in values])
    return buffer.getvalue().encode("utf-8")


def _dress(ws, widths):
    """Bold headers, frozen, a filter on every column, widths and wrapped long text."""
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
        if width >= 40:
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def to_xlsx(event):
    """The questions workbook: the cells are computed here (cheap), the workbook is built in the
    media worker (openpyxl takes seconds for a few thousand questions: it would stall the hub)."""
    table = [[_cell(human(row, c)) for c in COLUMNS] for row in rows(event)]
    summary = [[safe_cell(line[k]) for k in SUMMARY_KEYS] for line in site_summary(event)]
    sheets = {
        "questions": (str(_l("Câu hỏi")), [str(HEADERS[c]) for c in COLUMNS], table),
        "summary": (str(_l("Theo điểm cầu")), [str(h) for h in SUMMARY_HEADERS], summary),
    }
    return localized.render(render_xlsx, sheets, [WIDTHS.get(c, max(12, len(str(HEADERS[c])) + 2)) for c in COLUMNS])


def render_xlsx(sheets, widths):
    """The workbook's bytes from ``to_xlsx``'s cells (pure: runs in the media worker)."""
    wb = Workbook()
    ws = wb.active
    ws.title, headers, table = sheets["questions"]
    ws.append(headers)
    for line in table:
        ws.append(line)
    for line in ws.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, datetime):
                cell.number_format = DATE_FORMAT
            elif isinstance(cell.value, str):
                cell.data_type = TYPE_STRING  # never a formula, whatever the text
    _dress(ws, widths)
    title, headers, table = sheets["summary"]
    summary = wb.create_sheet(title)
    summary.append(headers)
    for line in table:
        summary.append(line)
    _dress(summary, [14, 32, 22, 10, 12, 12, 12])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


APPROVED_OR_LATER = ("approved", "on_air", "answered")


def site_summary(event):
    """Per site: submitted, approved (or later), aired, answered — counting merged askers' sites."""
    counts = {}
    for q in db.session.scalars(db.select(Question).where(Question.event_id == event.id)):
        if q.site_id is None:
            continue
        c = counts.setdefault(q.site_id, {"submitted": 0, "approved": 0, "aired": 0, "answered": 0})
        c["submitted"] += 1
        outcome = q
        if q.status == "merged" and q.merged_into_id:
            outcome = db.session.get(Question, q.merged_into_id) or q
        if outcome.status in APPROVED_OR_LATER:
            c["approved"] += 1
        if outcome.aired_at is not None:
            c["aired"] += 1
        if outcome.status == "answered":
            c["answered"] += 1
    out = []
    for site in db.session.scalars(db.select(Site).where(Site.event_id == event.id).order_by(Site.district, Site.code)):
        c = counts.get(site.id, {"submitted": 0, "approved": 0, "aired": 0, "answered": 0})
        out.append({"id": site.id, "code": site.code, "name": site.name, "district": site.district, **c})
    return out
