"""The overview (``GET /api/v1/overview``): every active event's tile, crew and admin only,
counts from grouped queries (the number of queries does not grow with the sites)."""

from datetime import timedelta

from sqlalchemy import event as sa_event

from server.extensions import db
from server.models.agenda import AgendaItem
from server.models.question import Question
from server.models.site import SiteIncident
from server.services.agenda import timer
from tests.support import factories

KEYS = {"slug", "name", "obs", "stream", "record", "destinations", "sites", "questions", "current_item"}


def _tile(body, slug):
    return next(t for t in body["events"] if t["slug"] == slug)


def _setup(event):
    sites = [factories.make_site(event) for _ in range(4)]
    sites[0].state, sites[1].state, sites[2].state = "online", "degraded", "offline"
    db.session.add(SiteIncident(event_id=event.id, site_id=sites[2].id, kind="no_audio", text="mất tiếng"))
    db.session.add(SiteIncident(event_id=event.id, site_id=sites[1].id, kind="other", text="x", status="resolved"))
    db.session.add(SiteIncident(event_id=event.id, site_id=sites[0].id, kind="other", text="y", status="acknowledged"))
    for i, status in enumerate(("pending", "pending", "on_air", "answered")):
        db.session.add(Question(event_id=event.id, kind="question", text=f"q{i}", status=status, client_id=f"c{i}"))
    item = AgendaItem(
        event_id=event.id,
        position=1,
        title="Khai mạc",
        duration_min=10,
        planned_start=timer.now() - timedelta(minutes=15),
    )
    db.session.add(item)
    db.session.flush()
    event.current_item_id, item.actual_start = item.id, timer.now() - timedelta(minutes=10)  # 5 min late
    db.session.commit()


def test_overview_gives_every_active_event_a_tile(client, auth, event):
    _setup(event)
    other = factories.make_event("other-event", "Sự kiện khác")
    auth.login("crew")
    response = client.get("/api/v1/overview")
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is True
    assert {t["slug"] for t in body["events"]} >= {event.slug, other.slug}
    tile = _tile(body, event.slug)
    assert set(tile) >= KEYS
    assert tile["sites"] == {"online": 1, "degraded": 1, "offline": 1, "never_seen": 1, "total": 4, "open_alerts": 2}
    assert tile["questions"] == {"pending": 2, "on_air": 1}
    assert tile["destinations"] == {"live": 0, "total": 0}
    assert tile["obs"]["connected"] is False and set(tile["obs"]) == {"connected", "status", "program_scene", "side"}
    assert tile["obs"]["side"] == "primary"
    assert tile["stream"]["state"] == "unknown" and tile["record"]["state"] == "unknown"
    assert tile["current_item"]["title"] == "Khai mạc"
    assert 290 <= tile["current_item"]["drift_s"] <= 310  # started 5 min after its planned start
    assert _tile(body, other.slug)["current_item"] is None
    assert _tile(body, other.slug)["sites"]["total"] == 0


def test_overview_is_for_crew_and_admin_only(app, client, event):
    from tests.conftest import AuthActions

    assert client.get("/api/v1/overview").status_code == 401
    for role, status in (("moderator", 403), ("admin", 200), ("crew", 200)):
        staff = app.test_client()
        AuthActions(staff).login(role)
        assert staff.get("/api/v1/overview").status_code == status, role


def test_overview_queries_do_not_grow_with_sites(client, auth, event, app):
    auth.login("crew")

    def count_queries():
        seen = []

        def before(*_args):
            seen.append(1)

        engine = db.engine
        sa_event.listen(engine, "before_cursor_execute", before)
        try:
            assert client.get("/api/v1/overview").status_code == 200
        finally:
            sa_event.remove(engine, "before_cursor_execute", before)
        return len(seen)

    few = count_queries()
    for _ in range(30):
        factories.make_site(event)
    assert count_queries() == few


def test_wall_page_renders_for_crew_and_is_linked_from_the_start_page(app, client, event):
    from tests.conftest import AuthActions

    assert client.get("/wall").status_code in (302, 401)
    crew = app.test_client()
    AuthActions(crew).login("crew")
    page = crew.get("/wall")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="wall"' in html and "/api/v1/overview" in html and "__slug__" in html
    assert 'id="wall-link"' in crew.get("/").get_data(as_text=True)
    moderator = app.test_client()
    AuthActions(moderator).login("moderator")
    assert moderator.get("/wall").status_code == 403
    assert 'id="wall-link"' not in moderator.get("/").get_data(as_text=True)
