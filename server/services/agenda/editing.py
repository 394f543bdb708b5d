"""Changing an event's agenda: create, update, delete and reorder items.

Every change commits, writes an audit line for destructive ones, then broadcasts the new
agenda to crew, phones and overlays (``state.broadcast_agenda``). The item on air
(``Event.current_item_id``) is never deleted from under the live run.
"""

import logging

from flask_babel import lazy_gettext as _l

from server.extensions import db
from server.models.agenda import AgendaItem
from server.services import audit as audit_log
from server.services.agenda import items as agenda
from server.services.agenda.state import broadcast_agenda
from server.services.errors import Conflict, ServiceError
from server.services.events import get_event

audit = logging.getLogger("bridgecast.audit.agenda")

ON_AIR_REFUSED = _l("Nội dung đang lên sóng, không thể xoá. Hãy chuyển sang nội dung khác trước.")


def _invalid(exc):
    """Every bad field of the form: ``field`` (the first) and ``errors`` [{field, message}]."""
    return ServiceError(
        "invalid_item",
        exc.message,
        status=422,
        field=exc.field,
        errors=[{"field": f, "message": str(m)} for f, m in exc.errors],
    )


def _values(event, row):
    try:
        return agenda.validate_item(event, row)
    except agenda.RowError as exc:
        raise _invalid(exc) from None


def create_item(event_slug, row):
    event = get_event(event_slug)
    values = _values(event, row)
    last = db.session.scalar(db.select(db.func.max(AgendaItem.position)).filter_by(event_id=event.id))
    item = AgendaItem(event_id=event.id, position=(last if last is not None else -1) + 1, **values)
    db.session.add(item)
    db.session.commit()
    agenda_changed(event)
    return item


def update_item(event_slug, item_id, row):
    event = get_event(event_slug)
    item = agenda.get_item(event, item_id)
    for key, value in _values(event, row).items():
        setattr(item, key, value)
    db.session.commit()
    agenda_changed(event)
    return item


def delete_item(event_slug, item_id, actor="?"):
    """Delete one item; the item on air is refused (409 ``on_air``)."""
    event = get_event(event_slug)
    item = agenda.get_item(event, item_id)
    if event.current_item_id == item.id:
        raise Conflict("on_air", ON_AIR_REFUSED, item_id=item.id)
    title = item.title
    db.session.delete(item)
    db.session.commit()
    audit.info("agenda item deleted: event=%s item=%s title=%r by=%s", event.slug, item_id, title, actor)
    audit_log.record(actor, "agenda.delete_item", f"{event.slug}/{item_id}", title)
    agenda_changed(event)


def reorder(event_slug, ids):
    """Set the order to ``ids`` (every item of the event, each once)."""
    event = get_event(event_slug)
    items = {item.id: item for item in agenda.items_of(event)}
    if (
        not isinstance(ids, list)
        or sorted(i for i in ids if isinstance(i, int)) != sorted(items)
        or len(ids) != len(items)
    ):
        raise ServiceError(
            "invalid_order", _l("Thứ tự phải liệt kê đúng mọi nội dung, mỗi nội dung một lần."), status=422
        )
    for position, item_id in enumerate(ids):
        items[item_id].position = position
    db.session.commit()
    agenda_changed(event)
    return [items[i] for i in ids]


def agenda_changed(event):
    """Tell everyone the agenda changed."""
    broadcast_agenda(event)
