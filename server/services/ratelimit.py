"""Rate limiting with token buckets: per device, per site, per address.

``RateLimiter`` is the interface (``hit(key, rule) -> (allowed, retry_after_s)``);
``MemoryRateLimiter`` keeps buckets in this process (a Redis implementation can fill the
same interface for several processes). A ``Rule`` is a bucket: ``capacity`` tokens,
refilled at ``per_second``. Nothing here knows about requests.
"""
import math
import threading
import time
from dataclasses import dataclass


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


EXTENSION_KEY = "bridgecast_ratelimiter"


def limiter(app=None):
    """The app's limiter (one per app, in memory unless ``set_limiter`` installed another)."""
    from flask import current_app

    app = app or current_app
    found = app.extensions.get(EXTENSION_KEY)
    if found is None:
        found = app.extensions.setdefault(EXTENSION_KEY, MemoryRateLimiter())
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
