"""The overview of every active event for the crew chief's wall (``/wall``, ``GET /api/v1/overview``).

Owns ``overview()``: one tile per active event with its OBS link, stream and recording, fan pages
live, bridge points by state with their open alerts (incidents not resolved yet), questions
waiting and on air, and the current agenda item with its drift. Cheap on purpose (the wall polls
it every 2 s): one grouped query per kind over all events (sites, incidents, questions,
destinations, agenda items, live rows), never one per site; OBS and restream states are read from
the in-memory runtimes.
"""

from sqlalchemy import func, select

from server.extensions import db
from server.models.agenda import AgendaItem, AgendaLive
from server.models.destination import Destination
from server.models.event import Event
from server.models.question import Question
from server.models.site import Site, SiteIncident
from server.services.agenda import timer
from server.services.agenda.state import drift_s
from server.services.bridges.incidents import OPEN as OPEN_INCIDENTS

SITE_STATES = ("online", "degraded", "offline", "never_seen")
QUESTION_STATES = ("pending", "on_air")


def _grouped(query):
    """``{(event_id, key): count}`` from a ``(event_id, key, count)`` query."""
    return {(event_id, key): count for event_id, key, count in db.session.execute(query).all()}


def _site_counts(ids):
    rows = _grouped(
        select(Site.event_id, Site.state, func.count())
        .where(Site.event_id.in_(ids), Site.is_active.is_(True))
        .group_by(Site.event_id, Site.state)
    )
    alerts = dict(
        db.session.execute(
            select(SiteIncident.event_id, func.count())
            .where(SiteIncident.event_id.in_(ids), SiteIncident.status.in_(OPEN_INCIDENTS))
            .group_by(SiteIncident.event_id)
        ).all()
    )
    out = {}
    for event_id in ids:
        counts = {state: rows.get((event_id, state), 0) for state in SITE_STATES}
        counts["total"] = sum(n for (eid, _s), n in rows.items() if eid == event_id)
        counts["open_alerts"] = alerts.get(event_id, 0)
        out[event_id] = counts
    return out


def _question_counts(ids):
    rows = _grouped(
        select(Question.event_id, Question.status, func.count())
        .where(Question.event_id.in_(ids), Question.status.in_(QUESTION_STATES))
        .group_by(Question.event_id, Question.status)
    )
    return {event_id: {state: rows.get((event_id, state), 0) for state in QUESTION_STATES} for event_id in ids}


def _destinations(events, status_of):
    """``{event_id: {"live", "total"}}`` over enabled fan pages; live = its pusher says so."""
    ids = [e.id for e in events]
    slugs = {e.id: e.slug for e in events}
    out = {event_id: {"live": 0, "total": 0} for event_id in ids}
    rows = db.session.execute(
        select(Destination.event_id, Destination.id).where(Destination.event_id.in_(ids), Destination.enabled.is_(True))
    ).all()
    for event_id, dest_id in rows:
        out[event_id]["total"] += 1
        if ((status_of(slugs[event_id], dest_id) or {}).get("state")) == "live":
            out[event_id]["live"] += 1
    return out


def _current_items(events):
    """``{event_id: {"title", "drift_s"}}`` for events with a current item."""
    wanted = [e.current_item_id for e in events if e.current_item_id]
    if not wanted:
        return {}
    items = {i.id: i for i in db.session.scalars(select(AgendaItem).where(AgendaItem.id.in_(wanted)))}
    lives = {
        r.event_id: r
        for r in db.session.scalars(select(AgendaLive).where(AgendaLive.event_id.in_([e.id for e in events])))
    }
    at = timer.now()
    out = {}
    for event in events:
        item = items.get(event.current_item_id)
        if item is not None and item.event_id == event.id:
            out[event.id] = {"id": item.id, "title": item.title, "drift_s": drift_s(item, lives.get(event.id), at)}
    return out


def _obs(state):
    return {
        "connected": state.get("status") == "connected",
        "status": state.get("status"),
        "program_scene": state.get("program_scene"),
    }


def overview(obs_state, destination_status):
    """Every active event's tile. ``obs_state(slug, side)`` and ``destination_status(slug, dest_id)``
    read the runtimes (injected, so this stays testable without OBS or ffmpeg); the OBS shown is
    the one on air (``Event.obs_on_air``, "backup" after a switch to the standby OBS)."""
    events = db.session.scalars(select(Event).filter_by(is_active=True).order_by(Event.id)).all()
    ids = [e.id for e in events]
    sites, questions = _site_counts(ids), _question_counts(ids)
    dests, current = _destinations(events, destination_status), _current_items(events)
    tiles = []
    for event in events:
        side = "backup" if event.obs_backup_url and event.obs_on_air == "backup" else "primary"
        state = obs_state(event.slug, side) or {}
        tiles.append(
            {
                "slug": event.slug,
                "name": event.name,
                "obs": {**_obs(state), "side": side},
                "stream": {"state": (state.get("stream") or {}).get("state", "unknown")},
                "record": {"state": (state.get("record") or {}).get("state", "unknown")},
                "destinations": dests[event.id],
                "sites": sites[event.id],
                "questions": questions[event.id],
                "current_item": current.get(event.id),
            }
        )
    return tiles
