"""Site liveness kept in memory, so a quiet heartbeat costs no database write.

``Liveness`` (one per process) holds: the sites this process has validated (token → site id,
event id, state, own report; revalidated after ``ttl_s``), each site's last beat, the beats
not yet written, and how many ``/site`` sockets of each site are connected here (a connected
site with late beats is ``background``, not offline). ``flush`` writes the pending beats'
``last_seen`` (``sites.last_beat_at``) in one executemany; a row that no longer matches (a
rotated token, a deactivated site, a state another process changed) drops that site from
the cache, so its next beat takes the full path.

Pure Python apart from ``flush``'s statement, so the unit tests drive it directly. In a
scale-out deployment every process keeps its own book: beats reach the database within one
flush period (well inside the degraded threshold the owner's sweep uses), and with Redis
(``share_sockets``) each process publishes its connected sites in a Redis hash of its own
(``bridgecast:site-sockets:<node>``, expiring unless refreshed), so the event's owner knows a
site whose socket sits on another process is ``background``, not offline.
"""

import logging
import threading
import time
from dataclasses import dataclass

from sqlalchemy import bindparam, update

from server.models.site import Site

log = logging.getLogger(__name__)
_SITES = Site.__table__
# Built once: last_seen of sites whose state the beat did not change, never moved backwards.
_WRITE_BEATS = (
    update(_SITES)
    .where(
        _SITES.c.id == bindparam("b_id"),
        _SITES.c.token == bindparam("b_token"),
        _SITES.c.is_active.is_(True),
        _SITES.c.state == bindparam("b_state"),
        _SITES.c.reported_state == bindparam("b_reported"),
    )
    .values(last_beat_at=bindparam("b_at"))
)


@dataclass
class Known:
    site_id: int
    event_id: int
    state: str
    reported: str
    checked_at: float


class Liveness:
    def __init__(self, ttl_s=30.0, clock=time.monotonic):
        self.ttl_s, self._clock = ttl_s, clock
        self._lock = threading.Lock()
        self._known = {}  # token -> Known
        self._tokens = {}  # site id -> token
        self._beats = {}  # site id -> last beat (aware datetime)
        self._pending = {}  # site id -> row for the batch writer
        self._sockets = {}  # site id -> connected /site sockets in this process
        self._redis, self._node, self._remote, self._remote_at = None, "", set(), 0.0

    # -- the cache of validated sites --
    def lookup(self, token):
        """The site a token was validated as, unless the validation is older than ``ttl_s``."""
        known = self._known.get(token)
        if known is None or self._clock() - known.checked_at > self.ttl_s:
            return None
        return known

    def remember(self, token, site_id, event_id, state, reported):
        with self._lock:
            old = self._tokens.get(site_id)
            if old is not None and old != token:
                self._known.pop(old, None)
            self._tokens[site_id] = token
            self._known[token] = Known(site_id, event_id, state, reported, self._clock())
            return self._known[token]

    def forget(self, site_id):
        """Drop a site from the cache (token rotated, deactivated, row changed elsewhere)."""
        with self._lock:
            token = self._tokens.pop(site_id, None)
            if token is not None:
                self._known.pop(token, None)
            self._pending.pop(site_id, None)

    # -- beats --
    def beat(self, known, token, at):
        """A quiet beat: remembered now, written by the next ``flush``."""
        with self._lock:
            self._beats[known.site_id] = at
            self._pending[known.site_id] = {
                "b_id": known.site_id,
                "b_token": token,
                "b_state": known.state,
                "b_reported": known.reported,
                "b_at": at,
            }

    def written(self, site_id, at):
        """A beat the full path has just written itself."""
        with self._lock:
            self._beats[site_id] = at
            self._pending.pop(site_id, None)

    def seen(self, site_id, at):
        """A sign of life that is not a beat (a socket connected): the sweep counts from it;
        nothing is written."""
        with self._lock:
            if self._beats.get(site_id) is None or self._beats[site_id] < at:
                self._beats[site_id] = at

    def last_beat(self, site_id):
        return self._beats.get(site_id)

    def pending_count(self):
        return len(self._pending)

    def take_pending(self):
        with self._lock:
            rows, self._pending = list(self._pending.values()), {}
        return rows

    def flush(self, connection):
        """Write every pending beat in one executemany (the caller commits); returns how many."""
        rows = self.take_pending()
        if not rows:
            return 0
        result = connection.execute(_WRITE_BEATS, rows)
        if connection.dialect.supports_sane_multi_rowcount and result.rowcount != len(rows):
            for row in rows:  # some no longer match: their next beat revalidates (else the TTL does)
                self.forget(row["b_id"])
        return len(rows)

    # -- sockets --
    def socket_open(self, site_id):
        with self._lock:
            self._sockets[site_id] = self._sockets.get(site_id, 0) + 1

    def socket_closed(self, site_id):
        with self._lock:
            left = self._sockets.get(site_id, 0) - 1
            if left > 0:
                self._sockets[site_id] = left
            else:
                self._sockets.pop(site_id, None)

    def connected(self, site_id):
        if self._sockets.get(site_id, 0) > 0:
            return True
        return self._redis is not None and site_id in self._remote_sockets()

    # -- scale-out: connected sockets shared through Redis --
    SOCKETS_KEY = "bridgecast:site-sockets:"
    SOCKETS_TTL_S = 10

    def share_sockets(self, client, node):
        """Mirror this process's connected sites in Redis (``None`` stops)."""
        self._redis, self._node, self._remote, self._remote_at = client, node, set(), float("-inf")

    def publish_sockets(self):
        """Refresh this process's hash of connected sites (called every flush period)."""
        if self._redis is None:
            return
        key = self.SOCKETS_KEY + self._node
        try:
            pipe = self._redis.pipeline()
            pipe.delete(key)
            if self._sockets:
                pipe.hset(key, mapping={str(k): v for k, v in self._sockets.items()})
                pipe.expire(key, self.SOCKETS_TTL_S)
            pipe.execute()
        except Exception:  # Redis away: the beats are still written; sockets stay local
            log.warning("could not publish connected sites to Redis", exc_info=True)

    def _remote_sockets(self):
        """The sites connected to any process (re-read at most once a second)."""
        if self._clock() - self._remote_at >= 1.0:
            self._remote_at = self._clock()
            try:
                found = set()
                for key in self._redis.scan_iter(match=self.SOCKETS_KEY + "*", count=100):
                    found.update(int(k) for k in self._redis.hkeys(key))
                self._remote = found
            except Exception:
                log.warning("could not read connected sites from Redis", exc_info=True)
        return self._remote

    def clear(self):
        with self._lock:
            self._known.clear(), self._tokens.clear(), self._beats.clear(), self._pending.clear()
            self._sockets.clear()


book = Liveness()
