"""The as-run log for people: CSV and XLSX with Vietnamese headers and local times
(Asia/Ho_Chi_Minh; real dates in XLSX), and a PDF (reportlab, a font with Vietnamese glyphs).
Every text cell goes through ``spreadsheets.safe_cell``; PDF text is escaped before reportlab's
paragraph markup sees it."""

import csv
import io
from datetime import datetime
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from server.services.fonts import vietnamese_font
from server.services.spreadsheets import safe_cell

from . import asrun

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
XLSX_DATE = "dd/mm/yyyy hh:mm:ss"
CSV_DATE = "%d/%m/%Y %H:%M:%S"
COLUMNS = ("at", "kind", "title", "planned_start", "planned_end", "deviation_min", "actor", "detail")
HEADERS = {
    "at": _l("Thời điểm"),
    "kind": _l("Sự kiện"),
    "title": _l("Nội dung chương trình"),
    "planned_start": _l("Dự kiến bắt đầu"),
    "planned_end": _l("Dự kiến kết thúc"),
    "deviation_min": _l("Lệch so với dự kiến (phút)"),
    "actor": _l("Người thực hiện"),
    "detail": _l("Chi tiết"),
}
WIDTHS = {"at": 20, "kind": 26, "title": 40, "planned_start": 18, "planned_end": 18, "detail": 40, "actor": 20}


def local_time(value):
    """A stored UTC time as a naive local time (what spreadsheets want)."""
    return value.astimezone(LOCAL).replace(tzinfo=None) if value else None


def rows(event):
    """The log for people: kinds in words, local times, deviation in minutes (late > 0)."""
    out = []
    for entry in asrun.entries(event):
        deviation = asrun.deviation_s(entry)
        out.append(
            {
                "at": local_time(entry.at),
                "kind": str(asrun.KINDS.get(entry.kind, entry.kind)),
                "title": entry.title,
                "planned_start": local_time(entry.planned_start),
                "planned_end": local_time(entry.planned_end),
                "deviation_min": round(deviation / 60, 1) if deviation is not None else None,
                "actor": entry.actor,
                "detail": entry.detail,
            }
        )
    return out


def to_csv(event):
    """UTF-8 with BOM (Excel opens Vietnamese correctly), formulas neutralised."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(HEADERS[c]) for c in COLUMNS])
    for row in rows(event):
        writer.writerow(
            [row[c].strftime(CSV_DATE) if isinstance(row[c], datetime) else safe_cell(row[c]) for c in COLUMNS]
        )
    return buffer.getvalue().encode("utf-8")


def to_xlsx(event):
    wb = Workbook()
    ws = wb.active
    ws.title = str(_l("Nhật ký phát sóng"))
    ws.append([str(HEADERS[c]) for c in COLUMNS])
    for row in rows(event):
        ws.append([row[c] if isinstance(row[c], datetime) or row[c] is None else safe_cell(row[c]) for c in COLUMNS])
    for line in ws.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, datetime):
                cell.number_format = XLSX_DATE
            elif isinstance(cell.value, str):
                cell.data_type = TYPE_STRING  # never a formula, whatever the text
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for index, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = WIDTHS.get(column, 14)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _pdf_time(value):
    return value.strftime("%d/%m %H:%M:%S") if value else ""


def to_pdf(event):
    font, bold = vietnamese_font(), vietnamese_font(bold=True)
    cell = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5)
    head = ParagraphStyle("head", fontName=bold, fontSize=7.5, leading=9.5)
    title = ParagraphStyle("title", fontName=bold, fontSize=14, leading=18, spaceAfter=6)
    story = [Paragraph(escape(_("Nhật ký phát sóng") + " — " + event.name), title)]
    data = [[Paragraph(escape(str(HEADERS[c])), head) for c in COLUMNS]]
    for row in rows(event):
        values = [
            _pdf_time(row["at"]),
            row["kind"],
            row["title"],
            _pdf_time(row["planned_start"]),
            _pdf_time(row["planned_end"]),
            "" if row["deviation_min"] is None else f"{row['deviation_min']:+.1f}",
            row["actor"],
            row["detail"],
        ]
        data.append([Paragraph(escape(str(v)), cell) for v in values])
    widths = [24, 32, 55, 22, 22, 18, 28, 66]
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    out = io.BytesIO()
    SimpleDocTemplate(
        out, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm, topMargin=12 * mm, bottomMargin=12 * mm
    ).build(story)
    return out.getvalue()
