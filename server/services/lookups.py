"""The lookups every area shares, with one rule each.

- ``event_or_404(slug)``: the active event with this slug; an unknown **or inactive** event is
  NotFound for every page, API route and socket (``include_inactive=True`` is for the admin
  screens that reactivate it).
- ``in_event(model, id, event, code, message)``: a row by id that belongs to this event, or NotFound.
- ``site_by_token(token, site_id=None)``: the active site whose phone link carries this token.
- ``public_base_url(hint)``: the base of every link and QR code given to people.
"""

import re
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

from server.extensions import db
from server.models.event import Event
from server.models.site import Site
from server.services.errors import NotFound

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
SLUG_SHAPE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{10,64}$")  # URL-safe: anything else (a surrogate too) is no token
MAX_ID = 2**53  # larger ids are refused before they reach the database


def event_or_404(slug, include_inactive=False):
    """The event with this slug, or NotFound (inactive events too, unless asked)."""
    event = None
    if isinstance(slug, str) and SLUG_SHAPE.match(slug):
        event = db.session.scalar(db.select(Event).filter_by(slug=slug))
    if event is None or not (event.is_active or include_inactive):
        raise NotFound("event_not_found", _l("Không tìm thấy sự kiện."))
    return event


def event_by_id(event_id):
    return db.session.get(Event, event_id)


def in_event(model, row_id, event, code, message):
    """The ``model`` row with ``row_id`` inside ``event`` (never another event's), or NotFound."""
    row = None
    if isinstance(row_id, int) and not isinstance(row_id, bool) and 0 < row_id <= MAX_ID:
        row = db.session.get(model, row_id)
    if row is None or row.event_id != event.id:
        raise NotFound(code, message)
    return row


def site_by_token(token, site_id=None):
    """The active site whose link carries ``token`` (and, when given, with this id: a socket's
    connection), or NotFound (old or unknown tokens)."""
    site = None
    if isinstance(token, str) and TOKEN_SHAPE.match(token):
        site = db.session.scalar(db.select(Site).filter_by(token=token, is_active=True))
    if site is None or (site_id is not None and site.id != site_id):
        raise NotFound("invalid_site_token", _l("Đường dẫn điểm cầu không hợp lệ hoặc đã được thay mới."))
    return site


def public_base_url(hint=None):
    """The base URL of links and QR codes handed to people (no trailing slash).

    ``PUBLIC_URL`` when set. Otherwise the request's own base (``hint``) only when its host is
    loopback or listed in ``PUBLIC_HOSTS``: a forged ``Host`` header never reaches a QR code."""
    configured = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    if configured:
        return configured
    allowed = LOOPBACK_HOSTS | {h.lower() for h in current_app.config.get("PUBLIC_HOSTS") or ()}
    if hint:
        parts = urlsplit(hint)
        if parts.hostname and (parts.hostname.lower() in allowed or parts.netloc.lower() in allowed):
            return f"{parts.scheme}://{parts.netloc}"
    return f"http://127.0.0.1:{current_app.config.get('PORT') or 5000}"


def public_url_is_loopback():
    """True while links point at this machine only (``PUBLIC_URL`` unset): pages warn about it."""
    return not current_app.config.get("PUBLIC_URL")
