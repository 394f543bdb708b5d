"""A server restart within the grace window: sites whose beats are stale in the database
(the process was down) are not swept offline, the crew board gets no offline push, and a
phone's repeated check-in after reconnecting is not a second check-in."""

from datetime import UTC, datetime, timedelta

from server.extensions import db
from server.models.site import SiteLog
from server.services.bridges import monitor, presence
from server.services.bridges.liveness import book
from tests.support import factories

T0 = datetime(2026, 5, 1, 8, 0, 0, tzinfo=UTC)


def test_restart_within_grace_window_raises_no_offline(app, event, socket_client):
    at = [T0]
    presence.set_clock(lambda: at[0])
    try:
        sites = [factories.make_site(event, code=f"S-{i}") for i in range(6)]
        for site in sites:
            presence.record_beat(site)
        presence.check_in(sites[0], True, True, client_id="phone-1")
        crew = socket_client("/crew", role="crew")
        crew.get_received("/crew")

        # the process stops; it is back 40 s later with an empty book
        at[0] += timedelta(seconds=40)
        book.clear()
        presence.start_grace()
        monitor.run_once()  # the monitor's first tick comes before any phone is back
        for _ in range(3):  # phones reconnect and beat every 5 s; the monitor ticks
            at[0] += timedelta(seconds=5)
            for site in sites:
                presence.beat(site.id, site.token)
            presence.check_in(sites[0], True, True, client_id="phone-1")  # the phone resends it
            monitor.run_once()
        pushed = [e for e in crew.get_received("/crew") if e["name"] in ("site_state", "site_states")]
        assert pushed == []  # no alarm
        at[0] += timedelta(seconds=6)  # the window is over: everyone beat, nobody goes offline
        for site in sites:
            presence.beat(site.id, site.token)
        monitor.run_once()
        for site in sites:
            db.session.refresh(site)
            assert site.state == "online"
        assert db.session.query(SiteLog).filter_by(site_id=sites[0].id, kind="check_in").count() == 1
    finally:
        presence.set_clock(None)
        presence.end_grace()
