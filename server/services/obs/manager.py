"""Registry of OBS connections, one per event slug.

Owns which events have a supervised connection and with which settings (per-event url/password,
else ``BRIDGECAST_OBS_URL``/``BRIDGECAST_OBS_PASSWORD``). It knows nothing about Flask: the web
layer injects ``spawn``/``sleep`` (Socket.IO background tasks) and ``on_change(slug, diff)``.
"""

import threading

from .connection import ObsConnection
from .errors import ObsError
from .settings import ObsSettings
from .state import empty_state


class ObsManager:
    def __init__(
        self, on_change=None, *, spawn=None, sleep=None, default_settings=None, connection_options=None, on_meters=None
    ):
        self._on_change = on_change
        self._on_meters = on_meters  # fn(slug, levels): throttled audio levels
        self._spawn = spawn
        self._sleep = sleep
        self.default_settings = default_settings
        self._options = dict(connection_options or {})
        self._connections = {}
        self._lock = threading.RLock()

    @classmethod
    def from_env(cls, environ=None, **kwargs):
        return cls(default_settings=ObsSettings.from_env(environ), **kwargs)

    def _make(self, slug, settings):
        def changed(d, _slug=slug):
            if self._on_change is not None:
                self._on_change(_slug, d)

        def meters(levels, _slug=slug):
            if self._on_meters is not None:
                self._on_meters(_slug, levels)

        return ObsConnection(
            settings, changed, spawn=self._spawn, sleep=self._sleep, name=slug, on_meters=meters, **self._options
        )

    def configure(self, slug, settings=None, start=True):
        """(Re)configure an event's connection; ``settings`` None = use the env default.

        A changed url/password replaces the connection (this also un-sticks a 4009/4011 stop).
        Returns the connection, or None if neither the event nor the env has settings.
        """
        settings = settings or self.default_settings
        with self._lock:
            old = self._connections.get(slug)
            if old is not None and old.settings == settings and (old._running or not start):
                return old
            if old is not None:
                old.stop()
                del self._connections[slug]
            if settings is None:
                return None
            conn = self._make(slug, settings)
            self._connections[slug] = conn
        if start:
            conn.start()
        return conn

    def peek(self, slug):
        """The event's connection if one exists (never creates one)."""
        with self._lock:
            return self._connections.get(slug)

    def get(self, slug):
        """The event's connection, created from the env default if needed."""
        with self._lock:
            conn = self._connections.get(slug)
        if conn is None and self.default_settings is not None:
            conn = self.configure(slug, None)
        return conn

    def require(self, slug):
        """The event's connection or ObsError('obs_not_configured')."""
        conn = self.get(slug)
        if conn is None:
            raise ObsError("obs_not_configured")
        return conn

    def state(self, slug):
        conn = self.get(slug)
        if conn is None:
            s = empty_state()
            s["status"] = "not_configured"
            return s
        return conn.state

    def slugs(self):
        with self._lock:
            return list(self._connections)

    def remove(self, slug):
        with self._lock:
            conn = self._connections.pop(slug, None)
        if conn is not None:
            conn.stop()

    def stop_all(self):
        with self._lock:
            conns, self._connections = list(self._connections.values()), {}
        for conn in conns:
            conn.stop()
