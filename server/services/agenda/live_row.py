"""The durable ``AgendaLive`` row of an event (countdown, slide on screen, lower third, logo).

A leaf module on purpose: the slides and overlay-theme services read and write this row too,
and importing it from here (not from ``agenda.live``) keeps them out of an import cycle with
the live run, which itself shows slides.
"""

from server.extensions import db
from server.models.agenda import AgendaLive


def live_of(event, create=True):
    """The event's ``AgendaLive`` row; created (flushed, not committed) when missing and asked."""
    live = db.session.get(AgendaLive, event.id)
    if live is None and create:
        live = AgendaLive(
            event_id=event.id,
            timer_duration_s=0,
            warning_s=120,
            danger_s=30,
            slide_index=0,
            lower_third="",
            logo_path="",
        )
        db.session.add(live)
        db.session.flush()
    return live
