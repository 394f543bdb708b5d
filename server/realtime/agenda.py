"""Socket.IO for the agenda area: the state a display gets when it joins, and crew commands
(take next, take an item, timer pause/resume/±, lower third); slides are commands
(``server/services/slides/commands.py``).

Handlers are thin: they validate the payload's shape and call the services, which persist
and broadcast. A (re)joining display receives the current agenda, timer, lower third and
slide at once, so a reload or a server restart lands on the right state.
"""
from flask_socketio import emit

from server.realtime.guard import on_join, staff_event
from server.services.agenda import live as agenda_live
from server.services.slides import decks as slides
from server.services.agenda import timer
from server.services.broadcast import NAMESPACES
from server.services.events import get_event
from server.services.overlays.theme import theme_of


def _send_state(audience, event_slug):
    event = get_event(event_slug)
    public = audience != "crew"
    emit("agenda_state", agenda_live.agenda_state(event, public=public))
    emit("timer_state", timer.view(agenda_live.live_of(event, create=False), timer.now()))
    emit("slide_state", slides.slide_state(event))
    if audience in ("crew", "overlay"):
        emit("lower_third", agenda_live.current_lower_third(event))
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


def _payload(args):
    return args[0] if args and isinstance(args[0], dict) else {}


@staff_event("crew")
def agenda_next(event_slug, _user, *_args):
    return agenda_live.take_next(event_slug)


@staff_event("crew")
def agenda_take(event_slug, _user, *args):
    return agenda_live.take_item(event_slug, _payload(args).get("item_id"))


@staff_event("crew")
def timer_pause(event_slug, _user, *_args):
    return {"ok": True, "timer": agenda_live.pause_timer(event_slug)}


@staff_event("crew")
def timer_resume(event_slug, _user, *_args):
    return {"ok": True, "timer": agenda_live.resume_timer(event_slug)}


@staff_event("crew")
def timer_nudge(event_slug, _user, *args):
    return {"ok": True, "timer": agenda_live.nudge_timer(event_slug, _payload(args).get("seconds"))}


@staff_event("crew")
def timer_thresholds(event_slug, _user, *args):
    payload = _payload(args)
    return {"ok": True, "timer": agenda_live.set_thresholds(event_slug, payload.get("warning_s"), payload.get("danger_s"))}


@staff_event("crew")
def lower_third_set(event_slug, _user, *args):
    return {"ok": True, "lower_third": agenda_live.set_lower_third(event_slug, _payload(args).get("text", ""))}


def register(socketio):
    for handler in (agenda_next, agenda_take, timer_pause, timer_resume, timer_nudge, timer_thresholds, lower_third_set):
        socketio.on_event(handler.__name__, handler, namespace=NAMESPACES["crew"])
