"""Presence that costs little: the in-memory book (token cache, beats, sockets), the batch
writer of last_seen, the background state, and the restart grace window."""

from datetime import timedelta

from sqlalchemy import event as sa_event

from server.extensions import db
from server.models.site import Site
from server.services.bridges import presence
from server.services.bridges import sites as site_service
from server.services.bridges.liveness import Liveness, book
from tests.support import factories
from tests.support.presence_clock import T0

# ---- the book alone ---------------------------------------------------------------------


def test_book_caches_validations_for_its_ttl():
    ticks = [100.0]
    live = Liveness(ttl_s=30, clock=lambda: ticks[0])
    known = live.remember("t" * 20, 7, 1, "online", "ok")
    assert live.lookup("t" * 20) is known
    ticks[0] += 31
    assert live.lookup("t" * 20) is None  # revalidate


def test_book_keeps_beats_and_pending_rows_and_forgets_a_site():
    live = Liveness()
    known = live.remember("a" * 20, 7, 1, "online", "ok")
    live.beat(known, "a" * 20, T0)
    live.beat(known, "a" * 20, T0 + timedelta(seconds=5))  # one pending row per site: the latest
    assert live.last_beat(7) == T0 + timedelta(seconds=5) and live.pending_count() == 1
    rows = live.take_pending()
    assert rows == [
        {"b_id": 7, "b_token": "a" * 20, "b_state": "online", "b_reported": "ok", "b_at": T0 + timedelta(seconds=5)}
    ]
    assert live.pending_count() == 0
    live.remember("b" * 20, 7, 1, "online", "ok")  # rotated token replaces the old one
    assert live.lookup("a" * 20) is None
    live.forget(7)
    assert live.lookup("b" * 20) is None


def test_book_counts_sockets():
    live = Liveness()
    live.socket_open(3), live.socket_open(3)
    live.socket_closed(3)
    assert live.connected(3)
    live.socket_closed(3)
    assert not live.connected(3)


# ---- quiet beats and the batch writer ---------------------------------------------------


def _count_updates(app):
    seen = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE SITES"):
            seen.append(executemany)

    engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", before)
    return seen, lambda: sa_event.remove(engine, "before_cursor_execute", before)


def test_quiet_beats_write_nothing_until_the_batch(app, event, clock):
    sites = [factories.make_site(event, code=f"Q-{i}") for i in range(20)]
    for site in sites:
        presence.record_beat(site)  # never_seen → online: written
    seen, stop = _count_updates(app)
    try:
        for _ in range(3):
            clock.advance(5)
            for site in sites:
                assert presence.beat(site.id, site.token) == {"state": "online", "changed": False}
        assert seen == []  # 60 beats, not one UPDATE
        assert presence.flush_beats(force=True) == 20
        assert seen == [True]  # one executemany
    finally:
        stop()
    db.session.expire_all()
    assert {s.last_beat_at for s in db.session.scalars(db.select(Site))} == {clock.at}


def test_sweep_sees_beats_not_yet_written(app, event, clock):
    site = factories.make_site(event)
    presence.record_beat(site)
    for _ in range(5):
        clock.advance(5)
        presence.beat(site.id, site.token)
    assert presence.sweep() == {}  # 25 s after the written beat, 0 s after the last one


def test_rotated_token_is_refused_by_the_quiet_path(app, event, clock):
    site = factories.make_site(event)
    presence.record_beat(site)
    old = site.token
    site_service.rotate_token(site)
    assert presence.quiet_beat(site.id, old) is None


def test_batch_row_that_no_longer_matches_drops_the_cache(app, event, clock):
    site = factories.make_site(event)
    presence.record_beat(site)
    clock.advance(5)
    presence.beat(site.id, site.token)
    # another process moved the site meanwhile
    db.session.execute(db.update(Site).where(Site.id == site.id).values(state="offline"))
    db.session.commit()
    presence.flush_beats(force=True)
    assert book.lookup(site.token) is None
    clock.advance(1)
    assert presence.beat(site.id, site.token)["state"] == "online"  # the full path brings it back
    db.session.refresh(site)
    assert site.state == "online"


# ---- background and the restart grace window --------------------------------------------


def test_connected_socket_with_late_beats_is_background_not_offline(app, event, clock):
    site = factories.make_site(event)
    presence.record_beat(site)
    presence.note_connect(site)
    clock.advance(13)
    assert [s["state"] for s in presence.sweep()[event.slug]] == ["background"]
    clock.advance(60)
    assert presence.sweep() == {}  # still background: a background tab beats once a minute
    clock.advance(1)
    assert presence.beat(site.id, site.token)["state"] == "online"
    clock.advance(25)
    presence.note_disconnect(site.id)
    assert [s["state"] for s in presence.sweep()[event.slug]] == ["offline"]


def test_restart_within_grace_raises_no_offline(app, event, clock):
    sites = [factories.make_site(event, code=f"R-{i}") for i in range(5)]
    for site in sites:
        presence.record_beat(site)
    # the server restarts 30 s later: the book is empty, the database has old beats
    clock.advance(30)
    book.clear()
    presence.start_grace()
    assert presence.sweep() == {}
    for _ in range(3):  # four phones reconnect and beat every 5 s within the window (20 s)
        clock.advance(5)
        for site in sites[:4]:
            assert presence.beat(site.id, site.token)["state"] == "online"
        assert presence.sweep() == {}  # nobody swept during the window (R-4 is 50 s silent)
    clock.advance(6)  # 21 s: R-4 missing and the others came back 16 s ago: still settling
    assert presence.sweep() == {}
    for site in sites[:4]:
        assert presence.beat(site.id, site.token)["state"] == "online"
    clock.advance(4)  # no return for one threshold: over; only the silent site goes offline
    for site in sites[:4]:
        presence.beat(site.id, site.token)
    changed = presence.sweep()
    assert [(s["code"], s["state"]) for s in changed[event.slug]] == [("R-4", "offline")]


# ---- Vietnamese order of the board's groups -----------------------------------------------


def test_vi_sort_key_orders_the_vietnamese_alphabet():
    from server.services.text import vi_sort_key

    names = ["Huyện Yên Định", "Huyện Đông Sơn", "Huyện Ân Thi", "Huyện An Lão", "Huyện Dương Minh Châu", "Huyện Ba Vì"]
    assert sorted(names, key=vi_sort_key) == [
        "Huyện An Lão",
        "Huyện Ân Thi",
        "Huyện Ba Vì",
        "Huyện Dương Minh Châu",
        "Huyện Đông Sơn",
        "Huyện Yên Định",
    ]
    assert sorted(["Hạ", "Hà", "Há", "Ha", "Hả", "Hã"], key=vi_sort_key) == ["Ha", "Hà", "Hả", "Hã", "Há", "Hạ"]
    assert sorted(["Ông", "Ơn", "Ô", "Ò", "O"], key=vi_sort_key) == ["O", "Ò", "Ô", "Ông", "Ơn"]
    import unicodedata

    assert vi_sort_key(unicodedata.normalize("NFD", "Đông Sơn"))[:2] == vi_sort_key("Đông Sơn")[:2]


def test_board_order_groups_by_vietnamese_name(app, event):
    from server.services.bridges.sites import board_order

    a = factories.make_site(event, code="B-1", district="Huyện Yên Định")
    b = factories.make_site(event, code="A-1", district="Huyện Đông Sơn")
    c = factories.make_site(event, code="C-1", district="Huyện Ân Thi")
    assert [s.code for s in board_order([a, b, c])] == ["C-1", "A-1", "B-1"]


# ---- scale-out: connected sockets shared through Redis ------------------------------------


def test_sockets_on_another_process_count_as_connected(redis_server):
    import redis

    url = redis_server.url
    ticks = [0.0]
    here, there = Liveness(clock=lambda: ticks[0]), Liveness(clock=lambda: ticks[0])
    here.share_sockets(redis.Redis.from_url(url), "node-a")
    there.share_sockets(redis.Redis.from_url(url), "node-b")
    there.socket_open(42)
    there.publish_sockets()
    assert here.connected(42) and not here.connected(43)
    there.socket_closed(42)
    there.publish_sockets()
    assert here.connected(42)  # re-read at most once a second
    ticks[0] += 1.5
    assert not here.connected(42)
