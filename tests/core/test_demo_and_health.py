"""Demo seeding on first start (idempotent) and the health check."""

from server.extensions import db
from server.models import AgendaItem, Document, Event, Site, User
from server.services.demo.seed import ensure_demo


def test_demo_seed_creates_the_congress_once(app):
    assert ensure_demo("demo-password-1") is True
    counts = (
        db.session.query(Event).count(),
        db.session.query(Site).count(),
        db.session.query(AgendaItem).count(),
        db.session.query(Document).count(),
    )
    assert ensure_demo("demo-password-1") is False
    assert (
        db.session.query(Event).count(),
        db.session.query(Site).count(),
        db.session.query(AgendaItem).count(),
        db.session.query(Document).count(),
    ) == counts
    assert db.session.query(User).filter_by(role="admin").count() == 1


def test_demo_congress_has_442_bridge_points_over_provinces(app):
    ensure_demo("demo-password-1")
    forum = db.session.scalar(db.select(Event).filter_by(slug="demo-forum"))
    plenary = db.session.scalar(db.select(Event).filter_by(slug="demo-plenary"))
    assert forum and plenary
    sites = db.session.scalars(db.select(Site).filter_by(event_id=forum.id)).all()
    assert len(sites) == 442
    assert len({s.province for s in sites}) == 4
    # Every commune is on the official 2025 map, in its own province.
    from server.services.bridges import gazetteer

    for site in sites:
        assert gazetteer.find_commune(gazetteer.find_province(site.province), site.commune).name == site.commune
    assert len({s.token for s in sites}) == 442 and all(len(s.token) >= 32 for s in sites)
    assert db.session.query(AgendaItem).filter_by(event_id=plenary.id).count() >= 8


def test_admin_password_is_printed_once_when_not_given(app, capsys):
    ensure_demo(None)
    out = capsys.readouterr().out
    assert "admin /" in out
    ensure_demo(None)
    assert "admin /" not in capsys.readouterr().out


def test_seed_demo_command(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0 and "demo seeded" in result.output
    again = app.test_cli_runner().invoke(args=["seed-demo"])
    assert "nothing to do" in again.output


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["db"] == "ok" and body["async_mode"] == "threading"


def test_admin_sees_the_demo_events(client, auth, app):
    ensure_demo("demo-password-1")
    auth.login("admin")
    html = client.get("/").get_data(as_text=True)
    assert "Đại hội đại biểu MTTQ Việt Nam tỉnh Thanh Hóa" in html and "Diễn đàn" in html


def test_demo_national_has_34_provinces_and_3321_communes(app):
    import time

    started = time.monotonic()
    ensure_demo("demo-password-1")
    assert time.monotonic() - started < 10
    national = db.session.scalar(db.select(Event).filter_by(slug="demo-national"))
    sites = db.session.scalars(db.select(Site).filter_by(event_id=national.id)).all()
    assert len(sites) == 3355
    bridges = {s.id: s for s in sites if s.parent_id is None}
    assert len(bridges) == 34
    communes = [s for s in sites if s.parent_id is not None]
    assert len(communes) == 3321 and len({s.token for s in sites}) == 3355
    assert all(bridges[s.parent_id].province == s.province for s in communes)


def test_demo_national_summary_over_http(app, client, auth):
    ensure_demo("demo-password-1")
    auth.login("crew")
    body = client.get("/api/v1/events/demo-national/sites/summary").get_json()
    assert body["ok"] and body["total"] == 3355 and body["never_seen"] == 3355
