"""A controllable clock for bridge-point presence tests: ``T0`` and ``Clock().advance(seconds)``."""

from datetime import UTC, datetime, timedelta

T0 = datetime(2026, 5, 1, 8, 0, 0, tzinfo=UTC)


class Clock:
    def __init__(self):
        self.at = T0

    def __call__(self):
        return self.at

    def advance(self, seconds):
        self.at += timedelta(seconds=seconds)
