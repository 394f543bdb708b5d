"""The background task that sweeps silent sites offline and publishes changed counters.

Started by ``start_background_services`` through ``app.extensions["bridgecast_starters"]``.
It ticks a few times per beat interval (at most once a second), so a site that stops
beating shows offline within the offline threshold plus one tick.
"""
import logging

from server.extensions import db, socketio

log = logging.getLogger(__name__)


def tick_seconds(config):
    return max(0.2, min(1.0, float(config["HEARTBEAT_INTERVAL_S"]) / 4))


def run_once(app):
    from server.services.bridges.counter import publish_dirty
    from server.services.bridges.presence import sweep

    with app.app_context():
        try:
            sweep()
            publish_dirty()
        finally:
            db.session.remove()


def _loop(app):
    period = tick_seconds(app.config)
    while True:
        try:
            run_once(app)
        except Exception:  # a bad tick must not stop the monitor
            log.exception("bridge monitor tick failed")
        socketio.sleep(period)


def start_monitor(app):
    if app.extensions.get("bridgecast_bridge_monitor"):
        return
    app.extensions["bridgecast_bridge_monitor"] = socketio.start_background_task(_loop, app)
