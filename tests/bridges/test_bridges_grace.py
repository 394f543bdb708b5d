"""The restart grace (``server/services/bridges/grace.py``, fed by ``presence``): it ends when
the reconnects settle, not on a fixed clock; the sites that did not come back are swept at once
when it ends."""

from datetime import timedelta

from server.extensions import db
from server.models.site import SiteLog
from server.services.bridges import presence
from server.services.bridges.grace import RestartGrace
from server.services.bridges.liveness import book
from tests.support import factories
from tests.support.presence_clock import T0


def at(seconds):
    return T0 + timedelta(seconds=seconds)


def grace(expected=range(10), minimum=20, settle=20, maximum=120):
    g = RestartGrace()
    g.start(T0, expected, minimum_s=minimum, settle_s=settle, maximum_s=maximum)
    return g


# ---- the rule alone ------------------------------------------------------------------------


def test_grace_holds_the_minimum_even_when_everyone_is_back():
    g = grace(expected=[1, 2])
    g.returned(1, at(1)), g.returned(2, at(2))
    assert g.active(at(19.9))
    assert not g.active(at(20))
    assert g.ended == at(20)


def test_grace_ends_at_the_minimum_when_every_expected_site_is_back():
    g = grace(expected=[1, 2, 3])
    for i, t in ((1, 3), (2, 10), (3, 19)):
        g.returned(i, at(t))
    g.returned(99, at(19))  # not expected (never seen, offline before): does not count
    assert g.missing() == 0 and g.status()["back"] == 3
    assert not g.active(at(20.5))


def test_grace_holds_while_sites_keep_coming_back():
    g = grace(expected=range(100))
    for i in range(90):  # a steady trickle: one return every 0.5 s, for 45 s
        g.returned(i, at(i * 0.5))
        assert g.active(at(i * 0.5))
    last = 89 * 0.5
    assert g.active(at(last + 19.9))  # 10 missing, last return under one settle period ago
    assert not g.active(at(last + 20))  # settled: the 10 are not coming
    assert g.active(at(last + 25)) is False  # once ended, it stays ended


def test_reconnects_of_sites_already_back_hold_the_grace_but_their_beats_do_not():
    g = grace(expected=[1, 2, 3])
    g.returned(1, at(1)), g.returned(2, at(2))
    g.returned(1, at(15))  # a beat: site 1 is already back, nothing new
    assert not g.active(at(22))  # one settle period after the last return (2 s): over
    g = grace(expected=[1, 2, 3])
    g.returned(1, at(1)), g.returned(2, at(2))
    g.returned(1, at(15), connect=True)  # site 1 dropped in the storm and reconnects
    assert g.active(at(22)) and g.active(at(34.9))
    assert not g.active(at(35))


def test_a_site_that_connected_but_never_beat_is_not_back():
    g = grace(expected=[1, 2])
    g.returned(1, at(2)), g.returned(2, at(3), connect=True)  # 2 connects, drops before its beat
    assert g.missing() == 1
    assert g.active(at(22.9))  # settling: the connect was a return
    g.returned(2, at(30), connect=True)  # reconnects
    g.returned(2, at(31))  # and beats: every site back
    assert not g.active(at(31.5))


def test_grace_is_capped_by_its_maximum():
    g = grace(expected=range(1000), maximum=60)
    t = 0.0
    while t < 59:
        g.returned(int(t * 10), at(t))
        t += 0.5
        assert g.active(at(t))
    assert not g.active(at(60))


def test_nobody_back_yet_holds_until_the_maximum_then_the_first_return_starts_the_settling():
    g = grace(expected=[1, 2], minimum=20, settle=20, maximum=120)
    assert g.active(at(119))  # a swamped server: no connection taken yet, nothing to judge
    assert not g.active(at(120))
    g = grace(expected=[1, 2], minimum=20, settle=20, maximum=120)
    assert g.active(at(50))
    g.returned(1, at(55))
    assert g.active(at(74.9)) and not g.active(at(75))


def test_nobody_expected_ends_at_the_minimum():
    g = grace(expected=[])
    assert g.active(at(19)) and not g.active(at(20))


def test_returns_after_the_end_do_not_reopen_it():
    g = grace(expected=[1, 2])
    g.returned(2, at(5))
    assert not g.active(at(40))
    g.returned(1, at(41), connect=True)
    assert not g.active(at(41)) and g.status()["back"] == 1


# ---- through presence: dead sites are still swept ---------------------------------------------


def test_a_slow_reconnect_wave_raises_no_offline_and_a_dead_site_is_swept_after(app, event, clock):
    sites = [factories.make_site(event, code=f"G-{i}") for i in range(12)]
    for site in sites:
        presence.record_beat(site)
    clock.advance(15)  # the process is killed and back 15 s later: empty book, old beats
    book.clear()
    presence.start_grace()
    assert presence.grace_status()["expected"] == 12
    log_mark = db.session.query(db.func.max(SiteLog.id)).scalar()
    # sites come back one every 3 s (a jittered back-off on a loaded server): 11 of them, G-11 dead
    for i, site in enumerate(sites[:11]):
        clock.advance(3)
        presence.beat(site.id, site.token)
        for back in sites[:i]:  # the ones back keep beating
            presence.beat(back.id, back.token)
        assert presence.sweep() == {}, f"swept during the wave, at return {i}"
    # 33 s in: past a fixed 20 s grace; the wave settled, G-11 is not back
    for _ in range(4):
        clock.advance(5)
        for site in sites[:11]:
            presence.beat(site.id, site.token)
        changed = presence.sweep()
        if changed:
            break
    assert [(s["code"], s["state"]) for s in changed[event.slug]] == [("G-11", "offline")]
    offline = db.session.query(SiteLog).filter(SiteLog.id > log_mark, SiteLog.detail.like("%→ offline%")).all()
    assert [row.site_id for row in offline] == [sites[11].id]
    # the returning sites' first beats took the quiet path: no state line written for them
    assert db.session.query(SiteLog).filter(SiteLog.id > log_mark, SiteLog.kind == "state").count() == 1


def test_the_grace_ends_early_when_every_site_is_back(app, event, clock):
    sites = [factories.make_site(event, code=f"E-{i}") for i in range(3)]
    for site in sites:
        presence.record_beat(site)
    clock.advance(30)
    book.clear()
    presence.start_grace()
    clock.advance(2)
    for site in sites:
        presence.beat(site.id, site.token)
    clock.advance(10)
    for site in sites:  # they keep beating
        presence.beat(site.id, site.token)
    clock.advance(7.5)
    assert presence.in_grace()
    clock.advance(1)  # one offline threshold since the start, every site back: over
    assert not presence.in_grace()
    assert presence.sweep() == {}
