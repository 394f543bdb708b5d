"""The agenda area's commands: read the agenda, take next / an item and undo a take, the
countdown (pause, resume, nudge, thresholds), the lower third and the agenda's order.

Bound to REST (``/api/v1``) and Socket.IO (``/crew``) by the command registry
(``server/services/commands.py``); a Stream Deck uses the same REST routes as the panel's socket.
"""

from typing import Annotated

from pydantic import Field

from server.services.agenda import editing
from server.services.agenda import live as agenda_live
from server.services.commands import Input, command
from server.services.fields import Id, ShortText, StrictInt

NudgeSeconds = Annotated[StrictInt, Field(ge=-agenda_live.NUDGE_LIMIT_S, le=agenda_live.NUDGE_LIMIT_S)]
Threshold = Annotated[StrictInt, Field(ge=0, le=3600)]


@command(
    "agenda.state",
    roles=("crew", "moderator"),
    http="GET /events/<slug>/agenda",
    why_no_socket="a crew socket receives agenda_state when it joins and on every change",
    endpoint="agenda_get",
)
def agenda_get(call, data):
    """Items, current and next item, drift, timer and lower third."""
    return agenda_live.agenda_state(call.event)


# ---- the live pointer -----------------------------------------------------------------------


@command(
    "agenda.next",
    roles=("crew",),
    http="POST /events/<slug>/agenda/next",
    socket="crew:agenda_next",
    endpoint="agenda_next",
)
def agenda_next(call, data):
    """Take the next item: its cues (scene, lower third, slides, media) and its timer."""
    return agenda_live.take_next(call.event.slug, actor=call.actor.name)


class Take(Input):
    item_id: Id


@command(
    "agenda.take",
    roles=("crew",),
    input=Take,
    http="POST /events/<slug>/agenda/take",
    socket="crew:agenda_take",
    endpoint="agenda_take",
)
def agenda_take(call, data):
    """Take a chosen item (go back, skip ahead): its cues and its timer."""
    return agenda_live.take_item(call.event.slug, data.item_id, actor=call.actor.name)


@command(
    "agenda.undo",
    roles=("crew",),
    http="POST /events/<slug>/agenda/undo",
    socket="crew:agenda_undo",
    endpoint="agenda_undo",
)
def agenda_undo(call, data):
    """Undo the last take: the previous item is current again with its countdown where it was."""
    return agenda_live.undo_take(call.event.slug, actor=call.actor.name)


class Order(Input):
    ids: list[Id]


@command(
    "agenda.reorder",
    roles=("admin",),
    input=Order,
    http="PUT /events/<slug>/agenda/order",
    why_no_socket="the admin's editor is a page that saves the order over REST; no admin socket shows it",
    endpoint="agenda_order",
)
def agenda_order(call, data):
    """Set the agenda's order (every item of the event, each once)."""
    return {"ids": [item.id for item in editing.reorder(call.event.slug, data.ids)]}


# ---- the countdown --------------------------------------------------------------------------


@command(
    "agenda.timer_pause",
    roles=("crew",),
    http="POST /events/<slug>/agenda/timer/pause",
    socket="crew:timer_pause",
    endpoint="agenda_timer_pause",
)
def timer_pause(call, data):
    """Pause the speaker countdown."""
    return {"timer": agenda_live.pause_timer(call.event.slug)}


@command(
    "agenda.timer_resume",
    roles=("crew",),
    http="POST /events/<slug>/agenda/timer/resume",
    socket="crew:timer_resume",
    endpoint="agenda_timer_resume",
)
def timer_resume(call, data):
    """Resume the paused countdown."""
    return {"timer": agenda_live.resume_timer(call.event.slug)}


class Nudge(Input):
    seconds: NudgeSeconds


@command(
    "agenda.timer_nudge",
    roles=("crew",),
    input=Nudge,
    http="POST /events/<slug>/agenda/timer/nudge",
    socket="crew:timer_nudge",
    endpoint="agenda_timer_nudge",
)
def timer_nudge(call, data):
    """Add (or, negative, remove) seconds, running or paused."""
    return {"timer": agenda_live.nudge_timer(call.event.slug, data.seconds)}


class Thresholds(Input):
    warning_s: Threshold
    danger_s: Threshold


@command(
    "agenda.timer_thresholds",
    roles=("crew",),
    input=Thresholds,
    http="POST /events/<slug>/agenda/timer/thresholds",
    socket="crew:timer_thresholds",
    endpoint="agenda_timer_thresholds",
)
def timer_thresholds(call, data):
    """Set the warning and danger thresholds (seconds left; warning ≥ danger)."""
    return {"timer": agenda_live.set_thresholds(call.event.slug, data.warning_s, data.danger_s)}


# ---- the speaker ---------------------------------------------------------------------------


class SpeakerMessage(Input):
    text: ShortText = ""


@command(
    "agenda.speaker_message",
    roles=("crew",),
    input=SpeakerMessage,
    http="POST /events/<slug>/agenda/speaker-message",
    socket="crew:speaker_message",
    endpoint="agenda_speaker_message",
)
def speaker_message(call, data):
    """Show a message on the speaker timer ("Xin mời kết thúc"), or clear it with an empty text."""
    return {"speaker_message": agenda_live.set_speaker_message(call.event.slug, data.text)}


# ---- the lower third ------------------------------------------------------------------------


class LowerThird(Input):
    text: ShortText = ""


@command(
    "agenda.lower_third",
    roles=("crew",),
    input=LowerThird,
    http="POST /events/<slug>/agenda/lower-third",
    socket="crew:lower_third_set",
    endpoint="lower_third_set",
)
def lower_third_set(call, data):
    """Show a lower third by hand ("Name — Title"), or hide it with an empty text."""
    return {"lower_third": agenda_live.set_lower_third(call.event.slug, data.text)}
