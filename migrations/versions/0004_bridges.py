"""Bridge points: incidents, roll calls and their entries, crew messages.

Revision ID: 0004_bridges
Revises: 0001_foundation
"""
import sqlalchemy as sa
from alembic import op

import server.models.base

revision = "0004_bridges"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

UTC = server.models.base.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "site_incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("acknowledged_at", UTC, nullable=True),
        sa.Column("acknowledged_by", sa.String(length=120), nullable=False),
        sa.Column("resolved_at", UTC, nullable=True),
        sa.Column("resolved_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("site_incidents") as batch_op:
        batch_op.create_index("ix_site_incidents_event_id", ["event_id"])
        batch_op.create_index("ix_site_incidents_site_id", ["site_id"])
        batch_op.create_index("ix_site_incidents_status", ["status"])

    op.create_table(
        "roll_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("started_at", UTC, nullable=False),
        sa.Column("started_by", sa.String(length=120), nullable=False),
        sa.Column("closed_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("roll_calls") as batch_op:
        batch_op.create_index("ix_roll_calls_event_id", ["event_id"])

    op.create_table(
        "roll_call_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("roll_call_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["roll_call_id"], ["roll_calls.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("roll_call_id", "site_id", name="uq_roll_call_entries_site"),
    )
    with op.batch_alter_table("roll_call_entries") as batch_op:
        batch_op.create_index("ix_roll_call_entries_roll_call_id", ["roll_call_id"])
        batch_op.create_index("ix_roll_call_entries_site_id", ["site_id"])

    op.create_table(
        "crew_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("district", sa.String(length=120), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sent_at", UTC, nullable=False),
        sa.Column("sent_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("crew_messages") as batch_op:
        batch_op.create_index("ix_crew_messages_event_id", ["event_id"])
        batch_op.create_index("ix_crew_messages_site_id", ["site_id"])


def downgrade():
    op.drop_table("crew_messages")
    op.drop_table("roll_call_entries")
    op.drop_table("roll_calls")
    op.drop_table("site_incidents")
