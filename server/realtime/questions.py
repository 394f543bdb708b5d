"""Live questions over Socket.IO, besides the commands: who of the moderators is looking at the
event (presence on ``/moderation``; a leaving console also stops viewing its question), the question on air sent to a newcomer on
``/moderation`` and ``/overlay``, and the chair view's snapshot sent to a newcomer on ``/chair`` (its resync after a reconnect). The commands live in ``server/services/questions/commands.py``.
"""

import threading

from flask import current_app, request
from flask_socketio import emit

from server.realtime.guard import on_join
from server.realtime.session import connected_event
from server.services.broadcast import NAMESPACES, broadcast
from server.services.events import get_event
from server.services.questions import chair, viewers
from server.services.questions import moderation as mod

_presence_lock = threading.Lock()


def _presence():
    """event slug -> {sid: name}: a per-process cache of the app, rebuilt as moderators connect."""
    return current_app.extensions.setdefault("bridgecast_question_presence", {})


def _presence_list(slug):
    with _presence_lock:
        return sorted(set(_presence().get(slug, {}).values()))


def _publish_presence(slug):
    broadcast("presence", {"moderators": _presence_list(slug)}, slug, "moderation")


@on_join("moderation")
def _moderator_joined(event_slug, context):
    user = context.get("user")
    with _presence_lock:
        _presence().setdefault(event_slug, {})[request.sid] = (user.display_name or user.username) if user else "?"
    _publish_presence(event_slug)
    event = get_event(event_slug)
    emit("question_on_air", mod.overlay_payload(mod.on_air_question(event)))


def _moderator_left(*_args):
    slug = connected_event()
    with _presence_lock:
        removed = _presence().get(slug, {}).pop(request.sid, None)
    if removed is not None:
        _publish_presence(slug)
    viewers.forget(slug, request.sid)


@on_join("overlay")
def _overlay_joined(event_slug, context):
    event = get_event(event_slug)
    emit("question_on_air", mod.overlay_payload(mod.on_air_question(event)))


@on_join("chair")
def _chair_joined(event_slug, context):
    emit("chair_snapshot", chair.snapshot(get_event(event_slug)))


def register(socketio):
    """Presence only: the commands (list, open, decisions, follow) are bound from
    ``server/services/questions/commands.py``."""
    socketio.on_event("disconnect", _moderator_left, namespace=NAMESPACES["moderation"])
