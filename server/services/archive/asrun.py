"""The as-run log: durable rows written when things happen, and their views.

``log(event, kind, ...)`` appends one row; the agenda's takes (``item_start``/``item_end``,
with the item's planned start and end), OBS's stream and record outputs (of the primary and the
standby OBS), a standby switch and the restream destinations call it (``observe.py``). ``entries(event)`` reads them back in order; a row's
deviation is how late (positive) or early its actual time was against the plan.
"""

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from server.extensions import db
from server.models.archive import AsRunEntry

KINDS = {
    "item_start": _l("Bắt đầu nội dung"),
    "item_end": _l("Kết thúc nội dung"),
    "take_undone": _l("Hoàn tác chuyển nội dung"),
    "stream_start": _l("Bắt đầu phát trực tiếp"),
    "stream_stop": _l("Dừng phát trực tiếp"),
    "stream_reconnecting": _l("Phát trực tiếp đang kết nối lại"),
    "record_start": _l("Bắt đầu ghi hình"),
    "record_stop": _l("Dừng ghi hình"),
    "record_pause": _l("Tạm dừng ghi hình"),
    "record_resume": _l("Tiếp tục ghi hình"),
    "destination_live": _l("Trang phát đang lên sóng"),
    "destination_failed": _l("Trang phát bị lỗi"),
    "destination_stopped": _l("Trang phát đã dừng"),
    "standby_switch": _l("Chuyển máy OBS lên sóng"),
}


def planned_end(item):
    return item.planned_start + timedelta(minutes=item.duration_min) if item.planned_start else None


def log(event, kind, at, *, item=None, actor="", detail="", commit=True):
    """Append one row (``item``: the agenda item it is about, its plan copied as it stands)."""
    if kind not in KINDS:
        raise ValueError(f"unknown as-run kind {kind}")
    entry = AsRunEntry(
        event_id=event.id,
        at=at,
        kind=kind,
        agenda_item_id=item.id if item is not None else None,
        title=(item.title if item is not None else "")[:300],
        planned_start=item.planned_start if item is not None else None,
        planned_end=planned_end(item) if item is not None else None,
        actor=(actor or "")[:120],
        detail=(detail or "")[:500],
    )
    db.session.add(entry)
    if commit:
        db.session.commit()
    return entry


def last_kind(event, kinds):
    """The kind of the latest row among ``kinds`` (None when there is none)."""
    return db.session.scalar(
        db.select(AsRunEntry.kind)
        .where(AsRunEntry.event_id == event.id, AsRunEntry.kind.in_(kinds))
        .order_by(AsRunEntry.id.desc())
        .limit(1)
    )


def deviation_s(entry):
    """Actual minus planned (item_start: the planned start; item_end: the planned end), seconds."""
    planned = {"item_start": entry.planned_start, "item_end": entry.planned_end}.get(entry.kind)
    return round((entry.at - planned).total_seconds()) if planned is not None else None


def entries(event):
    return list(
        db.session.scalars(
            db.select(AsRunEntry).where(AsRunEntry.event_id == event.id).order_by(AsRunEntry.at, AsRunEntry.id)
        )
    )


def entry_to_dict(entry):
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "kind": entry.kind,
        "label": str(KINDS.get(entry.kind, entry.kind)),
        "agenda_item_id": entry.agenda_item_id,
        "title": entry.title,
        "planned_start": entry.planned_start.isoformat() if entry.planned_start else None,
        "planned_end": entry.planned_end.isoformat() if entry.planned_end else None,
        "deviation_s": deviation_s(entry),
        "actor": entry.actor,
        "detail": entry.detail,
    }
