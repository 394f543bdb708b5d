"""Where the archive hears what happens, and writes it down when it happens.

- agenda takes (``agenda.live``): ``item_end`` for the item that was on, ``item_start`` for the
  one taken (with who took it), a chapter mark when a recording runs; an undo takes both back
  in the log (``take_undone``) and removes the chapter;
- OBS's outputs (``watch_obs``, a hook on the OBS runtime's state changes of the primary and
  the standby OBS, run by the event's owner process only): each OBS's record output opens and
  closes its own recording sessions (``record_start``/``record_stop``/pause/resume, from both
  OBS: every file is a fact); the stream output ``stream_start``/``stop``/``reconnecting`` of the
  OBS **on air** only (what went out: the other one's stream feeds nothing, or only the program
  feed's standby input). With a standby OBS configured, these rows name the OBS in their detail;
- a standby switch (``on_switch``, from ``standby/switch.py``): ``standby_switch``, from → to,
  by hand or automatic, who;
- the restream relay (``destination_changed``): a page going live, failing, stopping.

The OBS mirror reports a change of its ``record``/``stream`` sections on every poll (their
timecodes move); only a change of their *state* reaches the database. Rows are deduplicated
against what is already written, so a reconnect that sees the same recording adds nothing. An
OBS that is lost (link down, state ``unknown``) writes nothing: its file may still be growing;
its session closes, and ``record_stop`` is written, when that OBS reports the recording stopped.
"""

import logging
import threading

from server.extensions import db
from server.models.destination import Destination
from server.models.event import Event
from server.services.agenda import timer

from . import asrun, recording

log = logging.getLogger(__name__)

_lock = threading.RLock()
_seen = {}  # (app id, slug, side, "record"|"stream") -> last state handled
_destinations = {}  # (app id, slug, dest id) -> last destination kind logged

STREAM_KINDS = ("stream_start", "stream_stop", "stream_reconnecting")
# written into the rows (stored text, in the event's language like the titles)
SIDE_WORDS = {"primary": "OBS chính", "backup": "máy OBS dự phòng"}
REASON_WORDS = {"auto": "tự động", "manual": "bằng tay"}


# ---- the agenda ---------------------------------------------------------------------------


def on_take(event, previous, item, at, actor=""):
    """After a take is committed: the log rows and the chapter (never fails the take)."""
    try:
        if previous is not None and previous.id != item.id:
            asrun.log(event, "item_end", at, item=previous, actor=actor, commit=False)
        asrun.log(event, "item_start", at, item=item, actor=actor)
        recording.mark_take(event, item, at, actor)
    except Exception:
        db.session.rollback()
        log.exception("archive: the take of item %s on %s was not logged", item.id, event.slug)


def on_undo(event, taken, back_to, at, actor=""):
    try:
        detail = back_to.title if back_to is not None else ""
        asrun.log(event, "take_undone", at, item=taken, actor=actor, detail=detail)
        recording.unmark_take(event, taken.id)
    except Exception:
        db.session.rollback()
        log.exception("archive: the undo on %s was not logged", event.slug)


# ---- OBS's outputs ------------------------------------------------------------------------


def watch_obs(runtime):
    """Register the archive on the OBS runtime's output changes, of both OBS (see
    ``ObsRuntime.on_output``)."""
    runtime.on_output(lambda slug, diff, side: obs_changed(runtime.app, slug, diff, side))


def _detail(event, side, text=""):
    """A row's detail naming the OBS (only when the event has, or had, two)."""
    if not event.obs_backup_url and side == "primary":
        return text
    return f"{SIDE_WORDS[side]}: {text}" if text else SIDE_WORDS[side]


def obs_changed(app, slug, diff, side="primary"):
    """A state diff of one of an event's OBS (``side``: "primary" or "backup"; owner process
    only): record and stream state changes."""
    changes = []
    with _lock:
        for section in ("record", "stream"):
            value = diff.get(section)
            if not value or value.get("state") in (None, "unknown"):
                continue  # OBS away: its outputs are unknown, nothing happened to them
            key = (id(app), slug, side, section)
            old = _seen.get(key)
            if old == value["state"]:
                continue
            _seen[key] = value["state"]
            changes.append((section, old, value))
        if not changes:
            return
        with app.app_context():
            event = db.session.scalar(db.select(Event).where(Event.slug == slug))
            if event is None:
                return
            try:
                for section, old, value in changes:
                    if section == "record":
                        _record(event, old, value, timer.now(), side)
                    elif side == recording.on_air_side(event):  # the other OBS's stream is not what went out
                        _stream(event, old, value, timer.now(), side)
            except Exception:
                db.session.rollback()
                log.exception("archive: OBS output change on %s not recorded", slug)


def _record(event, old, record, at, side="primary"):
    state, path = record["state"], record.get("path") or ""
    said = _detail(event, side)
    if state == "recording":
        if old == "paused" and recording.resume(event, at, side) is not None:
            asrun.log(event, "record_resume", at, detail=said)
            return
        # learnt late (a restart, a reconnect): the file is already this long
        late = record.get("timecode") if old is None else None
        session, created = recording.start(event, at, timecode=late, path="", side=side)
        if created:
            asrun.log(event, "record_start", session.started_at, detail=said)
    elif state == "paused":
        if recording.pause(event, at, side) is not None:
            asrun.log(event, "record_pause", at, detail=said)
    elif state == "stopped":
        session = recording.stop(event, at, path=path, side=side)
        if session is not None:
            asrun.log(event, "record_stop", at, detail=_detail(event, side, session.output_path))
        else:
            recording.set_path(event, path, side)


def _stream(event, old, stream, at, side="primary"):
    state = stream["state"]
    last = asrun.last_kind(event, STREAM_KINDS)
    if state == "live" and last != "stream_start":
        again = "reconnected" if last == "stream_reconnecting" else ""
        asrun.log(event, "stream_start", at, detail=_detail(event, side, again))
    elif state == "reconnecting" and last == "stream_start":
        asrun.log(event, "stream_reconnecting", at, detail=_detail(event, side))
    elif state == "stopped" and last in ("stream_start", "stream_reconnecting"):
        asrun.log(event, "stream_stop", at, detail=_detail(event, side))


# ---- the standby switch -------------------------------------------------------------------


def on_switch(event, before, after, reason, actor="", at=None):
    """After a switch is stored: its row (never fails the switch)."""
    try:
        how = REASON_WORDS.get(reason, reason)
        detail = f"{SIDE_WORDS[before]} → {SIDE_WORDS[after]} ({how})"
        asrun.log(event, "standby_switch", at or timer.now(), actor=actor or "", detail=detail)
    except Exception:
        db.session.rollback()
        log.exception("archive: the switch on %s was not logged", event.slug)


# ---- restream destinations ----------------------------------------------------------------

DESTINATION_KIND = {"live": "destination_live", "failed": "destination_failed", "retrying": "destination_failed"}


def destination_changed(app, slug, dest_id, status):
    """A destination's relay status changed (inside an app context): log a page going live,
    failing (once per failure run, with the reason) or stopping after either."""
    kind = DESTINATION_KIND.get(status.get("state"))
    error = status.get("last_error") or {}
    if kind == "destination_failed" and not error:
        return
    key = (id(app), slug, dest_id)
    with _lock:
        last = _destinations.get(key)
        if kind is None:
            if status.get("state") != "idle" or last in (None, "destination_stopped"):
                return
            kind = "destination_stopped"
        if kind == last:
            return
        _destinations[key] = kind
    try:
        event = db.session.scalar(db.select(Event).where(Event.slug == slug))
        dest = db.session.get(Destination, dest_id)
        if event is None:
            return
        name = dest.name if dest is not None else f"#{dest_id}"
        reason = error.get("message") or error.get("reason") or ""
        detail = f"{name}: {reason}" if kind == "destination_failed" and reason else name
        asrun.log(event, kind, timer.now(), detail=detail)
    except Exception:
        db.session.rollback()
        log.exception("archive: destination %s change on %s not logged", dest_id, slug)
