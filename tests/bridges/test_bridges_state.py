"""State derivation with a controllable clock, beats, check-in, and the offline sweep."""

from datetime import timedelta

import pytest

from server.extensions import db
from server.models.site import SiteLog
from server.services.bridges import presence as bridges_state
from server.services.bridges.counter import summary
from tests.support import factories
from tests.support.presence_clock import T0, Clock


@pytest.fixture
def clock():
    c = Clock()
    bridges_state.set_clock(c)
    yield c
    bridges_state.set_clock(None)


def test_derive_state_is_pure():
    d = bridges_state.derive_state
    assert d(None, "ok", T0, 12.5, 20) == "never_seen"
    assert d(T0, "ok", T0 + timedelta(seconds=4), 12.5, 20) == "online"
    assert d(T0, "degraded", T0 + timedelta(seconds=1), 12.5, 20) == "degraded"
    assert d(T0, "ok", T0 + timedelta(seconds=13), 12.5, 20) == "degraded"  # missed beats
    assert d(T0, "ok", T0 + timedelta(seconds=20), 12.5, 20) == "offline"
    assert d(T0, "degraded", T0 + timedelta(seconds=25), 12.5, 20) == "offline"


def test_default_thresholds(app):
    assert bridges_state.thresholds() == (5.0, 12.5, 20.0)


def _log_kinds(site):
    return [
        r.detail
        for r in db.session.scalars(db.select(SiteLog).filter_by(site_id=site.id, kind="state").order_by(SiteLog.id))
    ]


def test_beats_then_silence_goes_degraded_then_offline(event, clock):
    site = factories.make_site(event)
    assert site.state == "never_seen"
    assert bridges_state.record_beat(site)["state"] == "online"
    for _ in range(3):
        clock.advance(5)
        assert bridges_state.record_beat(site) == {"state": "online", "changed": False}
    clock.advance(10)
    assert bridges_state.sweep() == {}
    clock.advance(3)  # 13 s since the last beat: two missed beats
    changed = bridges_state.sweep()
    assert [s["state"] for s in changed[event.slug]] == ["degraded"]
    clock.advance(7)  # 20 s: offline
    changed = bridges_state.sweep()
    assert [s["id"] for s in changed[event.slug]] == [site.id]
    db.session.refresh(site)
    assert site.state == "offline" and site.state_changed_at == clock.at
    assert _log_kinds(site) == [
        "never_seen → online (heartbeat)",
        "online → degraded (sweep)",
        "degraded → offline (sweep)",
    ]
    clock.advance(1)
    assert bridges_state.record_beat(site)["state"] == "online"
    assert summary(event)["online"] == 1


def test_site_report_makes_it_degraded_and_ok_brings_it_back(event, clock):
    site = factories.make_site(event)
    bridges_state.record_beat(site)
    assert bridges_state.record_beat(site, "degraded", note="tiếng rè")["state"] == "degraded"
    db.session.refresh(site)
    assert site.note == "tiếng rè" and site.reported_state == "degraded"
    clock.advance(5)
    assert bridges_state.record_beat(site, "ok")["state"] == "online"


def test_check_in_records_video_and_audio(event, clock):
    site = factories.make_site(event)
    bridges_state.check_in(site, True, False)
    db.session.refresh(site)
    assert site.checked_in_at == T0 and site.video_ok is True and site.audio_ok is False
    assert site.state == "degraded"
    assert summary(event)["checked_in"] == 1


def test_summary_counts_active_sites_only(event, clock):
    sites = [factories.make_site(event) for _ in range(5)]
    bridges_state.record_beat(sites[0])
    bridges_state.record_beat(sites[1], "degraded")
    bridges_state.record_beat(sites[2])
    sites[4].is_active = False
    db.session.commit()
    clock.advance(30)
    bridges_state.record_beat(sites[0])
    bridges_state.sweep()
    counts = summary(event)
    assert {k: counts[k] for k in ("total", "online", "degraded", "offline", "never_seen")} == {
        "total": 4,
        "online": 1,
        "degraded": 0,
        "offline": 2,
        "never_seen": 1,
    }
    assert counts["connected"] == 1


def test_sweep_ignores_inactive_and_never_seen(event, clock):
    silent = factories.make_site(event)
    inactive = factories.make_site(event)
    bridges_state.record_beat(inactive)
    inactive.is_active = False
    db.session.commit()
    clock.advance(60)
    assert bridges_state.sweep() == {}
    db.session.refresh(silent)
    assert silent.state == "never_seen"


def test_counters_of_an_event_gone_meanwhile_do_not_stop_the_others(app, event):
    """A deactivated event's pending counters are dropped; the other events are still published."""
    from server.services.bridges import counter

    counter.mark_dirty("no-such-event")
    counter.mark_dirty(event.slug)
    counter.publish_dirty()
    assert "no-such-event" not in counter._dirty and event.slug not in counter._dirty
