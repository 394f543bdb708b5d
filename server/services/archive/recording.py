"""Recording sessions and their chapter marks.

A session opens when an OBS reports its record output started and closes when it reports it
stopped (``observe.py`` feeds these). An event with a standby OBS can have a session of each
(``side``: "primary" or "backup"; both machines may record the same programme), at most one open
per side. Every agenda take keeps a chapter in **every** open session: seconds since the start of
*that* file (pauses subtracted), the item's title and speaker, who took it; so the standby's file
has its own marks, right for it. The chapters shown are those of the OBS on air's recording
(``latest_session``). Bridgecast always keeps its own marks; when the OBS that records supports
``CreateRecordChapter`` (OBS ≥ 30.2, hybrid MP4 only) the mark is also asked of it, and a refusal
is only logged. Times come from the agenda's clock (``agenda.timer.now``) so takes and records
share one clock.
"""

import logging
import re
import weakref
from datetime import timedelta

from server.extensions import db
from server.models.archive import RecordingChapter, RecordingSession

log = logging.getLogger(__name__)
OBS_CHAPTER_REQUEST = "CreateRecordChapter"
_TIMECODE = re.compile(r"^(\d+):(\d{2}):(\d{2})(?:\.(\d+))?$")


def on_air_side(event):
    """The OBS on air as stored on the event (``Event.obs_on_air``, read with the event so fresh
    in every process; "primary" without a standby)."""
    return "backup" if event.obs_backup_url and event.obs_on_air == "backup" else "primary"


def open_session(event, side="primary"):
    """The running session (not stopped) of one OBS of the event, or None."""
    return db.session.scalars(
        db.select(RecordingSession)
        .where(
            RecordingSession.event_id == event.id,
            RecordingSession.side == side,
            RecordingSession.stopped_at.is_(None),
        )
        .order_by(RecordingSession.id.desc())
    ).first()


def open_sessions(event):
    """Every running session of the event (one per OBS at most)."""
    return list(
        db.session.scalars(
            db.select(RecordingSession)
            .where(RecordingSession.event_id == event.id, RecordingSession.stopped_at.is_(None))
            .order_by(RecordingSession.id)
        )
    )


def latest_session(event, side=None):
    """The session whose chapters to show: the running one of ``side`` (the OBS on air), else any
    running one, else the last one of ``side``, else the last one; None when the event never recorded."""
    rows = list(
        db.session.scalars(
            db.select(RecordingSession)
            .where(RecordingSession.event_id == event.id)
            .order_by(RecordingSession.id.desc())
        )
    )
    for running in (True, False):
        for match_side in (True, False):
            for row in rows:
                if (row.stopped_at is None) == running and (not match_side or row.side == side):
                    return row
    return None


def timecode_s(text):
    """OBS's ``outputTimecode`` ("01:02:03.456") in seconds, or None."""
    match = _TIMECODE.match(text or "")
    if not match:
        return None
    hours, minutes, seconds, fraction = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + int(seconds) + float(f"0.{fraction or 0}")


def start(event, at, timecode=None, path="", side="primary"):
    """Open a session of one OBS (the one already open is kept: a reconnect sees the same
    recording). ``timecode``: how far the file already is, when Bridgecast learns of it late."""
    session = open_session(event, side)
    if session is not None:
        return session, False
    elapsed = timecode_s(timecode) or 0.0
    session = RecordingSession(
        event_id=event.id,
        started_at=at - timedelta(seconds=elapsed),
        output_path=path or "",
        paused_s=0.0,
        side=side,
    )
    db.session.add(session)
    db.session.commit()
    return session, True


def stop(event, at, path="", side="primary"):
    """Close the open session of one OBS (None when none was open)."""
    session = open_session(event, side)
    if session is None:
        return None
    if session.paused_at is not None:
        session.paused_s += (at - session.paused_at).total_seconds()
        session.paused_at = None
    session.stopped_at = at
    if path:
        session.output_path = path
    db.session.commit()
    return session


def pause(event, at, side="primary"):
    session = open_session(event, side)
    if session is None or session.paused_at is not None:
        return None
    session.paused_at = at
    db.session.commit()
    return session


def resume(event, at, side="primary"):
    session = open_session(event, side)
    if session is None or session.paused_at is None:
        return None
    session.paused_s += (at - session.paused_at).total_seconds()
    session.paused_at = None
    db.session.commit()
    return session


def set_path(event, path, side="primary"):
    session = open_session(event, side) or _last_of(event, side)
    if session is not None and path and session.output_path != path:
        session.output_path = path
        db.session.commit()


def _last_of(event, side):
    return db.session.scalars(
        db.select(RecordingSession)
        .where(RecordingSession.event_id == event.id, RecordingSession.side == side)
        .order_by(RecordingSession.id.desc())
    ).first()


def offset_s(session, at):
    """Seconds of recording at ``at``: wall time since the start, minus the pauses."""
    paused = session.paused_s + ((at - session.paused_at).total_seconds() if session.paused_at else 0.0)
    return max(0.0, round((at - session.started_at).total_seconds() - paused, 3))


def duration_s(session):
    return offset_s(session, session.stopped_at) if session.stopped_at else None


def mark_take(event, item, at, actor=""):
    """Keep a chapter for a take in every running recording (each at its own file's time);
    returns them ([] when nothing records)."""
    marks = []
    for session in open_sessions(event):
        chapter = RecordingChapter(
            session_id=session.id,
            t_s=offset_s(session, at),
            at=at,
            title=item.title,
            speaker=item.speaker_name or "",
            agenda_item_id=item.id,
            taken_by=actor or "",
        )
        db.session.add(chapter)
        marks.append((session, chapter))
    if not marks:
        return []
    db.session.commit()
    for session, chapter in marks:
        if _obs_chapter(event.slug, item.title, session.side):
            chapter.obs_marked = True
            db.session.commit()
    return [chapter for _session, chapter in marks]


def unmark_take(event, item_id):
    """An undone take takes its chapter back (the last one of each running session, when it is
    that item's); True when one was removed."""
    removed = False
    for session in open_sessions(event):
        last = db.session.scalars(
            db.select(RecordingChapter)
            .where(RecordingChapter.session_id == session.id)
            .order_by(RecordingChapter.id.desc())
        ).first()
        if last is not None and last.agenda_item_id == item_id:
            db.session.delete(last)
            removed = True
    if removed:
        db.session.commit()
    return removed


def chapters(session):
    if session is None:
        return []
    return list(
        db.session.scalars(
            db.select(RecordingChapter)
            .where(RecordingChapter.session_id == session.id)
            .order_by(RecordingChapter.t_s, RecordingChapter.id)
        )
    )


def chapter_to_dict(chapter):
    return {
        "t_s": chapter.t_s,
        "title": chapter.title,
        "speaker": chapter.speaker,
        "agenda_item_id": chapter.agenda_item_id,
        "taken_by": chapter.taken_by,
        "at": chapter.at.isoformat(),
        "obs_marked": chapter.obs_marked,
    }


def session_to_dict(session):
    if session is None:
        return None
    return {
        "id": session.id,
        "started_at": session.started_at.isoformat(),
        "stopped_at": session.stopped_at.isoformat() if session.stopped_at else None,
        "recording": session.stopped_at is None,
        "duration_s": duration_s(session),
        "output_path": session.output_path,
        "side": session.side,
    }


# ---- OBS's own chapter marks (OBS ≥ 30.2, hybrid MP4) ------------------------------------

_supported = weakref.WeakKeyDictionary()  # connection -> (obs version, bool)


def obs_supports_chapters(conn):
    """Whether this OBS offers CreateRecordChapter (asked once per connection and OBS version)."""
    version = conn.state.get("obs_version")
    known = _supported.get(conn)
    if known is not None and known[0] == version:
        return known[1]
    requests = conn.call("GetVersion").get("availableRequests") or []
    supported = OBS_CHAPTER_REQUEST in requests
    _supported[conn] = (version, supported)
    return supported


def _obs_chapter(slug, title, side="primary"):
    """Ask the OBS that records (``side``) for its own chapter mark when it can; False when it
    cannot or refused."""
    from server.services.obs.errors import ObsError
    from server.services.obs.runtime import obs_runtime

    try:
        runtime = obs_runtime()
        conn = (runtime.backups if side == "backup" else runtime.manager).peek(slug)
        if conn is None or not conn.connected or not obs_supports_chapters(conn):
            return False
        conn.call(OBS_CHAPTER_REQUEST, {"chapterName": title[:200]})
        return True
    except ObsError as err:  # e.g. a recording that is not hybrid MP4
        log.info("OBS %s: no OBS chapter mark (%s)", slug, err.code)
        return False
