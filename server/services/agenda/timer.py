"""The speaker countdown: pure computations over the durable ``AgendaLive`` row.

The timer is stored as an absolute end time (or, while paused, the seconds left), so any
process and any restart computes the same state from the database. ``clock`` is injectable
(tests replace it). Phases: ``idle``, ``normal``, ``warning`` (≤ warning_s left), ``danger``
(≤ danger_s left), ``overtime`` (past the end; the display counts up).
"""

from datetime import UTC, datetime, timedelta


def _utc_now():
    return datetime.now(UTC)


clock = _utc_now


def now():
    return clock()


def set_clock(fn):
    """Replace the clock (``fn() -> aware datetime``); ``None`` restores the real one."""
    global clock
    clock = fn or _utc_now


def remaining_s(live, at):
    if live is None:
        return None
    if live.timer_paused_remaining_s is not None:
        return float(live.timer_paused_remaining_s)
    if live.timer_ends_at is None:
        return None
    return (live.timer_ends_at - at).total_seconds()


def phase(remaining, warning_s, danger_s):
    if remaining is None:
        return "idle"
    if remaining < 0:
        return "overtime"
    if remaining <= danger_s:
        return "danger"
    if remaining <= warning_s:
        return "warning"
    return "normal"


def start(live, duration_s, at):
    live.timer_duration_s = int(duration_s)
    live.timer_ends_at = at + timedelta(seconds=duration_s)
    live.timer_paused_remaining_s = None


def pause(live, at):
    left = remaining_s(live, at)
    if left is None or live.timer_paused_remaining_s is not None:
        return False
    live.timer_paused_remaining_s = left
    live.timer_ends_at = None
    return True


def resume(live, at):
    if live.timer_paused_remaining_s is None:
        return False
    live.timer_ends_at = at + timedelta(seconds=live.timer_paused_remaining_s)
    live.timer_paused_remaining_s = None
    return True


def nudge(live, seconds):
    """Add (or remove, negative) time, running or paused."""
    if live.timer_paused_remaining_s is not None:
        live.timer_paused_remaining_s += seconds
    elif live.timer_ends_at is not None:
        live.timer_ends_at = live.timer_ends_at + timedelta(seconds=seconds)
    else:
        return False
    live.timer_duration_s = max(0, live.timer_duration_s + int(seconds))
    return True


def stop(live):
    live.timer_ends_at = None
    live.timer_paused_remaining_s = None
    live.timer_item_id = None


def view(live, at):
    """The timer as the displays need it; clients tick locally from ``ends_at`` + ``server_now``."""
    left = remaining_s(live, at)
    warning_s = live.warning_s if live is not None else 120
    danger_s = live.danger_s if live is not None else 30
    return {
        "item_id": live.timer_item_id if live is not None else None,
        "running": bool(live is not None and live.timer_ends_at is not None),
        "paused": bool(live is not None and live.timer_paused_remaining_s is not None),
        "ends_at": live.timer_ends_at.isoformat() if live is not None and live.timer_ends_at else None,
        "remaining_s": None if left is None else round(left, 3),
        "duration_s": live.timer_duration_s if live is not None else 0,
        "warning_s": warning_s,
        "danger_s": danger_s,
        "phase": phase(left, warning_s, danger_s),
        "server_now": at.isoformat(),
    }


def format_clock(seconds):
    """'12:05', '-0:42' for overtime, '1:02:03' past an hour."""
    if seconds is None:
        return ""
    sign = "-" if seconds < 0 else ""
    total = int(abs(seconds) + (0.999 if seconds >= 0 else 0))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"
