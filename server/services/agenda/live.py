"""The live run of an agenda: current/next item, "take", the countdown, the lower third.

``Event.current_item_id`` is the live pointer; ``AgendaLive`` holds the countdown (absolute
end time), the slide on screen and the lower third, so every display and every restarted
process resumes from the database. Each change commits, applies OBS cues through
``server.services.agenda.cues`` and broadcasts to the event's crew, public and overlay rooms.
"""
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from server.extensions import db
from server.models.agenda import AgendaLive
from server.models.event import Event
from server.services import ownership
from server.services.agenda import items as agenda
from server.services.agenda import timer
from server.services.broadcast import broadcast
from server.services.agenda.cues import CLOCK_SOURCE, apply_cues
from server.services.errors import Conflict, ServiceError
from server.services.events import get_event
from server.services.overlays.native_text import push_text

AUDIENCES = ("crew", "public", "overlay")
NUDGE_LIMIT_S = 3600


def live_of(event, create=True):
    live = db.session.get(AgendaLive, event.id)
    if live is None and create:
        live = AgendaLive(event_id=event.id, timer_duration_s=0, warning_s=120, danger_s=30, slide_index=0,
                          lower_third="", logo_path="")
        db.session.add(live)
        db.session.flush()
    return live


def _neighbours(event):
    items = agenda.items_of(event)
    index = next((i for i, it in enumerate(items) if it.id == event.current_item_id), None)
    current = items[index] if index is not None else None
    following = items[index + 1] if index is not None and index + 1 < len(items) else (
        items[0] if index is None and items else None)
    return items, current, following


def drift_min(current, live, at):
    """Minutes the schedule runs late (positive) or early (negative), from the current item's
    planned end vs its projected end (timer end, or now when in overtime)."""
    if current is None or current.planned_start is None:
        return None
    planned_end = current.planned_start + timedelta(minutes=current.duration_min)
    left = timer.remaining_s(live, at) if live is not None and live.timer_item_id == current.id else None
    if left is not None:
        projected_end = at + timedelta(seconds=max(left, 0))
    elif current.actual_start is not None:
        projected_end = current.actual_start + timedelta(minutes=current.duration_min)
    else:
        return None
    return round((projected_end - planned_end).total_seconds() / 60)


def agenda_state(event, public=False):
    """Everything the agenda displays need: items, current, next, drift, timer, lower third."""
    items, current, following = _neighbours(event)
    live = live_of(event, create=False)
    at = timer.now()
    return {
        "event": event.slug,
        "items": [agenda.item_to_dict(item, public=public) for item in items],
        "current_id": current.id if current else None,
        "next_id": following.id if following else None,
        "current": agenda.item_to_dict(current, public=public) if current else None,
        "next": agenda.item_to_dict(following, public=public) if following else None,
        "drift_min": drift_min(current, live, at),
        "timer": timer.view(live, at),
        "lower_third": live.lower_third if live else "",
    }


def broadcast_agenda(event):
    crew = agenda_state(event)
    public = agenda_state(event, public=True)
    broadcast("agenda_state", crew, event.slug, "crew")
    broadcast("agenda_state", public, event.slug, "public")
    broadcast("agenda_state", public, event.slug, "overlay")


def broadcast_timer(event, live):
    payload = timer.view(live, timer.now())
    for audience in AUDIENCES:
        broadcast("timer_state", payload, event.slug, audience)
    push_text(event.slug, CLOCK_SOURCE, timer.format_clock(payload["remaining_s"]))


def lower_third_payload(text, visible=None):
    name, _sep, title = (text or "").partition(" — ")
    return {"text": text or "", "name": name.strip(), "title": title.strip(),
            "visible": bool(text) if visible is None else visible}


def broadcast_lower_third(event, text):
    payload = lower_third_payload(text)
    broadcast("lower_third", payload, event.slug, "overlay")
    broadcast("lower_third", payload, event.slug, "crew")


def take_next(event_slug):
    """Make the next item current: timer, lower third, slides, OBS cues. Returns the result."""
    event = get_event(event_slug)
    _items, _current, following = _neighbours(event)
    if following is None:
        raise Conflict("agenda_end", _l("Đã hết chương trình, không còn nội dung tiếp theo."))
    return _take(event, following)


def take_item(event_slug, item_id):
    """Make a chosen item current (go back, skip ahead)."""
    event = get_event(event_slug)
    return _take(event, agenda.get_item(event, item_id))


def _take(event, item):
    from server.services.slides import decks as slides

    at = timer.now()
    previous = db.session.get(type(item), event.current_item_id) if event.current_item_id else None
    if previous is not None and previous.id != item.id and previous.actual_end is None:
        previous.actual_end = at
    item.actual_start = at
    item.actual_end = None
    event.current_item_id = item.id
    live = live_of(event)
    timer.start(live, item.duration_min * 60, at)
    live.timer_item_id = item.id
    live.lower_third = item.cue_lower_third
    deck_changed = False
    if item.slide_deck_id and item.slide_deck_id != live.deck_id:
        live.deck_id, live.slide_index, deck_changed = item.slide_deck_id, 0, True
    live.updated_at = at
    db.session.commit()
    cues = apply_cues(event.slug, scene=item.cue_scene, lower_third=item.cue_lower_third,
                      media_input=item.cue_media_input)
    broadcast_agenda(event)
    broadcast_timer(event, live)
    broadcast_lower_third(event, live.lower_third)
    if deck_changed:
        slides.broadcast_slide(event)
    return {"ok": True, "current": agenda.item_to_dict(item), "cues": cues, "timer": timer.view(live, at)}


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
        raise ServiceError("invalid_thresholds", _l("Ngưỡng cảnh báo phải lớn hơn hoặc bằng ngưỡng nguy hiểm."),
                           status=422)
    event = get_event(event_slug)
    live = live_of(event)
    live.warning_s, live.danger_s = warning_s, danger_s
    db.session.commit()
    broadcast_timer(event, live)
    return timer.view(live, timer.now())


def set_lower_third(event_slug, text):
    """Show (or hide, with '') a lower third by hand, outside the agenda's cues."""
    from server.services.text import clean

    event = get_event(event_slug)
    live = live_of(event)
    live.lower_third = clean(text, 300)
    db.session.commit()
    apply_cues(event.slug, lower_third=live.lower_third)
    broadcast_lower_third(event, live.lower_third)
    return lower_third_payload(live.lower_third)


def current_lower_third(event):
    live = live_of(event, create=False)
    return lower_third_payload(live.lower_third if live else "")


def push_clocks_once(at=None):
    """The countdown text of every running timer to OBS, for the events this process runs."""
    at = at or timer.now()
    rows = db.session.execute(db.select(AgendaLive, Event.slug)
                              .join(Event, Event.id == AgendaLive.event_id)
                              .where(AgendaLive.timer_ends_at.is_not(None))).all()
    for live, slug in rows:
        if ownership.runs_here(slug):  # one process pushes each event's clock
            push_text(slug, CLOCK_SOURCE, timer.format_clock(timer.remaining_s(live, at)))
