"""Roll call (điểm danh): the crew starts one per event, each site confirms from its phone,
the crew follows progress and the missing list, closes it and exports CSV/XLSX with times."""

import csv
import io
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from server.extensions import db
from server.models.site import RollCall, RollCallEntry, Site
from server.services.bridges.presence import now
from server.services.bridges.sites import add_log, get_event_by_id, iso
from server.services.broadcast import broadcast
from server.services.errors import Conflict, NotFound
from server.services.spreadsheets import safe_cell as _safe  # the one rule for every exporter
from server.services.text import clean


def open_roll_call(event_id):
    return db.session.scalar(
        db.select(RollCall).filter_by(event_id=event_id, closed_at=None).order_by(RollCall.id.desc()).limit(1)
    )


def latest_roll_call(event):
    return db.session.scalar(db.select(RollCall).filter_by(event_id=event.id).order_by(RollCall.id.desc()).limit(1))


def get_roll_call(event, roll_call_id):
    roll = db.session.get(RollCall, roll_call_id) if isinstance(roll_call_id, int) else None
    if roll is None or roll.event_id != event.id:
        raise NotFound("roll_call_not_found", _l("Không tìm thấy lượt điểm danh."))
    return roll


def progress(roll):
    total = db.session.scalar(db.select(func.count()).select_from(RollCallEntry).filter_by(roll_call_id=roll.id))
    confirmed = db.session.scalar(
        db.select(func.count())
        .select_from(RollCallEntry)
        .filter(RollCallEntry.roll_call_id == roll.id, RollCallEntry.confirmed_at.is_not(None))
    )
    return {
        "id": roll.id,
        "title": roll.title,
        "started_at": iso(roll.started_at),
        "started_by": roll.started_by,
        "closed_at": iso(roll.closed_at),
        "open": roll.closed_at is None,
        "total": total,
        "confirmed": confirmed,
    }


def missing(roll):
    rows = db.session.execute(
        db.select(Site.id, Site.code, Site.name, Site.district)
        .join(RollCallEntry, RollCallEntry.site_id == Site.id)
        .filter(RollCallEntry.roll_call_id == roll.id, RollCallEntry.confirmed_at.is_(None))
        .order_by(Site.district, Site.code)
    ).all()
    return [{"id": r.id, "code": r.code, "name": r.name, "district": r.district} for r in rows]


def crew_state(event):
    roll = latest_roll_call(event)
    if roll is None:
        return None
    return {**progress(roll), "missing": missing(roll)}


def _site_payload(roll, confirmed_at=None):
    return {"id": roll.id, "title": roll.title, "open": roll.closed_at is None, "confirmed_at": iso(confirmed_at)}


def start(event, actor, title=""):
    if open_roll_call(event.id) is not None:
        raise Conflict("roll_call_open", _l("Đang có một lượt điểm danh chưa kết thúc."))
    roll = RollCall(event_id=event.id, title=clean(title, 200), started_at=now(), started_by=actor)
    db.session.add(roll)
    db.session.flush()
    site_ids = db.session.scalars(db.select(Site.id).filter_by(event_id=event.id, is_active=True)).all()
    db.session.add_all([RollCallEntry(roll_call_id=roll.id, site_id=sid) for sid in site_ids])
    db.session.commit()
    broadcast("roll_call", crew_state(event), event.slug, "crew")
    broadcast("roll_call", _site_payload(roll), event.slug, "site")
    return roll


def confirm(site, client_id=None):
    """The site answers the open roll call (idempotent). A repeated ``client_id`` is the stored
    answer, even once the roll call has closed (a retry of an answer whose ack was lost)."""
    if client_id is not None:
        answered = db.session.scalar(db.select(RollCallEntry).filter_by(site_id=site.id, client_id=client_id))
        if answered is not None:
            return _site_payload(db.session.get(RollCall, answered.roll_call_id), answered.confirmed_at)
    roll = open_roll_call(site.event_id)
    if roll is None:
        raise NotFound("no_roll_call", _l("Hiện không có lượt điểm danh nào."))
    entry = db.session.scalar(db.select(RollCallEntry).filter_by(roll_call_id=roll.id, site_id=site.id))
    if entry is None:  # a site added after the start still answers
        entry = RollCallEntry(roll_call_id=roll.id, site_id=site.id)
        db.session.add(entry)
    if entry.confirmed_at is None:
        entry.confirmed_at = now()
        entry.client_id = client_id
        add_log(site, "roll_call", f"#{roll.id}")
        db.session.commit()
        slug = get_event_by_id(site.event_id).slug
        broadcast(
            "roll_call_progress",
            {**progress(roll), "site_id": site.id, "confirmed_at": iso(entry.confirmed_at)},
            slug,
            "crew",
        )
    return _site_payload(roll, entry.confirmed_at)


def site_state(site):
    roll = open_roll_call(site.event_id)
    if roll is None:
        return None
    entry = db.session.scalar(db.select(RollCallEntry).filter_by(roll_call_id=roll.id, site_id=site.id))
    return _site_payload(roll, entry.confirmed_at if entry else None)


def close(event, roll_call_id, actor):
    roll = get_roll_call(event, roll_call_id)
    if roll.closed_at is None:
        roll.closed_at = now()
        db.session.commit()
        broadcast("roll_call", crew_state(event), event.slug, "crew")
        broadcast("roll_call", _site_payload(roll), event.slug, "site")
    return roll


HEADER = ("Mã", "Điểm cầu", "Huyện", "Xã", "Đã điểm danh", "Thời gian")


def export_rows(roll):
    tz = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh"))
    rows = db.session.execute(
        db.select(Site.code, Site.name, Site.district, Site.commune, RollCallEntry.confirmed_at)
        .join(RollCallEntry, RollCallEntry.site_id == Site.id)
        .filter(RollCallEntry.roll_call_id == roll.id)
        .order_by(Site.district, Site.code)
    ).all()
    out = []
    for code, name, district, commune, at in rows:
        out.append(
            [
                _safe(code),
                _safe(name),
                _safe(district),
                _safe(commune),
                "Có" if at else "Không",
                at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if at else "",
            ]
        )
    return out


def export_csv(roll):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(export_rows(roll))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(roll):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Điểm danh"
    sheet.append(HEADER)
    for row in export_rows(roll):
        sheet.append(row)
    for column, width in zip("ABCDEF", (12, 40, 28, 28, 14, 22)):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
