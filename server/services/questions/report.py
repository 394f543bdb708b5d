"""The PDF report of an event's questions: totals, charts by site, province, district, kind,
theme and over time, the per-site summary, and the list of questions with their outcome.
Sites are counted by id and named "name (code)" (several sites share a name); a chart shows
every group or says "top N of M" (``charts.py``); topics are the event's themes when it has
any (tags otherwise). User text is escaped before reportlab's paragraph markup sees it. The
data is gathered in the server (``gather``) and laid out in the media worker (``render_pdf``)."""

import io
from collections import Counter
from datetime import timedelta, timezone
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from server.extensions import db
from server.models.question import Question, QuestionTheme
from server.models.site import Site
from server.services.fonts import vietnamese_font
from server.services.media import localized
from server.services.questions.charts import bar_chart
from server.services.questions.export import rows, site_summary
from server.services.questions.outcomes import site_label, site_place
from server.services.questions.synthesis import UNTHEMED

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


def _chart(title, pairs, font, limit=15, horizontal=True):
    return bar_chart(title, pairs, font, limit=limit, horizontal=horizontal)


def _topic_pairs(event, live):
    """Live questions per theme ("Chưa xếp chủ đề" for the rest) when the event has themes, else
    per tag: ``[(label, count)]``, most first."""
    themes = dict(
        db.session.execute(
            db.select(QuestionTheme.id, QuestionTheme.label).where(QuestionTheme.event_id == event.id)
        ).all()
    )
    if themes:
        theme_of = dict(
            db.session.execute(db.select(Question.id, Question.theme_id).where(Question.event_id == event.id)).all()
        )
        counts = Counter(theme_of.get(r["id"]) if theme_of.get(r["id"]) in themes else None for r in live)
        return [(themes.get(tid, str(UNTHEMED)), n) for tid, n in counts.most_common()]  # keyed by id
    return Counter(t for r in live for t in r["_tags"]).most_common()


def _topics(pairs, font):
    """The topics chart; a sentence instead of a one-bar chart when there is nothing to count."""
    if not pairs:
        style = ParagraphStyle("note", fontName=font, fontSize=9, leading=12, spaceBefore=4, spaceAfter=8)
        return Paragraph(escape(_("Theo chủ đề: chưa xếp chủ đề cho câu hỏi nào.")), style)
    return _chart(_("Theo chủ đề"), pairs, font, limit=20)


def gather(event):
    """Everything the report shows, as plain data (it pickles: the layout runs in the media worker)."""
    data = rows(event)
    sites = {
        s.id: {"label": site_label(s), "place": site_place(s), "province": s.province, "district": s.district}
        for s in db.session.scalars(db.select(Site).where(Site.event_id == event.id))
    }
    return {
        "event": event.name,
        "rows": data,
        "sites": sites,
        "public_label": site_label(None),
        "summary": [line for line in site_summary(event) if line["submitted"]],
        "topics": _topic_pairs(event, [r for r in data if r["status"] != "merged"]),
    }


def build_pdf(event):
    """The report's PDF: gathered here, laid out in the media worker (seconds of reportlab for a
    few thousand questions would stall every socket of this process)."""
    return localized.render(render_pdf, gather(event))


def render_pdf(gathered):
    """The PDF's bytes from ``gather``'s data (pure: runs in the media worker)."""
    font, bold = vietnamese_font(), vietnamese_font(bold=True)
    small = ParagraphStyle("small", fontName=font, fontSize=8, leading=10)
    heading = ParagraphStyle("h", fontName=bold, fontSize=15, leading=19, spaceAfter=6)
    sub = ParagraphStyle("h2", fontName=bold, fontSize=12, leading=15, spaceBefore=8, spaceAfter=4)
    data, sites = gathered["rows"], gathered["sites"]
    story = [
        Paragraph(escape(_("Báo cáo câu hỏi, ý kiến, hiến kế")), heading),
        Paragraph(escape(gathered["event"]), sub),
    ]
    status_counts = Counter(r["status"] for r in data)
    totals = [[_("Tổng số gửi"), len(data)]] + [
        [status_label(s), status_counts.get(s, 0)]
        for s in ("pending", "approved", "on_air", "answered", "rejected", "merged")
    ]
    table = Table(totals, colWidths=[60 * mm, 25 * mm])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.3, colors.grey)]))
    story += [table, Spacer(1, 6 * mm)]
    by_site = Counter(r["_site_id"] if r["_site_id"] in sites else None for r in data)
    by_province = Counter(sites[r["_site_id"]]["province"] or _("Không rõ") for r in data if r["_site_id"] in sites)
    # a district name can repeat in two provinces: keyed by both
    by_district = Counter(
        (sites[r["_site_id"]]["province"], sites[r["_site_id"]]["district"]) for r in data if r["_site_id"] in sites
    )
    by_kind = Counter(kind_label(r["kind"]) for r in data)
    by_hour = Counter(r["_created"].astimezone(VN).replace(minute=0, second=0, microsecond=0) for r in data)
    named = [(sites[k]["label"] if k in sites else gathered["public_label"], n) for k, n in by_site.most_common()]
    story.append(_chart(_("Theo điểm cầu"), named, font))
    if any(s["province"] for s in sites.values()):
        story.append(_chart(_("Theo tỉnh/thành"), by_province.most_common(), font, limit=20))
    if any(s["district"] for s in sites.values()):
        districts = [
            (", ".join(p for p in (d or _("Không rõ"), pr) if p), n) for (pr, d), n in by_district.most_common()
        ]
        story.append(_chart(_("Theo huyện"), districts, font, limit=20))
    story.append(_chart(_("Theo loại"), by_kind.most_common(), font))
    story.append(_topics(gathered["topics"], font))
    hours = [(hour.strftime("%d/%m %Hh"), n) for hour, n in sorted(by_hour.items())]
    story.append(_chart(_("Theo thời gian (giờ)"), hours, font, horizontal=False, limit=48))
    story += [PageBreak(), Paragraph(escape(_("Tổng hợp theo điểm cầu")), sub)]
    summary = [[_("Điểm cầu gửi"), _("Địa bàn"), _("Đã gửi"), _("Đã duyệt"), _("Đã lên sóng"), _("Đã trả lời")]]
    for line in gathered["summary"]:
        site = sites[line["id"]]
        summary.append(
            [
                Paragraph(escape(site["label"]), small),
                Paragraph(escape(site["place"]), small),
                line["submitted"],
                line["approved"],
                line["aired"],
                line["answered"],
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
        who = " – ".join(p for p in (r["author"], r["unit"], sites[r["_site_id"]]["label"] if r["site"] else "") if p)
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
