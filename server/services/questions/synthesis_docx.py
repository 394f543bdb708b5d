"""The synthesis as a Word document the drafting team edits: real headings (one per theme),
tables for the counts and the items with their outcome, the representative quotes in the
"Quote" style, and the charts of the PDF as pictures (drawn by reportlab, rasterised by PyMuPDF).
User text only ever goes into runs as text (escaped: python-docx for paragraphs, ``escape`` for
the table rows written as XML); characters XML cannot hold are dropped first. The layout
(``render_docx``) runs in the media worker, as the PDF's does.
"""

import io
import re
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt
from flask_babel import gettext as _
from reportlab.graphics import renderPDF

from server.services.fonts import vietnamese_font
from server.services.media import localized
from server.services.questions import synthesis
from server.services.questions.charts import bar_chart
from server.services.questions.export import KIND_WORDS
from server.services.questions.outcomes import OUTCOME_WORDS, OUTCOMES
from server.services.questions.synthesis_pdf import generated_at, quote_source, sites_text, theme_line

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FONT = "Times New Roman"  # Word's usual Vietnamese body font
TWIPS_PER_CM = 567


def inert(text):
    """Text python-docx can store: XML-illegal characters removed (it escapes the rest)."""
    return _NOT_XML.sub("", str(text))


def _picture(doc, drawing):
    """A reportlab drawing as a PNG picture (through a one-page PDF)."""
    import fitz  # PyMuPDF, in the media worker (render_docx runs there)

    page = fitz.open(stream=renderPDF.drawToString(drawing), filetype="pdf")[0]
    png = page.get_pixmap(dpi=150).tobytes("png")
    doc.add_picture(io.BytesIO(png), width=Cm(16))


def _row_xml(values, widths):
    """One table row as WordprocessingML: every value a text run (escaped), widths in twips."""
    cells = []
    for value, width in zip(values, widths):
        lines = inert(value).split("\n")
        runs = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in lines)
        cells.append(
            f'<w:tc><w:tcPr><w:tcW w:w="{int(width * TWIPS_PER_CM)}" w:type="dxa"/></w:tcPr>'
            f"<w:p><w:r>{runs}</w:r></w:p></w:tc>"
        )
    return f"<w:tr {nsdecls('w')}>{''.join(cells)}</w:tr>"


def _table(doc, header, rows, widths):
    """A "Table Grid" table with a bold header row; the body rows are written as XML directly
    (python-docx's row API takes half a minute for 5,000 items)."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text, width in zip(table.rows[0].cells, header, widths):
        cell.text = ""
        cell.paragraphs[0].add_run(inert(text)).bold = True
        cell.width = Cm(width)
    for column, width in zip(table.columns, widths):
        column.width = Cm(width)
    for values in rows:
        table._tbl.append(parse_xml(_row_xml(values, widths)))
    return table


def _theme(doc, number, group):
    doc.add_heading(inert(f"{number}. {group['label']}"), level=1)
    doc.add_paragraph(inert(theme_line(group)))
    if group["terms"]:
        doc.add_paragraph(inert(_("Từ khoá: %(terms)s", terms=group["terms"])))
    doc.add_heading(_("Ý kiến tiêu biểu"), level=2)
    for item in group["quotes"]:
        quote = doc.add_paragraph(style="Quote")
        quote.add_run(inert(f"“{item['text']}”"))
        who = quote_source(item)
        quote.add_run(inert(f" — {who}")).italic = True
    doc.add_heading(_("Danh sách và kết quả"), level=2)
    _table(
        doc,
        [_("Số"), _("Loại"), _("Nội dung"), _("Điểm cầu gửi"), _("Kết quả")],
        [
            [
                str(i["id"]),
                str(KIND_WORDS.get(i["kind"], i["kind"])),
                i["text"],
                sites_text(i),
                i["outcome_text"],
            ]
            for i in group["items"]
        ],
        [1.2, 1.8, 7.5, 3.5, 3.5],
    )


def build_docx(event, now=None):
    """The synthesis as a Word document: gathered here, laid out in the media worker."""
    return localized.render(render_docx, synthesis.gather(event, now), event.name)


def render_docx(data, event_name):
    """The DOCX's bytes from ``synthesis.gather``'s data (pure: runs in the media worker)."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    doc.core_properties.title = _("Tổng hợp hiến kế, ý kiến, câu hỏi")
    doc.core_properties.author = "Bridgecast"
    doc.add_heading(_("Tổng hợp hiến kế, ý kiến, câu hỏi"), level=0)
    doc.add_paragraph(inert(event_name))
    doc.add_paragraph(generated_at(data))
    doc.add_heading(_("Tổng quan"), level=1)
    _table(
        doc,
        [_("Chỉ tiêu"), _("Số lượng")],
        [
            [_("Tổng số hiến kế, ý kiến, câu hỏi"), data["total"]],
            *[[str(KIND_WORDS[k]), data["kinds"].get(k, 0)] for k in synthesis.KIND_ORDER],
            [_("Số điểm cầu đã gửi"), data["sites"]],
            [_("Số tỉnh/thành đã gửi"), data["provinces"]],
            [_("Gửi qua cổng công khai"), data["public"]],
            [_("Số chủ đề"), data["theme_count"]],
            *[[str(OUTCOME_WORDS[o]), data["outcomes"].get(o, 0)] for o in OUTCOMES],
        ],
        [10, 4],
    )
    font = vietnamese_font()
    _picture(doc, bar_chart(_("Theo chủ đề"), [(g["label"], g["count"]) for g in data["themes"]], font, limit=20))
    _picture(doc, bar_chart(_("Theo tỉnh/thành"), data["by_province"], font, limit=20))
    doc.add_heading(_("Các chủ đề"), level=1)
    _table(
        doc,
        [_("Chủ đề"), _("Số mục"), _("Điểm cầu"), _("Tỉnh/thành"), _("Đã trả lời / lên sóng")],
        [
            [
                g["label"],
                g["count"],
                g["sites"],
                g["provinces"],
                g["outcomes"].get("written", 0) + g["outcomes"].get("aired", 0),
            ]
            for g in data["themes"]
        ],
        [7, 2, 2, 2, 3.5],
    )
    for number, group in enumerate(data["themes"], start=1):
        _theme(doc, number, group)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
