"""The start page (events for the logged-in user) and the health check."""

from flask import Blueprint, current_app, jsonify, redirect, render_template, url_for

from server.extensions import socketio
from server.identity import current_user
from server.services.database import check_database
from server.services.events import active_events

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """Events with the screens the user's role opens."""
    user = current_user()
    if user is None:
        return redirect(url_for("auth.login"))
    return render_template("home.html", events=active_events())


@bp.get("/healthz")
def healthz():
    """Liveness and database reachability, for load balancers and monitors."""
    db_state = check_database()
    body = {
        "status": "ok" if db_state == "ok" else "degraded",
        "db": db_state,
        "async_mode": socketio.async_mode,
        "message_queue": "redis" if current_app.config.get("REDIS_URL") else "none",
    }
    return jsonify(body), 200 if db_state == "ok" else 503
