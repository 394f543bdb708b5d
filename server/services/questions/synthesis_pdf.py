"""The synthesis as a PDF for the drafting team: totals, charts (by theme, province, site and
outcome, value on every bar, "top N of M" when cut), the themes at a glance, then per theme its
counts, representative quotes and every item with its outcome. User text is escaped before
reportlab's paragraph markup sees it; times are Asia/Ho_Chi_Minh. The layout (``render_pdf``) runs in
the media worker (``server/services/media/localized.py``): seconds of CPU off the server's hub."""

import io
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from server.services.fonts import vietnamese_font
from server.services.media import localized
from server.services.questions import synthesis
from server.services.questions.charts import bar_chart
from server.services.questions.export import KIND_WORDS, local_time
from server.services.questions.outcomes import OUTCOME_WORDS, OUTCOMES

SITES_SHOWN = 3


def kinds_text(kinds):
    """'2 hiến kế, 1 ý kiến, 4 câu hỏi' (the kinds present, proposals first)."""
    return ", ".join(f"{kinds[k]} {str(KIND_WORDS[k]).lower()}" for k in synthesis.KIND_ORDER if kinds.get(k)) or _(
        "không có"
    )


def theme_line(group):
    return _(
        "%(count)d mục (%(kinds)s) · %(sites)d điểm cầu · %(provinces)d tỉnh/thành",
        count=group["count"],
        kinds=kinds_text(group["kinds"]),
        sites=group["sites"],
        provinces=group["provinces"],
    )


def sites_text(item, shown=SITES_SHOWN):
    """Who asked: up to ``shown`` sites by name and code, then how many more."""
    names = item["sites"][:shown]
    more = len(item["sites"]) - len(names)
    if more:
        names.append(_("và %(n)d điểm cầu khác", n=more))
    if item["public"]:
        names.append(_("Cổng công khai"))
    return "; ".join(names)


def quote_source(item):
    """'3 điểm cầu · A (A-1); B (B-2); …', or just 'Cổng công khai'."""
    if not item["site_ids"]:
        return sites_text(item)
    return _("%(n)d điểm cầu", n=len(item["site_ids"])) + " · " + sites_text(item)


def generated_at(data):
    return _("Lập lúc %(at)s (giờ Việt Nam)", at=local_time(data["now"]).strftime("%H:%M %d/%m/%Y"))


def _styles():
    font, bold = vietnamese_font(), vietnamese_font(bold=True)
    return {
        "font": font,
        "bold": bold,
        "small": ParagraphStyle("small", fontName=font, fontSize=8, leading=10),
        "body": ParagraphStyle("body", fontName=font, fontSize=9.5, leading=12.5),
        "quote": ParagraphStyle("quote", fontName=font, fontSize=9.5, leading=12.5, leftIndent=8 * mm, spaceAfter=3),
        "title": ParagraphStyle("title", fontName=bold, fontSize=16, leading=20, spaceAfter=4),
        "h1": ParagraphStyle("h1", fontName=bold, fontSize=13, leading=16, spaceBefore=10, spaceAfter=4),
        "h2": ParagraphStyle("h2", fontName=bold, fontSize=10.5, leading=13, spaceBefore=6, spaceAfter=3),
    }


def _table(rows, widths, font, header=True):
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
    table.setStyle(TableStyle(style))
    return table


def _overview(data, s):
    p = lambda text: Paragraph(escape(str(text)), s["small"])  # noqa: E731
    rows = [
        [p(_("Tổng số hiến kế, ý kiến, câu hỏi")), data["total"]],
        *[[p(KIND_WORDS[k]), data["kinds"].get(k, 0)] for k in synthesis.KIND_ORDER],
        [p(_("Số điểm cầu đã gửi")), data["sites"]],
        [p(_("Số tỉnh/thành đã gửi")), data["provinces"]],
        [p(_("Gửi qua cổng công khai")), data["public"]],
        [p(_("Số chủ đề")), data["theme_count"]],
        *[[p(OUTCOME_WORDS[o]), data["outcomes"].get(o, 0)] for o in OUTCOMES],
    ]
    return _table(rows, [80 * mm, 25 * mm], s["font"], header=False)


def _themes_table(data, s):
    p = lambda text: Paragraph(escape(str(text)), s["small"])  # noqa: E731
    rows = [[p(_("Chủ đề")), p(_("Số mục")), p(_("Điểm cầu")), p(_("Tỉnh/thành")), p(_("Đã trả lời / lên sóng"))]]
    for g in data["themes"]:
        done = g["outcomes"].get("written", 0) + g["outcomes"].get("aired", 0)
        rows.append([p(g["label"]), g["count"], g["sites"], g["provinces"], done])
    return _table(rows, [80 * mm, 20 * mm, 22 * mm, 22 * mm, 34 * mm], s["font"])


def _theme(number, group, s):
    p = lambda text, style="small": Paragraph(escape(str(text)), s[style])  # noqa: E731
    story = [
        KeepTogether(
            [
                Paragraph(f"{number}. {escape(group['label'])}", s["h1"]),
                p(theme_line(group), "body"),
            ]
        )
    ]
    if group["terms"]:
        story.append(p(_("Từ khoá: %(terms)s", terms=group["terms"]), "small"))
    story.append(Paragraph(escape(_("Ý kiến tiêu biểu")), s["h2"]))
    for item in group["quotes"]:
        who = quote_source(item)
        story.append(Paragraph(f"“{escape(item['text'])}” — {escape(who)}", s["quote"]))
    story.append(Paragraph(escape(_("Danh sách và kết quả")), s["h2"]))
    rows = [[p(_("Số")), p(_("Loại")), p(_("Nội dung")), p(_("Điểm cầu gửi")), p(_("Kết quả"))]]
    for item in group["items"]:
        rows.append(
            [
                str(item["id"]),
                p(KIND_WORDS.get(item["kind"], item["kind"])),
                p(item["text"]),
                p(sites_text(item)),
                p(item["outcome_text"]),
            ]
        )
    story.append(_table(rows, [12 * mm, 16 * mm, 80 * mm, 40 * mm, 34 * mm], s["font"]))
    return story


def build_pdf(event, now=None):
    """The synthesis PDF of ``event``: the data gathered here, laid out in the media worker (the
    layout is seconds of CPU that would stall every socket of this process)."""
    return localized.render(render_pdf, synthesis.gather(event, now), event.name)


def render_pdf(data, event_name):
    """The PDF's bytes from ``synthesis.gather``'s data (pure: runs in the media worker)."""
    s = _styles()
    story = [
        Paragraph(escape(_("Tổng hợp hiến kế, ý kiến, câu hỏi")), s["title"]),
        Paragraph(escape(event_name), s["h2"]),
        Paragraph(escape(generated_at(data)), s["small"]),
        Spacer(1, 4 * mm),
        _overview(data, s),
        Spacer(1, 4 * mm),
        bar_chart(_("Theo chủ đề"), [(g["label"], g["count"]) for g in data["themes"]], s["font"], limit=20),
        bar_chart(_("Theo tỉnh/thành"), data["by_province"], s["font"], limit=20),
        bar_chart(_("Theo điểm cầu"), data["by_site"], s["font"]),
        bar_chart(
            _("Theo kết quả"), [(OUTCOME_WORDS[o], data["outcomes"].get(o, 0)) for o in OUTCOMES], s["font"], limit=10
        ),
        Paragraph(escape(_("Các chủ đề")), s["h1"]),
        _themes_table(data, s),
    ]
    for number, group in enumerate(data["themes"], start=1):
        story += _theme(number, group, s)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=_("Tổng hợp hiến kế, ý kiến, câu hỏi"),
        author="Bridgecast",
    )
    doc.build(story)
    return out.getvalue()
