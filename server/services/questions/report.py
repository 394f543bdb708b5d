"""The PDF report of an event's questions: totals, charts by site, district, kind, topic
and over time, the per-site summary, and the list of questions with their outcome.
User text is escaped before reportlab's paragraph markup sees it."""

import io
from collections import Counter
from datetime import timedelta, timezone
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from server.services.fonts import vietnamese_font
from server.services.questions.export import rows, site_summary

VN = timezone(timedelta(hours=7))


def kind_label(kind):
    return {"question": _("Câu hỏi"), "opinion": _("Ý kiến"), "proposal": _("Hiến kế")}.get(kind, kind)


def status_label(status):
    return {
        "pending": _("Chờ duyệt"),
        "approved": _("Đã duyệt"),
        "rejected": _("Không chọn"),
        "on_air": _("Đang lên sóng"),
        "answered": _("Đã trả lời"),
        "merged": _("Đã gộp"),
    }.get(status, status)


def _bar_chart(title, pairs, font, width=170 * mm, horizontal=True):
    pairs = pairs[:15] or [("—", 0)]
    height = (22 + 14 * len(pairs)) * (1 if horizontal else 0) + (0 if horizontal else 70 * mm)
    drawing = Drawing(width, max(height, 40 * mm) + 16)
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    chart.x, chart.y = (60 * mm, 8) if horizontal else (12 * mm, 14 * mm)
    chart.width = width - chart.x - 8 * mm
    chart.height = max(height, 40 * mm) - 20 - (0 if horizontal else 10 * mm)
    chart.data = [[value for _, value in pairs]]
    chart.categoryAxis.categoryNames = [label[:40] for label, _ in pairs]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    if not horizontal:
        chart.categoryAxis.labels.angle = 45
        chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#c8102e")
    drawing.add(chart)
    drawing.add(String(0, drawing.height - 10, title, fontName=font, fontSize=10))
    return drawing


def build_pdf(event):
    font, bold = vietnamese_font(), vietnamese_font(bold=True)
    small = ParagraphStyle("small", fontName=font, fontSize=8, leading=10)
    heading = ParagraphStyle("h", fontName=bold, fontSize=15, leading=19, spaceAfter=6)
    sub = ParagraphStyle("h2", fontName=bold, fontSize=12, leading=15, spaceBefore=8, spaceAfter=4)
    data = rows(event)
    live = [r for r in data if r["status"] != "merged"]
    story = [Paragraph(escape(_("Báo cáo câu hỏi, ý kiến, hiến kế")), heading), Paragraph(escape(event.name), sub)]
    status_counts = Counter(r["status"] for r in data)
    totals = [[_("Tổng số gửi"), len(data)]] + [
        [status_label(s), status_counts.get(s, 0)]
        for s in ("pending", "approved", "on_air", "answered", "rejected", "merged")
    ]
    table = Table(totals, colWidths=[60 * mm, 25 * mm])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.3, colors.grey)]))
    story += [table, Spacer(1, 6 * mm)]
    by_site = Counter(r["site"] or _("Cổng công khai") for r in data)
    by_district = Counter(r["district"] or _("Không rõ") for r in data)
    by_kind = Counter(kind_label(r["kind"]) for r in data)
    by_topic = Counter(t for r in live for t in r["_tags"]) or Counter({_("Chưa gắn chủ đề"): len(live)})
    by_hour = Counter(r["_created"].astimezone(VN).strftime("%d/%m %Hh") for r in data)
    story.append(_bar_chart(_("Theo điểm cầu (15 nhiều nhất)"), by_site.most_common(15), font))
    story.append(_bar_chart(_("Theo huyện"), by_district.most_common(15), font))
    story.append(_bar_chart(_("Theo loại"), by_kind.most_common(), font))
    story.append(_bar_chart(_("Theo chủ đề"), by_topic.most_common(15), font))
    story.append(_bar_chart(_("Theo thời gian (giờ)"), sorted(by_hour.items()), font, horizontal=False))
    story += [PageBreak(), Paragraph(escape(_("Tổng hợp theo điểm cầu")), sub)]
    summary = [[_("Điểm cầu gửi"), _("Quận/huyện"), _("Đã gửi"), _("Đã duyệt"), _("Đã lên sóng"), _("Đã trả lời")]]
    for s in site_summary(event):
        if s["submitted"]:
            summary.append(
                [
                    Paragraph(escape(s["name"]), small),
                    Paragraph(escape(s["district"]), small),
                    s["submitted"],
                    s["approved"],
                    s["aired"],
                    s["answered"],
                ]
            )
    table = Table(summary, colWidths=[55 * mm, 40 * mm, 18 * mm, 18 * mm, 18 * mm, 20 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
            ]
        )
    )
    story += [table, PageBreak(), Paragraph(escape(_("Danh sách câu hỏi và kết quả")), sub)]
    listing = [[_("Số"), _("Nội dung gửi"), _("Người gửi / điểm cầu"), _("Kết quả")]]
    for r in data:
        who = " – ".join(p for p in (r["author"], r["unit"], r["site"]) if p)
        outcome = status_label(r["status"]) + (f": {r['reject_reason']}" if r["reject_reason"] else "")
        if r["status"] == "merged":
            outcome += f" → #{r['merged_into']}"
        listing.append(
            [
                str(r["id"]),
                Paragraph(escape(r["text"]), small),
                Paragraph(escape(who), small),
                Paragraph(escape(outcome), small),
            ]
        )
    table = Table(listing, colWidths=[12 * mm, 95 * mm, 45 * mm, 30 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
            ]
        )
    )
    story.append(table)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title="Bridgecast",
        author="Bridgecast",
    )
    doc.build(story)
    return out.getvalue()
