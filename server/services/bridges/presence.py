"""Site states (never_seen / online / degraded / background / offline), derived from the last
beat, the site's own report and whether its socket is connected; beats, check-ins, and the
sweep that marks silent sites offline.

The clock is injectable (``set_clock``) so tests move time by hand. Thresholds come from
the config: ``HEARTBEAT_INTERVAL_S``, ``OFFLINE_AFTER_S``, ``DEGRADED_AFTER_MISSED_BEATS``.

Cost at national scale (3,321 sites beating every 5 s): a beat that changes nothing touches
memory only (``liveness.book``); ``flush_beats`` writes the pending ``last_seen`` values in one
executemany every ``BEAT_FLUSH_S`` (and the sweep looks at the in-memory beats first, so a
late write never sends a site offline). A state change is written with its log line and
committed before it is broadcast or acknowledged.

After a restart (``start_grace``) the sweep sends nobody offline until the sites that were live
have come back or stopped coming back (``grace.RestartGrace``: at least one offline threshold,
then until every expected site is back or none came back for one threshold, at most
``RESTART_GRACE_MAX_S``); those that did not come back go offline when it ends. A returning
site's first beat is a quiet one (its connect put it in the book), so the storm writes nothing.
A site whose socket is connected but whose beats are late (a phone with the page in the
background runs timers about once a minute) is ``background``: no offline alarm.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from server.extensions import db
from server.models.base import utcnow
from server.models.site import Site, SiteLog
from server.services import ownership
from server.services.bridges.grace import RestartGrace
from server.services.bridges.liveness import book
from server.services.bridges.sites import add_log, crew_view, get_event_by_id
from server.services.broadcast import broadcast
from server.services.lookups import site_by_token
from server.services.text import clean

_clock = utcnow
_grace = RestartGrace()
BEAT_FLUSH_S = 2.0
_last_flush = [0.0]
LIVE_STATES = ("online", "degraded", "background")


def set_clock(fn=None):
    """Replace the clock (a callable returning an aware UTC datetime); ``None`` restores it."""
    global _clock
    _clock = fn or utcnow


def now():
    return _clock()


def thresholds():
    cfg = current_app.config
    interval = float(cfg["HEARTBEAT_INTERVAL_S"])
    offline = float(cfg["OFFLINE_AFTER_S"])
    degraded = min(interval * (int(cfg.get("DEGRADED_AFTER_MISSED_BEATS", 2)) + 0.5), offline)
    return interval, degraded, offline


def start_grace(at=None):
    """A process (re)starts: the sites live in the database are the returns the sweep waits
    for (``grace.RestartGrace``: one offline threshold at least, ``RESTART_GRACE_MAX_S`` at most)."""
    _interval, _degraded, offline = thresholds()
    expected = db.session.scalars(select(Site.id).where(Site.is_active.is_(True), Site.state.in_(LIVE_STATES))).all()
    db.session.commit()  # end the read transaction
    maximum = float(current_app.config.get("RESTART_GRACE_MAX_S", 120.0))
    _grace.start(at or now(), expected, minimum_s=offline, settle_s=offline, maximum_s=maximum)


def end_grace():
    _grace.stop()


def in_grace(at=None):
    return _grace.active(at or now())


def grace_status():
    """The restart grace's figures (expected, back, started, ended, last return)."""
    return _grace.status()


def derive_state(last_beat_at, reported_state, at, degraded_after, offline_after, connected=False):
    """The state of a site at ``at``: pure, for tests and the sweep. A connected socket with
    late beats is ``background`` (never offline while the socket stays)."""
    if last_beat_at is None:
        return "never_seen"
    age = (at - last_beat_at).total_seconds()
    if connected and age >= degraded_after:
        return "background"
    if age >= offline_after:
        return "offline"
    if reported_state == "degraded" or age >= degraded_after:
        return "degraded"
    return "online"


def _last_beat(site):
    """The later of the written beat and the one in memory (not yet flushed)."""
    mem = book.last_beat(site.id)
    if mem is None or (site.last_beat_at is not None and site.last_beat_at >= mem):
        return site.last_beat_at
    return mem


def _current(site, at):
    _interval, degraded, offline = thresholds()
    return derive_state(_last_beat(site), site.reported_state, at, degraded, offline, book.connected(site.id))


def _remember(site):
    """Keep the in-memory book in step with a site just committed."""
    if site.is_active:
        book.remember(site.token, site.id, site.event_id, site.state, site.reported_state)
    else:
        book.forget(site.id)


def _apply(site, at, reason=""):
    """Set the derived state; log and return True when it changed (caller commits)."""
    new = _current(site, at)
    if new == site.state:
        return False
    old, site.state, site.state_changed_at = site.state, new, at
    add_log(site, "state", f"{old} → {new}" + (f" ({reason})" if reason else ""), at=at)
    return True


def _publish(site):
    from server.services.bridges.counter import mark_dirty

    slug = get_event_by_id(site.event_id).slug
    broadcast("site_state", crew_view(site), slug, "crew")
    mark_dirty(slug)


def _reported(value):
    return "degraded" if value == "degraded" else "ok"


def _validate(token):
    """The cached validation of a token, or one SELECT (then cached); None when refused."""
    known = book.lookup(token)
    if known is not None:
        return known
    row = db.session.execute(
        select(Site.id, Site.event_id, Site.state, Site.reported_state).where(
            Site.token == token, Site.is_active.is_(True)
        )
    ).first()
    db.session.commit()  # end the read transaction
    return book.remember(token, *row) if row is not None else None


def quiet_beat(site_id, token, reported="ok", at=None):
    """The hot path (3,000+ sites beating every few seconds): the token checked against the
    in-memory book (one SELECT when not cached), the beat kept in memory for the batch writer.
    Returns ``{"state", "changed": False}``, or None when the full path is needed (state
    change, note, unknown or revoked token: see ``beat``)."""
    if not isinstance(token, str) or not 10 <= len(token) <= 64:
        return None
    reported = _reported(reported)
    expected = "online" if reported == "ok" else "degraded"
    known = _validate(token)
    if known is None or (site_id and known.site_id != site_id):
        return None
    if known.state != expected or known.reported != reported:
        return None
    at = at or now()
    book.beat(known, token, at)
    _grace.returned(known.site_id, at)
    return {"state": expected, "changed": False}


def flush_beats(force=False):
    """Write the pending quiet beats (one executemany, one commit) when ``BEAT_FLUSH_S`` has
    passed since the last write, or at once with ``force``; returns how many were written."""
    import time

    if not force and time.monotonic() - _last_flush[0] < BEAT_FLUSH_S:
        return 0
    _last_flush[0] = time.monotonic()
    book.publish_sockets()
    if not book.pending_count():
        return 0
    try:
        written = book.flush(db.session.connection())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return written


def beat(site_id, token, reported="ok", note=None):
    """A heartbeat from credentials nobody has checked yet (``site_check="handler"``): the quiet
    beat when it changes nothing, else the site is looked up by its token (NotFound for a
    rotated or deactivated link) and the full ``record_beat`` runs."""
    if note is None:
        quiet = quiet_beat(site_id, token, reported)
        if quiet is not None:
            return quiet
    return record_beat(site_by_token(token, site_id=site_id), reported, note)


def record_beat(site, reported="ok", note=None, at=None):
    """A heartbeat through the full path: in memory when it changes nothing, else written
    (state change, note, report change) and published."""
    at = at or now()
    reported = _reported(reported)
    quiet = quiet_beat(site.id, site.token, reported, at) if note is None else None
    if quiet is not None:
        return quiet
    db.session.refresh(site)
    site.last_beat_at = at
    if note is not None:
        site.note = clean(note, 300)
    if reported != site.reported_state:
        add_log(site, "report", f"{site.reported_state} → {reported}" + (f": {site.note}" if site.note else ""), at=at)
        site.reported_state = reported
    changed = _apply(site, at, "heartbeat")
    db.session.commit()
    book.written(site.id, at)
    _grace.returned(site.id, at)
    _remember(site)
    if changed:
        _publish(site)
    return {"state": site.state, "changed": changed}


def check_in(site, video_ok, audio_ok, at=None, client_id=None):
    """The site confirms picture and sound; a check-in is also a beat. A repeated ``client_id``
    (a double tap, a retry over HTTP) is the same check-in: nothing changes."""
    if client_id is not None and client_id == site.check_in_client_id:
        return site
    at = at or now()
    site.check_in_client_id = client_id
    site.video_ok, site.audio_ok = bool(video_ok), bool(audio_ok)
    site.checked_in_at = at
    site.last_beat_at = at
    site.reported_state = "ok" if (site.video_ok and site.audio_ok) else "degraded"
    add_log(
        site, "check_in", f"video={'ok' if site.video_ok else 'lỗi'} audio={'ok' if site.audio_ok else 'lỗi'}", at=at
    )
    _apply(site, at, "check_in")
    db.session.commit()
    book.written(site.id, at)
    _grace.returned(site.id, at)
    _remember(site)
    _publish(site)
    return site


def set_reported(site, reported, at=None, reason=""):
    """The site's own report changes (trouble reported, trouble resolved); re-derive the state."""
    at = at or now()
    site.reported_state = _reported(reported)
    changed = _apply(site, at, reason)
    db.session.commit()
    _remember(site)
    if changed:
        _publish(site)
    return changed


def note_connect(site):
    """A ``/site`` socket joined (``site`` just read by its token): a sign of life (the sweep
    counts from it as from a beat, nothing written), and while the socket stays, late beats mean
    ``background``, not offline. The site goes into the book, so its first beat is a quiet one
    (no SELECT), and counts as back for the restart grace."""
    at = now()
    book.socket_open(site.id)
    book.seen(site.id, at)
    _remember(site)
    _grace.returned(site.id, at, connect=True)


def note_disconnect(site_id):
    """A socket went away: logged (one INSERT, the site is not read); the site goes offline
    when its beats stop for the threshold."""
    book.socket_closed(site_id)
    try:
        db.session.execute(insert(SiteLog).values(site_id=site_id, kind="socket_closed", detail="", at=utcnow()))
        db.session.commit()
    except IntegrityError:  # the site is gone
        db.session.rollback()


def sweep(at=None):
    """Re-derive every live site whose beats are late, for the events this process runs
    (``ownership.runs_here``); returns {event_slug: [changed crew views]}. Nothing moves
    during the restart grace window."""
    at = at or now()
    if in_grace(at):
        return {}
    _interval, degraded, offline = thresholds()
    cutoff = at - timedelta(seconds=degraded)
    candidates = db.session.scalars(
        db.select(Site).where(Site.is_active.is_(True), Site.state.in_(LIVE_STATES), Site.last_beat_at < cutoff)
    ).all()
    changed = {}
    mine = {}  # event id -> does this process sweep it (the event's owner, or the only process)
    for site in candidates:
        if site.event_id not in mine:
            mine[site.event_id] = ownership.runs_here(get_event_by_id(site.event_id).slug)
        if not mine[site.event_id]:
            continue
        last = _last_beat(site)
        new = derive_state(last, site.reported_state, at, degraded, offline, book.connected(site.id))
        if new == site.state:
            continue
        # Conditional: another process (or a beat just in) may have moved the site already.
        result = db.session.execute(
            update(Site)
            .where(Site.id == site.id, Site.state == site.state, Site.last_beat_at == site.last_beat_at)
            .values(state=new, state_changed_at=at, last_beat_at=last)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            continue
        add_log(site, "state", f"{site.state} → {new} (sweep)", at=at)
        changed.setdefault(site.event_id, []).append(site.id)
    db.session.commit()
    out = {}
    if changed:
        from server.services.bridges.counter import mark_dirty

        db.session.expire_all()
        for event_id, ids in changed.items():
            slug = get_event_by_id(event_id).slug
            sites = db.session.scalars(db.select(Site).where(Site.id.in_(ids))).all()
            for site in sites:
                _remember(site)
            out[slug] = [crew_view(s) for s in sites]
            broadcast("site_states", {"sites": out[slug]}, slug, "crew")
            mark_dirty(slug)
    return out
