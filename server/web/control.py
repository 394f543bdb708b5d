"""The crew's OBS control panel page (``/control/<slug>``), and the OBS runtime's start hook.

The page is a shell: state arrives over Socket.IO (``/crew``, see ``server/realtime/obs.py``).
"""

from flask import Blueprint, render_template

from server.services.events import get_event
from server.web.security import role_required

bp = Blueprint("control", __name__, url_prefix="/control")


@bp.get("/<slug>")
@role_required("crew")
def panel(slug):
    """Program/preview, scenes with tally, outputs, health, audio and media for one event."""
    event = get_event(slug)
    return render_template("control/panel.html", event=event)
