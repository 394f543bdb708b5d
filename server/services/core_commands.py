"""Commands every staff client needs: who am I, which events exist, and (admin) which events this
server process runs."""

from server.extensions import db
from server.models.event import Event
from server.services import ownership
from server.services.commands import command


@command(
    "core.me",
    roles=("admin", "crew", "moderator"),
    http="GET /me",
    why_no_socket="a socket is opened by a logged-in page that already knows its user",
    endpoint="me",
)
def me(call, data):
    """The role and identity behind the presented credentials."""
    return {"role": call.actor.role, "actor": call.actor.label}


@command(
    "core.events",
    roles=("admin", "crew", "moderator"),
    http="GET /events",
    why_no_socket="a socket belongs to one event; the list of events is read before connecting",
    endpoint="events",
)
def events(call, data):
    """Every active event."""
    rows = db.session.scalars(db.select(Event).filter_by(is_active=True).order_by(Event.id)).all()
    return {"events": [e.to_public() for e in rows]}


@command(
    "core.ownership",
    roles=("admin",),
    http="GET /ops/ownership",
    why_no_socket="a diagnostic of one server process, read by scripts and the cluster tests",
    endpoint="ownership_state",
)
def ownership_state(call, data):
    """This process's node id, lock backend and the events whose background work it runs."""
    mgr = ownership.manager()
    return {"node": mgr.backend.node, "backend": mgr.backend.kind, "ttl_s": mgr.ttl, "owned": mgr.owned()}
