"""Migrations and the demo seed on a real PostgreSQL server, not only SQLite."""

import itertools

import pytest
from sqlalchemy import inspect, text

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
_names = itertools.count(1)


def test_migrations_and_idempotent_demo_seed_on_postgresql(postgres, tmp_path):
    from server import create_app
    from server.extensions import db
    from server.models.event import Event
    from server.models.site import Site
    from server.models.user import User
    from server.services.demo.seed import ensure_demo
    from tests.conftest import BASE_CONFIG

    url = postgres.create_database(f"migrate_{next(_names)}").replace("postgresql://", "postgresql+psycopg://")
    app = create_app(
        {
            **BASE_CONFIG,
            "SQLALCHEMY_DATABASE_URI": url,
            "DEMO_SEED": True,
            "ADMIN_PASSWORD": "admin-pass-123",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
        # a database server gets the pool thousands of sockets need, and a short wait when it is empty
        assert (db.engine.pool.size(), db.engine.pool._max_overflow, db.engine.pool._timeout) == (20, 20, 10.0)
        tables = set(inspect(db.engine).get_table_names())
        for model in db.Model.__subclasses__():
            assert model.__tablename__ in tables, model.__tablename__
        heads = db.session.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        assert heads, "alembic_version is empty"
        counts = (db.session.query(Event).count(), db.session.query(Site).count(), db.session.query(User).count())
        assert counts[0] == 3 and counts[1] == 442 + 19 + 3355 and counts[2] == 1
        assert ensure_demo("admin-pass-123") is False
        assert (
            db.session.query(Event).count(),
            db.session.query(Site).count(),
            db.session.query(User).count(),
        ) == counts
        db.session.remove()
        db.engine.dispose()
    # A second start on the same database migrates nothing and seeds nothing.
    again = create_app(
        {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "DEMO_SEED": True, "UPLOAD_FOLDER": str(tmp_path / "uploads")}
    )
    with again.app_context():
        assert (db.session.query(Event).count(), db.session.query(Site).count()) == counts[:2]
        db.session.remove()
        db.engine.dispose()


def test_pooled_connections_are_pinged_only_after_idling_and_a_restart_is_survived(postgres):
    import time

    from sqlalchemy import create_engine

    from server.services.database import install_idle_ping

    url = postgres.create_database(f"ping_{next(_names)}").replace("postgresql://", "postgresql+psycopg://")
    engine = create_engine(url, pool_size=1, max_overflow=0)
    install_idle_ping(engine, idle_s=0.5)
    pings, ping = [], engine.dialect.do_ping
    engine.dialect.do_ping = lambda conn: pings.append(1) or ping(conn)

    def one():
        with engine.connect() as conn:
            return conn.execute(text("SELECT 1")).scalar()

    assert one() == 1 and len(pings) == 1  # a new connection is pinged
    assert one() == 1 and one() == 1 and len(pings) == 1  # busy: no round trip before each use
    time.sleep(0.6)
    assert one() == 1 and len(pings) == 2  # idle for a while: pinged again
    postgres.restart()
    time.sleep(0.6)
    # the dead pooled connection failed its ping; the pool replaced it (whose own first ping passed)
    assert one() == 1 and len(pings) == 4
    engine.dispose()
