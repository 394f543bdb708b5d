"""Counts of sites by state for an event, and publishing them (crew board, overlay page,
OBS native text source) at most once per throttle period when they change."""

import time

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func

from server.extensions import db
from server.models.site import Site
from server.services.broadcast import broadcast
from server.services.errors import NotFound
from server.services.overlays import native_text as overlay_text
from server.services.overlays.native_text import push_text

SOURCE_NAME = overlay_text.BRIDGE_COUNTER
THROTTLE_S = 1.0

_dirty = set()
_last_text = {}
_last_push = {}


def summary(event):
    """``{"total","online","degraded","background","offline","never_seen","checked_in","connected"}``
    over active sites (``background``: socket connected, beats late; counted as connected)."""
    rows = db.session.execute(
        db.select(Site.state, func.count()).filter_by(event_id=event.id, is_active=True).group_by(Site.state)
    ).all()
    out = {"total": 0, "online": 0, "degraded": 0, "background": 0, "offline": 0, "never_seen": 0}
    for state, count in rows:
        out[state] = out.get(state, 0) + count
        out["total"] += count
    out["checked_in"] = db.session.scalar(
        db.select(func.count())
        .select_from(Site)
        .filter(Site.event_id == event.id, Site.is_active.is_(True), Site.checked_in_at.is_not(None))
    )
    out["connected"] = out["online"] + out["degraded"] + out["background"]
    return out


def counter_text(counts, locale="vi"):
    """ "431/442 điểm cầu đã kết nối" (the stream's overlay speaks Vietnamese)."""
    with force_locale(locale):
        return _("%(connected)s/%(total)s điểm cầu đã kết nối", connected=counts["connected"], total=counts["total"])


def mark_dirty(event_slug):
    _dirty.add(event_slug)


def publish(event_slug, force=False):
    """Broadcast the counts; push the overlay text to OBS when it changed (throttled).
    Returns False when the OBS push is held back by the throttle (the slug stays dirty)."""
    from server.services.events import get_event

    counts = summary(get_event(event_slug))
    broadcast("site_counts", counts, event_slug, "crew")
    broadcast("site_counts", counts, event_slug, "overlay")
    text = counter_text(counts)
    if text != _last_text.get(event_slug):
        if not force and time.monotonic() - _last_push.get(event_slug, 0.0) < THROTTLE_S:
            return False
        _last_text[event_slug] = text
        _last_push[event_slug] = time.monotonic()
        push_text(event_slug, SOURCE_NAME, text)
    return True


def publish_dirty():
    """Publish every event whose counts changed. An event gone meanwhile (deleted, deactivated) is
    dropped: it must not stop the others' counters, round after round."""
    for slug in list(_dirty):
        _dirty.discard(slug)
        try:
            if not publish(slug):
                _dirty.add(slug)
        except NotFound:
            continue
        except Exception:
            _dirty.add(slug)
            raise
