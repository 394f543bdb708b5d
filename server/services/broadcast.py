"""Broadcasting to Socket.IO rooms: one namespace per audience, one room per event.

Services call ``broadcast`` after they have persisted a change. Nothing here touches a
request; with a Redis message queue the emit reaches clients on every process.
"""

from server.extensions import socketio

NAMESPACES = {
    "crew": "/crew",
    "moderation": "/moderation",
    "admin": "/admin",
    "site": "/site",
    "public": "/public",
    "overlay": "/overlay",
    "chair": "/chair",  # the chair view: staff, or a chair link's key (server/realtime/connections.py)
}


def room_name(event_slug, audience):
    """The room of one audience of one event, e.g. ``event:demo-plenary:crew``."""
    return f"event:{event_slug}:{audience}"


def broadcast(name, payload, event_slug, audience):
    """Emit ``name`` to everyone of ``audience`` following ``event_slug`` (for ``chair``: the staff
    and the tablets of chair links, whose room a revocation closes)."""
    rooms = room_name(event_slug, audience)
    if audience == "chair":
        rooms = [rooms, room_name(event_slug, "chair-key")]
    socketio.emit(name, payload, to=rooms, namespace=NAMESPACES[audience])


def send_to(name, payload, room, audience):
    """Emit to an arbitrary room of an audience's namespace (e.g. one site's room)."""
    socketio.emit(name, payload, to=room, namespace=NAMESPACES[audience])
