"""The public live agenda ``/e/<slug>``: phone first, the current item highlighted, live
updates with JavaScript, a plain list (refreshing itself) without it."""

from flask import Blueprint, render_template

from server.services.agenda import live as agenda_live
from server.services.events import get_event

bp = Blueprint("public_agenda", __name__)


@bp.get("/e/<slug>")
def agenda(slug):
    event = get_event(slug)
    return render_template("public/agenda.html", event=event, state=agenda_live.agenda_state(event, public=True))
