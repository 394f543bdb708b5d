"""Socket.IO for the agenda area: the state a display gets when it joins.

A (re)joining display receives the current agenda, timer, lower third and slide at once, so a
reload or a server restart lands on the right state. The agenda's crew events (take, undo,
timer, lower third) and the slides' are commands: ``server/services/agenda/commands.py``,
``server/services/slides/commands.py``.
"""

from flask_socketio import emit

from server.realtime.guard import on_join
from server.services.agenda import live as agenda_live
from server.services.agenda import timer
from server.services.agenda.live_row import live_of
from server.services.events import get_event
from server.services.overlays.theme import theme_of
from server.services.slides import decks as slides


def _send_state(audience, event_slug):
    event = get_event(event_slug)
    public = audience != "crew"
    emit("agenda_state", agenda_live.agenda_state(event, public=public))
    emit("timer_state", timer.view(live_of(event, create=False), timer.now()))
    emit("slide_state", slides.slide_state(event))
    if audience in ("crew", "overlay"):
        emit("lower_third", agenda_live.current_lower_third(event))
        emit("speaker_message", agenda_live.current_speaker_message(event))
    if audience == "overlay":
        emit("theme", theme_of(event))


@on_join("crew")
def _crew_joined(event_slug, _context):
    _send_state("crew", event_slug)


@on_join("public")
def _public_joined(event_slug, _context):
    _send_state("public", event_slug)


@on_join("overlay")
def _overlay_joined(event_slug, _context):
    _send_state("overlay", event_slug)
