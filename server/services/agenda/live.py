"""The live run of an agenda: current/next item, "take" and its undo, the countdown, the lower third.

``Event.current_item_id`` is the live pointer; ``AgendaLive`` (``live_row``) holds the countdown
(absolute end time), the slide on screen, the lower third and what the last take replaced, so
every display and every restarted process resumes from the database. Each change commits,
applies OBS cues through ``server.services.agenda.cues`` and broadcasts to the event's crew,
public and overlay rooms. The agenda state itself is ``server.services.agenda.state``.
"""

import json
import logging
from datetime import datetime

from flask_babel import lazy_gettext as _l

from server.extensions import db
from server.models.agenda import AgendaItem, AgendaLive
from server.models.event import Event
from server.services import ownership
from server.services.agenda import items as agenda
from server.services.agenda import timer
from server.services.agenda.cues import CLOCK_SOURCE, apply_cues, drives_obs
from server.services.agenda.live_row import live_of
from server.services.agenda.state import agenda_state, broadcast_agenda, drift_min, neighbours  # noqa: F401
from server.services.archive import observe as archive
from server.services.broadcast import broadcast
from server.services.errors import Conflict, ServiceError
from server.services.events import get_event
from server.services.overlays.native_text import push_text
from server.services.slides import decks as slides
from server.services.text import clean

log = logging.getLogger(__name__)
audit = logging.getLogger("bridgecast.audit.agenda")

AUDIENCES = ("crew", "public", "overlay")
NUDGE_LIMIT_S = 3600


def broadcast_timer(event, live):
    payload = timer.view(live, timer.now())
    for audience in AUDIENCES:
        broadcast("timer_state", payload, event.slug, audience)
    push_text(event.slug, CLOCK_SOURCE, timer.format_clock(payload["remaining_s"]))


def lower_third_payload(text, visible=None):
    name, _sep, title = (text or "").partition(" — ")
    return {
        "text": text or "",
        "name": name.strip(),
        "title": title.strip(),
        "visible": bool(text) if visible is None else visible,
    }


def broadcast_lower_third(event, text):
    payload = lower_third_payload(text)
    broadcast("lower_third", payload, event.slug, "overlay")
    broadcast("lower_third", payload, event.slug, "crew")


def take_next(event_slug, actor=""):
    """Make the next item current: timer, lower third, slides, OBS cues. Returns the result."""
    event = get_event(event_slug)
    _items, _current, following = neighbours(event)
    if following is None:
        raise Conflict("agenda_end", _l("Đã hết chương trình, không còn nội dung tiếp theo."))
    return _take(event, following, actor)


def take_item(event_slug, item_id, actor=""):
    """Make a chosen item current (go back, skip ahead)."""
    event = get_event(event_slug)
    return _take(event, agenda.get_item(event, item_id), actor)


def _take(event, item, actor=""):
    at = timer.now()
    previous = db.session.get(AgendaItem, event.current_item_id) if event.current_item_id else None
    live = live_of(event)
    live.undo_state = json.dumps(_snapshot(event, live, previous, item))
    ended = previous if previous is not None and previous.id != item.id and previous.actual_end is None else None
    if ended is not None:
        ended.actual_end = at
    item.actual_start = at
    item.actual_end = None
    event.current_item_id = item.id
    timer.start(live, item.duration_min * 60, at)
    live.timer_item_id = item.id
    if item.warning_s is not None and item.danger_s is not None:  # the item's own thresholds
        live.warning_s, live.danger_s = item.warning_s, item.danger_s
    message_changed = bool(live.speaker_message)
    live.speaker_message = ""  # a new speaker starts without the last one's message
    live.lower_third = item.cue_lower_third
    deck_changed = False
    if item.slide_deck_id and item.slide_deck_id != live.deck_id:
        live.deck_id, live.slide_index, deck_changed = item.slide_deck_id, 0, True
    live.updated_at = at
    db.session.commit()
    archive.on_take(event, ended, item, at, actor)  # as-run rows, and a chapter while recording
    cues = apply_cues(
        event.slug, scene=item.cue_scene, lower_third=item.cue_lower_third, media_input=item.cue_media_input
    )
    broadcast_agenda(event)
    broadcast_timer(event, live)
    broadcast_lower_third(event, live.lower_third)
    if message_changed:
        broadcast_speaker_message(event, live.speaker_message)
    if deck_changed:
        slides.broadcast_slide(event)
    return {"current": agenda.item_to_dict(item), "cues": cues, "timer": timer.view(live, at)}


def _iso(value):
    return value.isoformat() if value else None


def _when(value):
    return datetime.fromisoformat(value) if value else None


def _snapshot(event, live, previous, taken):
    """What a take is about to replace, for ``undo_take``: the pointer, both items' actual
    times, the countdown as it stands (absolute end, or seconds left while paused), the lower
    third and the slide on screen."""
    return {
        "taken_id": taken.id,
        "previous_id": previous.id if previous is not None else None,
        "previous_actual_end": _iso(previous.actual_end) if previous is not None else None,
        "taken_actual_start": _iso(taken.actual_start),
        "taken_actual_end": _iso(taken.actual_end),
        "timer_item_id": live.timer_item_id,
        "timer_duration_s": live.timer_duration_s,
        "timer_ends_at": _iso(live.timer_ends_at),
        "timer_paused_remaining_s": live.timer_paused_remaining_s,
        "lower_third": live.lower_third or "",
        "deck_id": live.deck_id,
        "slide_index": live.slide_index,
    }


NOTHING_TO_UNDO = _l("Không có lần chuyển nội dung nào để hoàn tác.")
UNDO_STALE = _l("Chương trình đã thay đổi sau lần chuyển này, không thể hoàn tác.")


def _undo_snapshot(event, live):
    if live is None or not live.undo_state:
        raise Conflict("nothing_to_undo", NOTHING_TO_UNDO)
    snap = json.loads(live.undo_state)
    taken = db.session.get(AgendaItem, snap["taken_id"])
    previous = db.session.get(AgendaItem, snap["previous_id"]) if snap["previous_id"] else None
    if event.current_item_id != snap["taken_id"] or taken is None or (snap["previous_id"] and previous is None):
        raise Conflict("undo_stale", UNDO_STALE)
    return snap, taken, previous


def undo_take(event_slug, actor="?"):
    """Undo the last take: the previous item is current again with the countdown it had (its
    elapsed time keeps counting, the countdown does not restart), its lower third and slide.

    Its scene cue is applied again (media is not restarted). One undo per take."""
    event = get_event(event_slug)
    live = live_of(event, create=False)
    snap, taken, previous = _undo_snapshot(event, live)
    at = timer.now()
    taken.actual_start, taken.actual_end = _when(snap["taken_actual_start"]), _when(snap["taken_actual_end"])
    if previous is not None:
        previous.actual_end = _when(snap["previous_actual_end"])
    event.current_item_id = previous.id if previous is not None else None
    live.timer_item_id, live.timer_duration_s = snap["timer_item_id"], snap["timer_duration_s"]
    live.timer_ends_at = _when(snap["timer_ends_at"])
    live.timer_paused_remaining_s = snap["timer_paused_remaining_s"]
    live.lower_third = snap["lower_third"]
    deck_changed = (live.deck_id, live.slide_index) != (snap["deck_id"], snap["slide_index"])
    live.deck_id, live.slide_index = snap["deck_id"], snap["slide_index"]
    live.undo_state = None
    live.updated_at = at
    db.session.commit()
    audit.info(
        "agenda take undone: event=%s from item=%s back to item=%s by=%s",
        event.slug,
        taken.id,
        snap["previous_id"],
        actor,
    )
    archive.on_undo(event, taken, previous, at, actor)
    cues = apply_cues(
        event.slug, scene=previous.cue_scene if previous is not None else "", lower_third=live.lower_third
    )
    broadcast_agenda(event)
    broadcast_timer(event, live)
    broadcast_lower_third(event, live.lower_third)
    if deck_changed:
        slides.broadcast_slide(event)
    return {
        "current": agenda.item_to_dict(previous) if previous is not None else None,
        "cues": cues,
        "timer": timer.view(live, at),
    }


def _timer_change(event_slug, change):
    event = get_event(event_slug)
    live = live_of(event)
    at = timer.now()
    if not change(live, at):
        raise Conflict("timer_idle", _l("Đồng hồ chưa chạy hoặc đã ở trạng thái này."))
    live.updated_at = at
    db.session.commit()
    broadcast_timer(event, live)
    broadcast_agenda(event)  # the drift changes with the timer
    return timer.view(live, at)


def pause_timer(event_slug):
    return _timer_change(event_slug, timer.pause)


def resume_timer(event_slug):
    return _timer_change(event_slug, timer.resume)


def nudge_timer(event_slug, seconds):
    if not isinstance(seconds, int) or isinstance(seconds, bool) or not -NUDGE_LIMIT_S <= seconds <= NUDGE_LIMIT_S:
        raise ServiceError("invalid_nudge", _l("Số giây điều chỉnh không hợp lệ."), status=422)
    return _timer_change(event_slug, lambda live, _at: timer.nudge(live, seconds))


def set_thresholds(event_slug, warning_s, danger_s):
    ok = all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 3600 for v in (warning_s, danger_s))
    if not ok or danger_s > warning_s:
        raise ServiceError(
            "invalid_thresholds", _l("Ngưỡng cảnh báo phải lớn hơn hoặc bằng ngưỡng nguy hiểm."), status=422
        )
    event = get_event(event_slug)
    live = live_of(event)
    live.warning_s, live.danger_s = warning_s, danger_s
    db.session.commit()
    broadcast_timer(event, live)
    return timer.view(live, timer.now())


def set_lower_third(event_slug, text):
    """Show (or hide, with '') a lower third by hand, outside the agenda's cues."""
    event = get_event(event_slug)
    live = live_of(event)
    live.lower_third = clean(text, 300)
    db.session.commit()
    apply_cues(event.slug, lower_third=live.lower_third)
    broadcast_lower_third(event, live.lower_third)
    return lower_third_payload(live.lower_third)


def speaker_message_payload(text):
    return {"text": text or "", "visible": bool(text)}


def broadcast_speaker_message(event, text):
    payload = speaker_message_payload(text)
    broadcast("speaker_message", payload, event.slug, "overlay")
    broadcast("speaker_message", payload, event.slug, "crew")


def set_speaker_message(event_slug, text):
    """Show a message to the speaker on the speaker timer ("Xin mời kết thúc"), or clear it."""
    event = get_event(event_slug)
    live = live_of(event)
    live.speaker_message = clean(text, 300)
    db.session.commit()
    audit.info("speaker message on %s: %r", event.slug, live.speaker_message)
    broadcast_speaker_message(event, live.speaker_message)
    return speaker_message_payload(live.speaker_message)


def current_speaker_message(event):
    live = live_of(event, create=False)
    return speaker_message_payload(live.speaker_message if live else "")


def current_lower_third(event):
    live = live_of(event, create=False)
    return lower_third_payload(live.lower_third if live else "")


def push_clocks_once(at=None):
    """The countdown text of every running timer to OBS, for the events this process runs and
    whose OBS they own (two events on one OBS must not overwrite each other's clock)."""
    at = at or timer.now()
    rows = db.session.execute(
        db.select(AgendaLive, Event.slug)
        .join(Event, Event.id == AgendaLive.event_id)
        .where(AgendaLive.timer_ends_at.is_not(None))
    ).all()
    for live, slug in rows:
        if ownership.runs_here(slug) and drives_obs(slug):  # one process, one OBS owner
            push_text(slug, CLOCK_SOURCE, timer.format_clock(timer.remaining_s(live, at)))
