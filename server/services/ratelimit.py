"""Rate limiting with token buckets: per device, per site, per address.

``RateLimiter`` is the interface (``hit(key, rule) -> (allowed, retry_after_s)``);
``MemoryRateLimiter`` keeps buckets in this process; ``RedisRateLimiter`` keeps them in
Redis, shared by every process of a scale-out (the app uses it when ``REDIS_URL`` is set),
and falls back to a process-local bucket while Redis is unreachable (a question is never
refused because Redis is down). A ``Rule`` is a bucket: ``capacity`` tokens, refilled at
``per_second``. Nothing here knows about requests.
"""

import logging
import math
import threading
import time
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    capacity: float
    per_second: float

    @classmethod
    def parse(cls, value):
        """``"5/60"`` means 5 tokens, refilled at 5 per 60 s; a Rule passes through."""
        if isinstance(value, Rule):
            return value
        count, _, seconds = str(value).partition("/")
        count = float(count)
        seconds = float(seconds or 1)
        return cls(capacity=count, per_second=count / seconds)


class RateLimiter:
    """The interface. ``hit`` takes one token from ``key``'s bucket, or says how long to wait."""

    def hit(self, key, rule, cost=1.0):
        raise NotImplementedError

    def refund(self, key, rule, cost=1.0):
        """Give back tokens taken by a request that was refused by another bucket."""
        raise NotImplementedError

    def reset(self):
        raise NotImplementedError


class MemoryRateLimiter(RateLimiter):
    """Buckets in a dict, guarded by a lock; idle full buckets are swept now and then."""

    def __init__(self, clock=time.monotonic, max_keys=200_000):
        self._clock = clock
        self._buckets = {}
        self._lock = threading.Lock()
        self._max_keys = max_keys

    def hit(self, key, rule, cost=1.0):
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (rule.capacity, now))
            tokens = min(rule.capacity, tokens + (now - last) * rule.per_second)
            if tokens >= cost:
                self._buckets[key] = (tokens - cost, now)
                allowed, wait = True, 0
            else:
                self._buckets[key] = (tokens, now)
                allowed = False
                wait = max(1, math.ceil((cost - tokens) / rule.per_second)) if rule.per_second > 0 else 3600
            if len(self._buckets) > self._max_keys:
                self._sweep(now, rule)
        return allowed, wait

    def _sweep(self, now, rule):
        horizon = rule.capacity / rule.per_second if rule.per_second > 0 else 3600
        for key in [k for k, (_, last) in self._buckets.items() if now - last > horizon]:
            del self._buckets[key]

    def refund(self, key, rule, cost=1.0):
        with self._lock:
            if key in self._buckets:
                tokens, last = self._buckets[key]
                self._buckets[key] = (min(rule.capacity, tokens + cost), last)

    def reset(self):
        with self._lock:
            self._buckets.clear()


# One bucket as a Redis hash {t: tokens, ts: ms}; refill, then take ``cost`` if there is enough.
# Returns {allowed (1/0), wait_ms}. The key expires once the bucket would be full again.
_HIT_SCRIPT = """
local capacity, rate, cost, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local state = redis.call('hmget', KEYS[1], 't', 'ts')
local tokens, last = tonumber(state[1]), tonumber(state[2])
if tokens == nil then tokens, last = capacity, now end
tokens = math.min(capacity, tokens + math.max(0, now - last) / 1000 * rate)
local allowed, wait = 0, 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
elseif rate > 0 then
  wait = math.ceil((cost - tokens) / rate * 1000)
else
  wait = 3600000
end
redis.call('hset', KEYS[1], 't', tostring(tokens), 'ts', tostring(now))
if rate > 0 then redis.call('pexpire', KEYS[1], math.ceil(capacity / rate * 1000) + 1000) end
return {allowed, wait}
"""
_REFUND_SCRIPT = """
local t = tonumber(redis.call('hget', KEYS[1], 't'))
if t ~= nil then redis.call('hset', KEYS[1], 't', tostring(math.min(tonumber(ARGV[1]), t + tonumber(ARGV[2])))) end
return 1
"""


class RedisRateLimiter(RateLimiter):
    """Buckets in Redis (atomic Lua scripts), shared by every process; a process-local
    ``MemoryRateLimiter`` stands in while Redis cannot be reached."""

    PREFIX = "bridgecast:rate:"

    def __init__(self, url=None, client=None, clock=time.time):
        import redis

        self.redis = client or redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self._hit = self.redis.register_script(_HIT_SCRIPT)
        self._refund = self.redis.register_script(_REFUND_SCRIPT)
        self._clock = clock
        self.fallback = MemoryRateLimiter()

    def hit(self, key, rule, cost=1.0):
        try:
            allowed, wait_ms = self._hit(
                keys=[self.PREFIX + key], args=[rule.capacity, rule.per_second, cost, int(self._clock() * 1000)]
            )
        except Exception as exc:  # Redis down: limit in this process rather than refuse or let all through
            log.warning("rate limiter: Redis unreachable (%s); using the local bucket", exc.__class__.__name__)
            return self.fallback.hit(key, rule, cost)
        return bool(allowed), (0 if allowed else max(1, math.ceil(int(wait_ms) / 1000)))

    def refund(self, key, rule, cost=1.0):
        try:
            self._refund(keys=[self.PREFIX + key], args=[rule.capacity, cost])
        except Exception:
            self.fallback.refund(key, rule, cost)

    def reset(self):
        for key in self.redis.scan_iter(self.PREFIX + "*"):
            self.redis.delete(key)
        self.fallback.reset()


EXTENSION_KEY = "bridgecast_ratelimiter"


def limiter(app=None):
    """The app's limiter: in Redis when ``REDIS_URL`` is set (shared by every process), else
    in memory; ``set_limiter`` installs another."""
    from flask import current_app

    app = app or current_app
    found = app.extensions.get(EXTENSION_KEY)
    if found is None:
        url = app.config.get("REDIS_URL")
        found = app.extensions.setdefault(EXTENSION_KEY, RedisRateLimiter(url) if url else MemoryRateLimiter())
    return found


def set_limiter(new, app=None):
    """Install another implementation (e.g. Redis-backed) for the app."""
    from flask import current_app

    (app or current_app).extensions[EXTENSION_KEY] = new
    return new


def check_all(checks, limiter_=None):
    """``checks`` is a list of ``(key, rule)``; return ``(allowed, retry_after)`` taking from
    every bucket only when all allow (a refused request costs nothing)."""
    lim = limiter_ or limiter()
    taken = []
    for key, rule in checks:
        ok, wait = lim.hit(key, rule)
        if not ok:
            for done_key, done_rule in taken:
                lim.refund(done_key, done_rule)
            return False, wait
        taken.append((key, rule))
    return True, 0
