"""Commands every staff client needs: who am I, and which events exist."""
from server.extensions import db
from server.models.event import Event
from server.services.commands import command


@command("core.me", roles=("admin", "crew", "moderator"), http="GET /me",
         why_no_socket="a socket is opened by a logged-in page that already knows its user", endpoint="me")
def me(call, data):
    """The role and identity behind the presented credentials."""
    return {"role": call.actor.role, "actor": call.actor.label}


@command("core.events", roles=("admin", "crew", "moderator"), http="GET /events",
         why_no_socket="a socket belongs to one event; the list of events is read before connecting",
         endpoint="events")
def events(call, data):
    """Every active event."""
    rows = db.session.scalars(db.select(Event).filter_by(is_active=True).order_by(Event.id)).all()
    return {"events": [e.to_public() for e in rows]}
