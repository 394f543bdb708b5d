"""Switching an event between its primary and its standby OBS, by hand or automatically.

Owns the switch (``switch(slug, side, actor, reason)``: the OBS switched to must be connected;
the side on air is stored on the event first (``Event.obs_on_air``, through the OBS runtime: every
process and a restarted one follow it), then, while the restream runs with a program feed, that OBS is made to stream to the ingest and the
feed cuts to it on its next keyframe — the fan pages keep their connection), then the control panel gets the on-air OBS's full state
(its monitors, scenes and outputs follow the switch), the view of the
standby (``view``), its audit entry, its as-run row (``standby_switch``) and the crew alert (``standby_alert``), and the automatic
rule (``check_auto(slug)``, one round of the ``standby watch`` loop): when the event has
``standby_auto_after_s`` set and the primary OBS is on air, live, and lost (its link down, or its
feed silent in the program feed) for that many seconds, switch to the standby. The clock is
injectable (``StandbyWatch.clock``) so the rule is tested without waiting.
"""

import logging
import threading
import time

from flask import current_app
from flask_babel import lazy_gettext as _l

from server.services import audit
from server.services.archive import observe as archive
from server.services.broadcast import broadcast
from server.services.errors import Conflict, ServiceError
from server.services.lookups import event_or_404

log = logging.getLogger(__name__)

FEED_SILENT_S = 3.0  # the on-air feed silent this long counts as lost, even with the link up
LIVE_STATES = ("live", "reconnecting")
WORDS = {
    "primary": _l("OBS chính"),
    "backup": _l("máy OBS dự phòng"),
}


class StandbyWatch:
    """Per-app memory of the automatic rule: since when the primary is lost, was it live."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.lost_since = {}  # slug -> clock when the primary was first seen lost
        self.was_live = {}  # slug -> the primary's stream was live when last seen
        self.refused = {}  # slug -> the automatic switch could not happen (alerted once)
        self.lock = threading.Lock()


def watch(app=None):
    app = app or current_app._get_current_object()
    found = app.extensions.get("standby")
    if found is None:
        found = app.extensions["standby"] = StandbyWatch()
    return found


def _obs():
    from server.services.obs.runtime import obs_runtime

    return obs_runtime()


def _feed(slug):
    runtime = current_app.extensions.get("restream")  # never started here: None without a restream
    return runtime.running_program(slug) if runtime is not None else None


def view(slug):
    """The standby as the crew sees it (no secrets): configured, on-air side, the links of both
    OBS, the automatic rule, the program feed."""
    event = event_or_404(slug)
    runtime = _obs()
    feed = _feed(slug)
    return {
        "configured": bool(event.obs_backup_url),
        "on_air": runtime.on_air(slug, fresh=True),
        "auto_after_s": event.standby_auto_after_s,
        "backup": runtime.backup_state(slug),
        "primary": runtime.link_state(slug),
        "feed": feed.snapshot() if feed is not None else None,
    }


def _connected(slug, side):
    runtime = _obs()
    conn = runtime.backup_for(slug) if side == "backup" else runtime.manager.peek(slug)
    return conn if conn is not None and conn.connected else None


def switch(slug, side, actor, reason="manual"):
    """Put ``side`` ("backup" or "primary") on air; idempotent. 409 without a standby OBS, 503
    when the OBS switched to is not connected."""
    event = event_or_404(slug)
    if not event.obs_backup_url:
        raise Conflict("standby_not_configured", _l("Sự kiện chưa có OBS dự phòng."))
    runtime = _obs()
    before = runtime.on_air(slug, fresh=True)
    if before == side:
        return view(slug)
    conn = _connected(slug, side)
    if conn is None:
        raise ServiceError(
            "standby_target_down",
            _l("%(obs)s đang mất kết nối: không chuyển được.", obs=WORDS[side]),
            status=503,
        )
    runtime.set_on_air(slug, side)  # stored before anything follows it or anyone is told
    feed = _feed(slug)
    if feed is not None:
        from server.services.restream.commands import stream_side_to_ingest

        try:
            stream_side_to_ingest(slug, side)
        except ServiceError as err:
            log.warning("standby %s: the %s OBS did not start streaming (%s)", slug, side, err.code)
        feed.switch(side)
    with watch().lock:
        watch().lost_since.pop(slug, None)
    detail = f"{before} → {side} ({reason})"
    audit.record(actor, "standby.switch", slug, detail)
    who = getattr(actor, "name", actor) if actor is not None else ""
    archive.on_switch(event, before, side, reason, who)  # the as-run row: what went out changed
    log.warning("standby %s: %s", slug, detail)
    runtime.mirror_program(slug)
    runtime.broadcast_on_air_state(slug)  # the panel's monitors, scenes and outputs: the OBS on air
    message = (
        _l("Đã tự chuyển sang %(obs)s: OBS chính mất quá %(s)s giây.", obs=WORDS[side], s=event.standby_auto_after_s)
        if reason == "auto"
        else _l("Đã chuyển sang %(obs)s.", obs=WORDS[side])
    )
    out = view(slug)
    broadcast(
        "standby_alert",
        {"event": slug, "on_air": side, "reason": reason, "message": str(message)},
        slug,
        "crew",
    )
    broadcast("standby_state", {"event": slug, **out}, slug, "crew")
    return out


def primary_lost(slug):
    """True when the primary OBS's link is down, or the program feed has it on air and it has
    been silent a while."""
    conn = _obs().manager.peek(slug)
    if conn is None or not conn.connected:
        return True
    feed = _feed(slug)
    if feed is not None and feed.on_air == "primary":
        silent = feed.silent_s("primary")
        return silent is not None and silent > FEED_SILENT_S
    return False


def check_auto(slug):
    """One round of the automatic rule for an event (the ``standby watch`` loop); returns the
    new view when it switched, else None."""
    event = event_or_404(slug)
    after = event.standby_auto_after_s
    runtime = _obs()
    if not event.obs_backup_url or not after or runtime.on_air(slug, fresh=True) != "primary":
        return None
    w = watch()
    now = w.clock()
    conn = runtime.manager.peek(slug)
    if conn is not None and conn.connected:
        w.was_live[slug] = conn.state["stream"].get("state") in LIVE_STATES
    live = w.was_live.get(slug, False) or _feed(slug) is not None
    if not primary_lost(slug) or not live:
        with w.lock:
            w.lost_since.pop(slug, None)
            w.refused.pop(slug, None)
        return None
    with w.lock:
        since = w.lost_since.setdefault(slug, now)
    if now - since < after:
        return None
    try:
        return switch(slug, "backup", None, reason="auto")
    except ServiceError as err:
        if w.refused.get(slug) != err.code:  # said once, not every second
            w.refused[slug] = err.code
            broadcast(
                "standby_alert",
                {"event": slug, "on_air": "primary", "reason": "auto_refused", "message": str(err.message)},
                slug,
                "crew",
            )
        return None
