"""Site states (never_seen / online / degraded / offline), derived from the last beat and the
site's own report; beats, check-ins, and the sweep that marks silent sites offline.

The clock is injectable (``set_clock``) so tests move time by hand. Thresholds come from
the config: ``HEARTBEAT_INTERVAL_S``, ``OFFLINE_AFTER_S``, ``DEGRADED_AFTER_MISSED_BEATS``.
A beat that changes nothing is one conditional UPDATE; a state change is written with its
log line and committed before it is broadcast or acknowledged.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, bindparam, update

from server.extensions import db
from server.models.base import utcnow
from server.models.site import Site
from server.services import ownership
from server.services.bridges.sites import add_log, crew_view, get_event_by_id
from server.services.broadcast import broadcast
from server.services.lookups import site_by_token
from server.services.text import clean

_clock = utcnow


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


def derive_state(last_beat_at, reported_state, at, degraded_after, offline_after):
    """The state of a site at ``at``: pure, for tests and the sweep."""
    if last_beat_at is None:
        return "never_seen"
    age = (at - last_beat_at).total_seconds()
    if age >= offline_after:
        return "offline"
    if reported_state == "degraded" or age >= degraded_after:
        return "degraded"
    return "online"


def _current(site, at):
    _interval, degraded, offline = thresholds()
    return derive_state(site.last_beat_at, site.reported_state, at, degraded, offline)


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


_SITES = Site.__table__
# Built once (so is its cache key): the beat of a site whose state it does not change.
_QUIET_BEAT = (update(_SITES).where(
    _SITES.c.id == bindparam("b_site_id"), _SITES.c.token == bindparam("b_token"), _SITES.c.is_active.is_(True),
    _SITES.c.state == bindparam("b_expected"), _SITES.c.reported_state == bindparam("b_reported"))
    .values(last_beat_at=bindparam("b_at")))


# The same for an HTTP beat, which knows the token only.
_QUIET_BEAT_BY_TOKEN = (update(_SITES).where(
    _SITES.c.token == bindparam("b_token"), _SITES.c.is_active.is_(True),
    _SITES.c.state == bindparam("b_expected"), _SITES.c.reported_state == bindparam("b_reported"))
    .values(last_beat_at=bindparam("b_at")))


def quiet_beat(site_id, token, reported="ok", at=None):
    """The hot path (3,000+ sites beating every few seconds): one prepared UPDATE, checked
    against the site's current token (and id, on a socket), that succeeds only when the beat
    changes nothing but its time. Returns ``{"state", "changed": False}``, or None when the
    full path is needed (state change, note, revoked token: see ``beat``)."""
    if not isinstance(token, str) or not 10 <= len(token) <= 64:
        return None
    reported = _reported(reported)
    expected = "online" if reported == "ok" else "degraded"
    params = {"b_token": token, "b_expected": expected, "b_reported": reported, "b_at": at or now()}
    if site_id:
        result = db.session.connection().execute(_QUIET_BEAT, {**params, "b_site_id": site_id})
    else:
        result = db.session.connection().execute(_QUIET_BEAT_BY_TOKEN, params)
    db.session.commit()
    return {"state": expected, "changed": False} if result.rowcount == 1 else None


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
    """A heartbeat: the fast path is one conditional UPDATE when nothing else changes."""
    at = at or now()
    reported = _reported(reported)
    expected = "online" if reported == "ok" else "degraded"
    if note is None:
        result = db.session.execute(
            update(Site).where(and_(Site.id == site.id, Site.is_active.is_(True), Site.state == expected,
                                    Site.reported_state == reported)).values(last_beat_at=at)
            .execution_options(synchronize_session=False))
        db.session.commit()
        if result.rowcount == 1:
            return {"state": expected, "changed": False}
        db.session.refresh(site)
    site.last_beat_at = at
    if note is not None:
        site.note = clean(note, 300)
    if reported != site.reported_state:
        add_log(site, "report", f"{site.reported_state} → {reported}" + (f": {site.note}" if site.note else ""), at=at)
        site.reported_state = reported
    changed = _apply(site, at, "heartbeat")
    db.session.commit()
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
    add_log(site, "check_in", f"video={'ok' if site.video_ok else 'lỗi'} audio={'ok' if site.audio_ok else 'lỗi'}", at=at)
    _apply(site, at, "check_in")
    db.session.commit()
    _publish(site)
    return site


def set_reported(site, reported, at=None, reason=""):
    """The site's own report changes (trouble reported, trouble resolved); re-derive the state."""
    at = at or now()
    site.reported_state = _reported(reported)
    changed = _apply(site, at, reason)
    db.session.commit()
    if changed:
        _publish(site)
    return changed


def note_disconnect(site_id):
    """A socket went away: logged only; the site goes offline when its beats stop for the threshold."""
    site = db.session.get(Site, site_id)
    if site is not None:
        add_log(site, "socket_closed")
        db.session.commit()


def sweep(at=None):
    """Re-derive every live site whose beats are late, for the events this process runs
    (``ownership.runs_here``); returns {event_slug: [changed crew views]}."""
    at = at or now()
    _interval, degraded, offline = thresholds()
    cutoff = at - timedelta(seconds=degraded)
    candidates = db.session.scalars(db.select(Site).where(
        Site.is_active.is_(True), Site.state.in_(("online", "degraded")), Site.last_beat_at < cutoff)).all()
    changed = {}
    mine = {}  # event id -> does this process sweep it (the event's owner, or the only process)
    for site in candidates:
        if site.event_id not in mine:
            mine[site.event_id] = ownership.runs_here(get_event_by_id(site.event_id).slug)
        if not mine[site.event_id]:
            continue
        new = derive_state(site.last_beat_at, site.reported_state, at, degraded, offline)
        if new == site.state:
            continue
        # Conditional: another process (or a beat just in) may have moved the site already.
        result = db.session.execute(
            update(Site).where(Site.id == site.id, Site.state == site.state, Site.last_beat_at == site.last_beat_at)
            .values(state=new, state_changed_at=at).execution_options(synchronize_session=False))
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
            out[slug] = [crew_view(s) for s in sites]
            broadcast("site_states", {"sites": out[slug]}, slug, "crew")
            mark_dirty(slug)
    return out
