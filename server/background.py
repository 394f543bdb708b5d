"""Background loops of a server process, and the one helper every loop uses.

``every(app, name, fn, interval)`` runs ``fn()`` in an app context every ``interval`` seconds;
with ``per_event=True`` it runs ``fn(slug)`` for each active event whose periodic work runs in
this process (``ownership.runs_here``: every event with one process, only owned events when
several processes share Redis). A failing round is logged and the loop goes on; the session is
always removed. Loops are started by ``server.app.start_background_services`` only.
"""

import logging

from server.extensions import db, socketio

log = logging.getLogger(__name__)


def _owned_slugs():
    from server.services import ownership  # ownership needs the app's manager, made by create_app
    from server.services.events import active_events

    return [event.slug for event in active_events() if ownership.runs_here(event.slug)]


def run_round(app, name, fn, per_event=False):
    """One round of a loop (also what tests call)."""
    with app.app_context():
        try:
            if per_event:
                for slug in _owned_slugs():
                    try:
                        fn(slug)
                    except Exception:
                        log.exception("%s failed for %s", name, slug)
                        db.session.rollback()
            else:
                fn()
        except Exception:  # a bad round must not stop the loop
            log.exception("%s failed", name)
            db.session.rollback()
        finally:
            db.session.remove()


def every(app, name, fn, interval, per_event=False):
    """Start a loop; ``app.extensions["bridgecast_loops"]`` keeps one task per name."""
    loops = app.extensions.setdefault("bridgecast_loops", {})
    if name in loops:
        return loops[name]

    def loop():
        while True:
            run_round(app, name, fn, per_event)
            socketio.sleep(interval)

    loops[name] = socketio.start_background_task(loop)
    return loops[name]
