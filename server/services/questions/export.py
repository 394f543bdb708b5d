"""Exports of an event's questions: rows with every field, CSV and XLSX, and the per-site
summary. Cells that a spreadsheet would run as a formula are neutralised."""
import csv
import io

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

from server.extensions import db
from server.models.agenda import AgendaItem
from server.models.question import Question, QuestionLink, QuestionTag
from server.models.site import Site
from server.services.spreadsheets import safe_cell  # the one cell-safety rule for every exporter

COLUMNS = ["id", "created_at", "kind", "status", "text", "original_text", "author", "unit", "addressee", "site_code",
           "site", "district", "agenda_item", "tags", "sites", "askers", "merged_into", "reject_reason",
           "queue_position", "aired_at", "answered_at", "client_id"]


def rows(event):
    """Every question of the event (merged ones too) as dicts of plain values."""
    sites = {s.id: s for s in db.session.scalars(db.select(Site).where(Site.event_id == event.id))}
    items = {a.id: a.title for a in db.session.scalars(db.select(AgendaItem).where(AgendaItem.event_id == event.id))}
    tags, links = {}, {}
    for qid, tag in db.session.execute(db.select(QuestionTag.question_id, QuestionTag.tag)
                                       .join(Question, Question.id == QuestionTag.question_id)
                                       .where(Question.event_id == event.id)):
        tags.setdefault(qid, []).append(tag)
    for qid, site_id in db.session.execute(db.select(QuestionLink.question_id, QuestionLink.site_id)
                                           .join(Question, Question.id == QuestionLink.question_id)
                                           .where(Question.event_id == event.id)):
        links.setdefault(qid, []).append(site_id)
    out = []
    for q in db.session.scalars(db.select(Question).where(Question.event_id == event.id).order_by(Question.id)):
        site = sites.get(q.site_id)
        linked = links.get(q.id, [])
        out.append({
            "id": q.id, "created_at": q.created_at.isoformat(), "kind": q.kind, "status": q.status, "text": q.text,
            "original_text": q.original_text or "", "author": q.author, "unit": q.unit, "addressee": q.addressee,
            "site_code": site.code if site else "", "site": site.name if site else "",
            "district": site.district if site else "", "agenda_item": items.get(q.agenda_item_id, ""),
            "tags": ", ".join(sorted(tags.get(q.id, []))), "sites": len({s for s in [q.site_id, *linked] if s}),
            "askers": 1 + len(linked), "merged_into": q.merged_into_id or "", "reject_reason": q.reject_reason,
            "queue_position": q.queue_position if q.queue_position is not None else "",
            "aired_at": q.aired_at.isoformat() if q.aired_at else "",
            "answered_at": q.answered_at.isoformat() if q.answered_at else "", "client_id": q.client_id,
            "_site_id": q.site_id, "_created": q.created_at, "_tags": tags.get(q.id, []),
        })
    return out


def to_csv(event):
    """UTF-8 with BOM (Excel opens Vietnamese correctly), every field, formulas neutralised."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows(event):
        writer.writerow([safe_cell(row[c]) for c in COLUMNS])
    return buffer.getvalue().encode("utf-8")


def to_xlsx(event):
    wb = Workbook()
    ws = wb.active
    ws.title = "Questions"
    ws.append(COLUMNS)
    for row in rows(event):
        ws.append([safe_cell(row[c]) for c in COLUMNS])
    for line in ws.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING  # never a formula, whatever the text
    ws.freeze_panes = "A2"
    summary = wb.create_sheet("Sites")
    summary.append(["site_code", "site", "district", "submitted", "approved", "aired", "answered"])
    for line in site_summary(event):
        summary.append([safe_cell(line[k]) for k in ("code", "name", "district", "submitted", "approved", "aired",
                                                      "answered")])
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
