"""Who may connect to which namespace, and the rooms they join.

- ``/crew``, ``/moderation``, ``/admin``: logged-in staff with the right role; the
  client passes ``auth={"event": slug}`` and joins ``event:<slug>:<audience>``.
- ``/public``, ``/overlay``: anyone, for a known event (read-only displays, phones); a phone
  may pass ``auth={"event": slug, "device": id}``, the device its questions are limited by.
- ``/site``: a bridge-point phone with a valid, active site token
  (``auth={"token": ...}``); it joins its event's site room and ``site:<id>``.
- ``/chair``: the chair view, read-only: staff (crew, moderator, admin) with ``auth={"event": slug}``,
  or a chair link's tablet with ``auth={"key": ...}`` (``services/questions/chair.py``); it joins
  ``event:<slug>:chair``.
A refused connection raises ``ConnectionRefusedError`` with a machine code.
"""

from flask_socketio import ConnectionRefusedError, join_room

from server.identity import current_user
from server.realtime.guard import run_join_hooks
from server.realtime.session import remember, remember_device
from server.services.broadcast import NAMESPACES, room_name
from server.services.errors import NotFound
from server.services.lookups import event_by_id, event_or_404, site_by_token
from server.services.questions.chair import event_for_key, key_room

STAFF_AUDIENCES = {
    "crew": ("crew",),
    "moderation": ("moderator",),
    "admin": (),
}


def _event_from(auth):
    """The active event named by the client's ``auth`` (the one rule of ``lookups.event_or_404``), or None."""
    try:
        return event_or_404(auth.get("event") if isinstance(auth, dict) else None)
    except NotFound:
        return None


def _staff_connect(audience, roles):
    def on_connect(auth=None):
        user = current_user()
        if user is None:
            raise ConnectionRefusedError("unauthorized")
        if user.role != "admin" and user.role not in roles:
            raise ConnectionRefusedError("forbidden")
        event = _event_from(auth)
        if event is None:
            raise ConnectionRefusedError("event_not_found")
        remember(event.slug)
        join_room(room_name(event.slug, audience))
        run_join_hooks(audience, event.slug, user=user)

    return on_connect


def _anonymous_connect(audience):
    def on_connect(auth=None):
        event = _event_from(auth)
        if event is None:
            raise ConnectionRefusedError("event_not_found")
        remember(event.slug)
        if audience == "public" and isinstance(auth, dict):
            remember_device(auth.get("device"))  # a phone's questions are rate limited per device
        join_room(room_name(event.slug, audience))
        run_join_hooks(audience, event.slug, auth=auth if isinstance(auth, dict) else {})

    return on_connect


CHAIR_ROLES = ("admin", "crew", "moderator")


def _chair_connect(auth=None):
    key = auth.get("key") if isinstance(auth, dict) else None
    user = current_user()
    if key is not None:
        event = event_for_key(key)
        if event is None:
            raise ConnectionRefusedError("invalid_chair_key")
    else:
        if user is None:
            raise ConnectionRefusedError("unauthorized")
        if user.role not in CHAIR_ROLES:
            raise ConnectionRefusedError("forbidden")
        event = _event_from(auth)
        if event is None:
            raise ConnectionRefusedError("event_not_found")
    remember(event.slug)
    # a chair link's tablet sits in a room of its own, which revoking the links closes
    join_room(key_room(event.slug) if key is not None else room_name(event.slug, "chair"))
    run_join_hooks("chair", event.slug, user=user)


def site_room(site_id):
    return f"site:{site_id}"


def _site_connect(auth=None):
    try:
        site = site_by_token(auth.get("token") if isinstance(auth, dict) else None)
    except NotFound:
        raise ConnectionRefusedError("invalid_site_token") from None
    event = event_by_id(site.event_id)
    if not event.is_active:
        raise ConnectionRefusedError("event_not_found")
    remember(event.slug, site)
    join_room(room_name(event.slug, "site"))
    join_room(site_room(site.id))
    run_join_hooks("site", event.slug, site=site)


def register(socketio):
    for audience, roles in STAFF_AUDIENCES.items():
        socketio.on_event("connect", _staff_connect(audience, roles), namespace=NAMESPACES[audience])
    for audience in ("public", "overlay"):
        socketio.on_event("connect", _anonymous_connect(audience), namespace=NAMESPACES[audience])
    socketio.on_event("connect", _site_connect, namespace=NAMESPACES["site"])
    socketio.on_event("connect", _chair_connect, namespace=NAMESPACES["chair"])
