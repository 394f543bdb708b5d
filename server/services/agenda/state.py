"""What the agenda displays show: the agenda state (items, current, next, drift, timer, lower
third) and its broadcast to the crew, phones and overlays.

Depends on ``items`` (shapes), ``timer`` and ``live_row`` only, so both the editor
(``editing``) and the live run (``live``) can broadcast without importing each other.
"""

from datetime import timedelta

from server.services.agenda import items as agenda
from server.services.agenda import timer
from server.services.agenda.live_row import live_of
from server.services.broadcast import broadcast


def neighbours(event):
    """``(items, current, following)``: before the first take, "following" is the first item."""
    items = agenda.items_of(event)
    index = next((i for i, it in enumerate(items) if it.id == event.current_item_id), None)
    current = items[index] if index is not None else None
    following = (
        items[index + 1]
        if index is not None and index + 1 < len(items)
        else (items[0] if index is None and items else None)
    )
    return items, current, following


def drift_s(current, live, at):
    """Seconds the schedule runs late (positive) or early (negative), from the current item's
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
    return round((projected_end - planned_end).total_seconds())


def drift_min(current, live, at):
    """``drift_s`` in whole minutes (what the agenda displays show)."""
    seconds = drift_s(current, live, at)
    return None if seconds is None else round(seconds / 60)


def agenda_state(event, public=False):
    """Everything the agenda displays need: items, current, next, drift, timer, lower third."""
    items, current, following = neighbours(event)
    live = live_of(event, create=False)
    at = timer.now()
    out = {
        "event": event.slug,
        "items": [agenda.item_to_dict(item, public=public) for item in items],
        "current_id": current.id if current else None,
        "next_id": following.id if following else None,
        "current": agenda.item_to_dict(current, public=public) if current else None,
        "next": agenda.item_to_dict(following, public=public) if following else None,
        # the drift is the crew's; viewers see it only when the event chooses (Event.public_drift)
        "drift_min": drift_min(current, live, at) if not public or event.public_drift else None,
        "timer": timer.view(live, at),
        "lower_third": live.lower_third if live else "",
    }
    if not public:
        out["can_undo"] = bool(live is not None and live.undo_state)  # the crew's "undo take" button
    return out


def broadcast_agenda(event):
    crew = agenda_state(event)
    public = agenda_state(event, public=True)
    broadcast("agenda_state", crew, event.slug, "crew")
    broadcast("agenda_state", public, event.slug, "public")
    broadcast("agenda_state", public, event.slug, "overlay")
