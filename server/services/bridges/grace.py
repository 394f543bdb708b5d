"""The restart grace: after a process (re)starts, no site is swept offline until the phones
that were live before it have come back, or stopped coming back.

Pure (times are passed in), so the unit tests drive it directly; ``presence`` owns the one
instance and feeds it. The rule: the grace holds while

- less than ``minimum_s`` (one offline threshold) has passed since the start, or
- sites are still coming back: some expected site (live when the process started) is not back,
  and the last return (or the start, before any) is less than ``settle_s`` ago (a reconnect of a
  site already back counts as a return: a storm that drops and retakes sockets has not settled;
  before the first return nothing can be judged: a server swamped by the storm takes its first
  connections late),

and never beyond ``maximum_s`` (``RESTART_GRACE_MAX_S``). A site is back at its first beat in
this process; a socket connect is a return that keeps the settling going, not yet a site back (in a
storm a phone may connect and drop again before it beats). When the grace ends, the sweep sends the ones that did not come
back offline at once: those alarms are true.
"""

import threading
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class RestartGrace:
    started: datetime | None = None
    minimum_s: float = 0.0
    settle_s: float = 0.0
    maximum_s: float = 0.0
    expected: set = field(default_factory=set)
    back: set = field(default_factory=set)
    last_return: datetime | None = None
    ended: datetime | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def start(self, at, expected, minimum_s, settle_s, maximum_s):
        with self._lock:
            self.started, self.ended, self.last_return = at, None, None
            self.minimum_s, self.settle_s, self.maximum_s = minimum_s, settle_s, max(minimum_s, maximum_s)
            self.expected, self.back = set(expected), set()

    def stop(self):
        with self._lock:
            self.started, self.ended, self.last_return = None, None, None
            self.expected, self.back = set(), set()

    def returned(self, site_id, at, connect=False):
        """A site beat (``connect=False``) or connected in this process. Its first beat counts it
        back; every connect is a return too (the storm has not settled) without counting it back:
        in a storm a phone may connect, drop before its first beat and reconnect later. Cheap
        once the grace is over."""
        if self.started is None or self.ended is not None or (site_id in self.back and not connect):
            return
        with self._lock:
            if site_id in self.expected:
                if not connect:
                    self.back.add(site_id)
                self.last_return = at

    def missing(self):
        return len(self.expected - self.back)

    def active(self, at):
        """Whether the sweep stays quiet at ``at``; the first False is remembered (``ended``)."""
        if self.started is None or self.ended is not None:
            return False
        elapsed = (at - self.started).total_seconds()
        if elapsed < self.minimum_s:
            return True
        if elapsed < self.maximum_s and self.missing():
            if self.last_return is None and self.expected:
                return True  # nobody back yet: a server still swamped, or the network; no judging
            if (at - (self.last_return or self.started)).total_seconds() < self.settle_s:
                return True
        self.ended = at
        return False

    def status(self):
        return {
            "started": self.started,
            "ended": self.ended,
            "expected": len(self.expected),
            "back": len(self.back),
            "last_return": self.last_return,
        }
