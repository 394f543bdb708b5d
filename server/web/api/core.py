"""Core API routes: who am I, and the list of events."""
from flask import g, jsonify

from server.extensions import db
from server.models.event import Event
from server.web.api import api_bp, token_required


@api_bp.get("/me")
@token_required("admin", "crew", "moderator")
def me():
    """The role and identity behind the presented credentials."""
    return jsonify({"role": g.api_role, "actor": g.api_actor})


@api_bp.get("/events")
@token_required("admin", "crew", "moderator")
def events():
    """Every active event."""
    rows = db.session.scalars(db.select(Event).filter_by(is_active=True).order_by(Event.id)).all()
    return jsonify({"events": [e.to_public() for e in rows]})
