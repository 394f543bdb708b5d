"""Events: creating them and finding them by slug."""

import re

from flask_babel import lazy_gettext as _l

from server.extensions import db
from server.models.event import Event
from server.services.errors import ServiceError
from server.services.lookups import event_or_404

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def active_events():
    return db.session.scalars(db.select(Event).filter_by(is_active=True).order_by(Event.starts_on, Event.id)).all()


def get_event(slug, include_inactive=False):
    """The active event with this slug, or NotFound: the one rule of ``lookups.event_or_404``."""
    return event_or_404(slug, include_inactive=include_inactive)


def create_event(slug, name, kind="plenary", starts_on=None, location=""):
    slug = (slug or "").strip().lower()
    name = (name or "").strip()
    if not SLUG_RE.match(slug):
        raise ServiceError(
            "invalid_slug", _l("Mã sự kiện chỉ gồm chữ thường không dấu, số và dấu gạch ngang."), status=422
        )
    if not name:
        raise ServiceError("invalid_name", _l("Cần nhập tên sự kiện."), status=422)
    if kind not in ("plenary", "forum"):
        raise ServiceError("invalid_kind", _l("Loại sự kiện không hợp lệ."), status=422)
    if db.session.scalar(db.select(Event).filter_by(slug=slug)):
        raise ServiceError("slug_taken", _l("Mã sự kiện đã được dùng."), status=409)
    event = Event(slug=slug, name=name[:300], kind=kind, starts_on=starts_on, location=(location or "")[:300])
    db.session.add(event)
    db.session.commit()
    return event
