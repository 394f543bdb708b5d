"""Bridge points in the field: alerts that stay until acknowledged, the conversation between
the crew and each site, the readiness checklist's test call, and a short code per site
(typed at /p instead of scanning the QR), backfilled for existing sites.

Plain ``op.add_column`` on ``sites`` (other tables point to it: no batch copy).

Revision ID: 0011_siteline
Revises: 0006_bridges_client_ids
"""
import secrets

import sqlalchemy as sa
from alembic import op

import server.models.base

revision = "0011_siteline"
down_revision = "0006_bridges_client_ids"
branch_labels = None
depends_on = None

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L


def upgrade():
    op.add_column("sites", sa.Column("test_call_ok", sa.Boolean(), nullable=True))
    op.add_column("sites", sa.Column("short_code", sa.String(length=6), nullable=True))
    bind = op.get_bind()
    taken = set()
    for (site_id,) in bind.execute(sa.text("SELECT id FROM sites ORDER BY id")).fetchall():
        code = "".join(secrets.choice(ALPHABET) for _ in range(6))
        while code in taken:
            code = "".join(secrets.choice(ALPHABET) for _ in range(6))
        taken.add(code)
        bind.execute(sa.text("UPDATE sites SET short_code = :c WHERE id = :i"), {"c": code, "i": site_id})
    op.create_index("uq_sites_event_short_code", "sites", ["event_id", "short_code"], unique=True)
    op.create_table(
        "site_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", server.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", server.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["incident_id"], ["site_incidents.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_site_alerts_event_id", "site_alerts", ["event_id"])
    op.create_index("ix_site_alerts_site_id", "site_alerts", ["site_id"])
    op.create_index("ix_site_alerts_created_at", "site_alerts", ["created_at"])
    op.create_table(
        "site_chats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(length=10), nullable=False),
        sa.Column("author", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("photo", sa.String(length=200), nullable=True),
        sa.Column("created_at", server.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", server.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_site_chats_event_id", "site_chats", ["event_id"])
    op.create_index("ix_site_chats_site_id", "site_chats", ["site_id"])


def downgrade():
    op.drop_table("site_chats")
    op.drop_table("site_alerts")
    op.drop_index("uq_sites_event_short_code", table_name="sites")
    op.drop_column("sites", "short_code")
    op.drop_column("sites", "test_call_ok")
