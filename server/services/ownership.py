"""Exactly one owner per event for background work (OBS mirror, timers, sweepers).

With several server processes (scale-out, docs/operations.md) each event's background work must
run in one process only, or everything would be broadcast twice. Each process claims
every active event through a Redis key ``bridgecast:owner:<slug>`` set with ``NX`` and an
expiry (``OWNERSHIP_TTL_S``); the owner renews it every third of the expiry; when the
owner dies the key expires and another process takes the event over within the expiry.
A process that cannot renew (Redis unreachable) stops considering itself the owner once
its last successful renewal is older than the expiry, so two owners never overlap by
more than clock noise. Without Redis (one process) an in-process implementation owns
every event.

API for the areas::

    from server.services import ownership
    ownership.is_owner("demo-plenary")              # -> bool
    ownership.runs_here("demo-plenary")             # -> bool: owner, or a single process (gates loops)
    ownership.run_if_owner(slug, fn, *args)         # -> fn's result, or None when not owner
    ownership.on_change(lambda slug, owned: ...)    # gained / lost (start / stop a mirror)

A periodic per-event loop is ``server.background.every(app, name, fn, interval, per_event=True)``.
``init_app(app)`` is called by the factory; ``start_renewals(app)`` is the first background task.
"""

import logging
import os
import socket
import threading
import time
import uuid

log = logging.getLogger(__name__)

KEY_PREFIX = "bridgecast:owner:"

# Take the key when free, renew it when ours; 1 = we own it, 0 = someone else does.
_CLAIM_SCRIPT = """
local v = redis.call('get', KEYS[1])
if v == ARGV[1] then redis.call('pexpire', KEYS[1], ARGV[2]) return 1 end
if not v then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0
"""
_RELEASE_SCRIPT = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


def node_id():
    """This process: host, pid and a random suffix (pids repeat across restarts)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class LocalOwnership:
    """One process, no Redis: this process owns every event it is asked about."""

    kind = "local"

    def __init__(self, ttl=10.0):
        self.ttl = ttl
        self.node = node_id()

    def claim(self, slug):
        return True

    def release(self, slug):
        return True

    def holder(self, slug):
        return self.node


class RedisOwnership:
    """Locks in Redis with expiry; claim = acquire or renew atomically (a Lua script)."""

    kind = "redis"

    def __init__(self, url, ttl=10.0, client=None):
        import redis

        self.ttl = float(ttl)
        self.node = node_id()
        self.redis = client or redis.Redis.from_url(
            url, socket_timeout=2, socket_connect_timeout=2, health_check_interval=5
        )
        self._claim = self.redis.register_script(_CLAIM_SCRIPT)
        self._release = self.redis.register_script(_RELEASE_SCRIPT)

    def claim(self, slug):
        return bool(self._claim(keys=[KEY_PREFIX + slug], args=[self.node, int(self.ttl * 1000)]))

    def release(self, slug):
        return bool(self._release(keys=[KEY_PREFIX + slug], args=[self.node]))

    def holder(self, slug):
        value = self.redis.get(KEY_PREFIX + slug)
        return value.decode() if isinstance(value, bytes) else value


class OwnershipManager:
    """Keeps this process's claims fresh and answers ``is_owner`` from memory."""

    def __init__(self, backend, slugs_source=None, clock=time.monotonic):
        self.backend = backend
        self.slugs_source = slugs_source  # () -> iterable of event slugs to claim
        self.clock = clock
        self._renewed = {}  # slug -> monotonic time of the last successful claim
        self._wanted = set()
        self._known = {}  # slug -> ownership as last notified
        self._listeners = []
        self._lock = threading.Lock()
        self.running = False

    @property
    def ttl(self):
        return self.backend.ttl

    def want(self, slug):
        """Claim ``slug`` on the next rounds even if it is not an active event."""
        self._wanted.add(slug)

    def is_owner(self, slug):
        at = self._renewed.get(slug)
        # A claim counts for ttl minus a safety margin after it succeeded.
        return at is not None and self.clock() - at < self.ttl * 0.9

    def owned(self):
        return sorted(slug for slug in list(self._renewed) if self.is_owner(slug))

    def on_change(self, fn):
        self._listeners.append(fn)
        return fn

    def _notify(self, slug, owned):
        log.info("ownership %s %s (node %s)", "gained" if owned else "lost", slug, self.backend.node)
        for fn in list(self._listeners):
            try:
                fn(slug, owned)
            except Exception:  # a listener must not stop the renewals
                log.exception("ownership listener failed for %s", slug)

    def renew(self, slugs=None):
        """One round: claim every slug; notify gained/lost. Returns the owned slugs."""
        if slugs is None:
            slugs = set(self.slugs_source() if self.slugs_source else []) | self._wanted
        for slug in sorted(set(slugs)):
            before = self._known.get(slug, False)
            try:
                ok = self.backend.claim(slug)
            except Exception as exc:  # Redis down: keep the claim until it expires locally
                log.warning("ownership claim of %s failed: %s", slug, exc.__class__.__name__)
                ok = None
            with self._lock:
                if ok:
                    self._renewed[slug] = self.clock()
                elif ok is False:
                    self._renewed.pop(slug, None)
            after = self.is_owner(slug)
            if after != before:
                self._known[slug] = after
                self._notify(slug, after)
        # Events no longer active: give them back.
        for slug in list(self._renewed):
            if slug not in slugs:
                was = self._known.pop(slug, False)
                self._renewed.pop(slug, None)
                try:
                    self.backend.release(slug)
                except Exception:
                    pass
                if was:
                    self._notify(slug, False)
        return self.owned()

    def release_all(self):
        for slug in list(self._renewed):
            try:
                self.backend.release(slug)
            except Exception:
                pass
        self._renewed.clear()
        self._known.clear()


_manager = None


def init_app(app):
    """Create the process's manager (Redis when ``REDIS_URL`` is set) and queue its loop."""
    global _manager
    ttl = float(app.config.get("OWNERSHIP_TTL_S", 10.0))
    url = app.config.get("REDIS_URL")
    backend = RedisOwnership(url, ttl) if url else LocalOwnership(ttl)

    def active_slugs():
        from server.services.events import active_events

        with app.app_context():
            try:
                return [event.slug for event in active_events()]
            finally:
                from server.extensions import db

                db.session.remove()

    manager = OwnershipManager(backend, active_slugs)
    app.extensions["bridgecast_ownership"] = manager
    _manager = manager
    return manager


def manager():
    """The current app's manager (or the process's, outside an app context)."""
    try:
        from flask import current_app

        found = current_app.extensions.get("bridgecast_ownership")
        if found is not None:
            return found
    except RuntimeError:
        pass
    if _manager is None:
        raise RuntimeError("ownership is not initialised (create_app was not called)")
    return _manager


def start_renewals(app):
    """Keep this process's event ownership renewed (a background loop)."""
    from server.extensions import socketio

    mgr = app.extensions["bridgecast_ownership"]
    if mgr.running:
        return
    mgr.running = True

    def loop():
        interval = max(0.2, mgr.ttl / 3.0)
        while mgr.running:
            try:
                mgr.renew()
            except Exception:  # e.g. the database is restarting: try again next round
                log.exception("ownership round failed")
            socketio.sleep(interval)

    socketio.start_background_task(loop)
    import atexit

    atexit.register(mgr.release_all)


def is_owner(event_slug):
    """True when this process runs ``event_slug``'s background work."""
    return manager().is_owner(event_slug)


def runs_here(event_slug):
    """True when this process runs ``event_slug``'s periodic work and its broadcasts: always
    with one process (no Redis), else only in the event's owner. The gate of every loop that
    would otherwise run, and broadcast, once per process (scale-out, docs/operations.md)."""
    mgr = manager()
    return mgr.backend.kind == "local" or mgr.is_owner(event_slug)


def run_if_owner(event_slug, fn, *args, **kwargs):
    """Call ``fn`` when this process owns the event; return its result or None."""
    if manager().is_owner(event_slug):
        return fn(*args, **kwargs)
    return None


def on_change(fn):
    """Register ``fn(event_slug, owned)``, called when this process gains or loses an event."""
    return manager().on_change(fn)
