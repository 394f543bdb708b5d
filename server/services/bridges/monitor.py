"""The background task that writes the batched beats, sweeps silent sites offline and
publishes changed counters.

Started by ``server.app.start_background_services`` (``server.background.every``). It ticks a few times per beat interval (at most once a second), so a site that stops
beating shows offline within the offline threshold plus one tick, and its drop stays on the
board as an alert (``alerts.raise_drops``) until the crew acknowledges it.
"""

from server.services.bridges.alerts import raise_drops
from server.services.bridges.counter import publish_dirty
from server.services.bridges.presence import flush_beats, sweep


def tick_seconds(config):
    return max(0.2, min(1.0, float(config["HEARTBEAT_INTERVAL_S"]) / 4))


def run_once():
    """One round: write the pending beats (every ``BEAT_FLUSH_S``), sweep silent sites offline
    (each drop an alert, one group per event), publish the counters that changed."""
    flush_beats()
    for slug, views in sweep().items():
        raise_drops(slug, views)
    publish_dirty()
