"""Database plumbing: SQLite pragmas, the idle ping of pooled server connections, and schema
upgrades on start.

SQLite runs in WAL mode with foreign keys on; a commit survives a killed process.
Upgrades run ``alembic upgrade heads`` (areas may add migration branches).
"""

import logging
import time

from sqlalchemy import event, exc, text

log = logging.getLogger(__name__)


def install_sqlite_pragmas(engine):
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


IDLE_PING_S = 5.0


def install_idle_ping(engine, idle_s=IDLE_PING_S):
    """Ping a pooled connection (PostgreSQL) before use only when it sat idle ``idle_s`` or more.

    SQLAlchemy's ``pool_pre_ping`` pings on every checkout: a round trip before each request and
    socket event, a tenth of a PostgreSQL process's CPU at national load (bench/two_process.py).
    A connection used in the last seconds rarely dies unseen; when it does (the server restarted),
    its statement fails, SQLAlchemy sees the disconnect and drops the whole pool, that request
    answers 503 and the client retries with its client id."""
    if engine.dialect.name == "sqlite":
        return

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy):
        since = record.info.get("idle_since")
        if since is not None and time.monotonic() - since < idle_s:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # the pool retries with a fresh connection
            raise exc.DisconnectionError(str(error)) from error


def upgrade_database():
    """Bring the schema to the newest revision. On PostgreSQL an advisory lock keeps
    several starting processes from migrating at once."""
    from flask_migrate import upgrade

    from server.extensions import db

    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(727274)"))
            try:
                upgrade(revision="heads")
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(727274)"))
                conn.commit()
    else:
        upgrade(revision="heads")


def check_database():
    """Return "ok" or a short error string, for /healthz."""
    from server.extensions import db

    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # reported, not raised: health must answer
        db.session.rollback()
        log.warning("database check failed: %s", exc.__class__.__name__)
        return "error"
