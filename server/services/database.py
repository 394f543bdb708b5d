"""Database plumbing: SQLite pragmas and schema upgrades on start.

SQLite runs in WAL mode with foreign keys on; a commit survives a killed process.
Upgrades run ``alembic upgrade heads`` (areas may add migration branches).
"""

import logging

from sqlalchemy import event, text

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
