"""Login throttling on top of the per-account lockout of ``accounts.authenticate``.

- Per client address: more than ``per_ip`` failed logins within ``window_s`` → 429 with
  ``Retry-After`` (password spraying over many usernames).
- Unknown usernames lock exactly like real accounts after ``max_failures`` failures, so
  the "locked" answer does not reveal which usernames exist.
State is in memory, per process (with several processes each keeps its own count; the
account lockout itself is in the database and shared).
"""
import threading
import time
from collections import deque

from flask_babel import lazy_gettext as _l

from server.services.errors import ServiceError


class LoginThrottle:
    def __init__(self, per_ip=30, window_s=300, max_failures=5, lockout_s=300, clock=time.monotonic):
        self.per_ip, self.window_s = per_ip, window_s
        self.max_failures, self.lockout_s = max_failures, lockout_s
        self.clock = clock
        self._ip = {}  # address -> deque of failure times
        self._unknown = {}  # username -> (failures, locked_until)
        self._lock = threading.Lock()

    def _recent(self, address, now):
        times = self._ip.get(address)
        if times is None:
            return 0
        while times and now - times[0] > self.window_s:
            times.popleft()
        return len(times)

    def check(self, address, username):
        """Raise ServiceError when this address or (unknown) username may not try now."""
        now = self.clock()
        with self._lock:
            if self._recent(address, now) >= self.per_ip:
                retry = int(self.window_s - (now - self._ip[address][0])) + 1
                raise ServiceError("rate_limited", _l("Gửi quá nhanh, hãy thử lại sau ít phút."), status=429,
                                   retry_after=max(1, retry))
            failures, locked_until = self._unknown.get(username, (0, 0.0))
            if locked_until > now:
                raise ServiceError("locked", _l("Tài khoản tạm khoá do đăng nhập sai nhiều lần, hãy thử lại sau"),
                                   status=429)

    def failed(self, address, username, known):
        now = self.clock()
        with self._lock:
            self._ip.setdefault(address, deque()).append(now)
            if len(self._ip) > 100_000:  # bound memory under a flood of addresses
                self._ip.pop(next(iter(self._ip)))
            if not known:
                failures, _until = self._unknown.get(username, (0, 0.0))
                failures += 1
                if failures >= self.max_failures:
                    self._unknown[username] = (0, now + self.lockout_s)
                else:
                    self._unknown[username] = (failures, 0.0)
                if len(self._unknown) > 100_000:
                    self._unknown.pop(next(iter(self._unknown)))


def throttle_for(app):
    """The app's throttle, created on first use from its settings."""
    throttle = app.extensions.get("bridgecast_login_throttle")
    if throttle is None:
        throttle = LoginThrottle(per_ip=app.config.get("LOGIN_MAX_PER_IP", 30), window_s=app.config["LOGIN_LOCKOUT_S"],
                                 max_failures=app.config["LOGIN_MAX_FAILURES"], lockout_s=app.config["LOGIN_LOCKOUT_S"])
        app.extensions["bridgecast_login_throttle"] = throttle
    return throttle
