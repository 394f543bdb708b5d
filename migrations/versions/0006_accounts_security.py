"""accounts: session versions, audit log, failed-login record; OBS passwords sealed at rest

Revision ID: 0006_accounts_security
Revises: 0001_foundation

The per-account lockout columns go (login throttling is per account+address and per address
in the rate limiter now). Existing plaintext ``events.obs_password`` values are encrypted in
place with the app's SECRET_KEY (values already marked ``fernet:`` are left alone, so running
it twice is harmless).
"""
import sqlalchemy as sa
from alembic import op

import server.models.base

revision = "0006_accounts_security"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def _sqlite():
    return op.get_bind().dialect.name == "sqlite"


def _drop_columns(table, names):
    """Without copying the table on SQLite: a batch copy drops the old table, and with foreign keys on
    that DROP runs the ON DELETE actions of every referencing row (CASCADE would empty other tables)."""
    import sqlite3

    if _sqlite() and sqlite3.sqlite_version_info >= (3, 35, 0):
        for name in names:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {name}")  # native since SQLite 3.35, no copy
        return
    with op.batch_alter_table(table, schema=None) as batch_op:
        for name in names:
            batch_op.drop_column(name)


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:  # ADD COLUMN: SQLite alters in place, no copy
        batch_op.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="1"))
    _drop_columns("users", ["failed_logins", "locked_until"])
    if not _sqlite():  # SQLite does not enforce VARCHAR lengths; a batch copy of events would cascade (see above)
        op.alter_column("events", "obs_password", existing_type=sa.String(length=300), type_=sa.String(length=1000),
                        existing_nullable=True)
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", server.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"], unique=False)
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", server.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("throttled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_login_failures_at", "login_failures", ["at"], unique=False)
    seal_obs_passwords()


def seal_obs_passwords():
    """Encrypt plaintext OBS passwords in place (idempotent: sealed values are skipped)."""
    from flask import current_app, has_app_context

    from server.services.secrets import is_sealed, seal

    if not has_app_context() or not current_app.config.get("SECRET_KEY"):
        return  # plain alembic without the app: values stay readable and are sealed on next save
    key = current_app.config["SECRET_KEY"]
    conn = op.get_bind()
    events = sa.table("events", sa.column("id", sa.Integer), sa.column("obs_password", sa.String))
    for row_id, value in conn.execute(sa.select(events.c.id, events.c.obs_password)).all():
        if value and not is_sealed(value):
            conn.execute(events.update().where(events.c.id == row_id).values(obs_password=seal(value, key)))


def downgrade():
    op.drop_index("ix_login_failures_at", table_name="login_failures")
    op.drop_table("login_failures")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_until", server.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
    _drop_columns("users", ["session_version"])
    # OBS passwords stay sealed: the older code would hand the sealed text to OBS; re-enter them.
