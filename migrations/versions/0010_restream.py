"""restream: fan-page destinations (server URL, sealed stream key, enabled, order)

Revision ID: 0010_restream
Revises: 0005_questions (a head when this was written; only needs events from 0001)
"""
import sqlalchemy as sa
from alembic import op

import server.models.base

revision = "0010_restream"
down_revision = "0005_questions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "restream_destinations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("server_url", sa.String(length=500), nullable=False),
        sa.Column("key_sealed", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", server.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("restream_destinations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_restream_destinations_event_id"), ["event_id"], unique=False)


def downgrade():
    with op.batch_alter_table("restream_destinations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_restream_destinations_event_id"))
    op.drop_table("restream_destinations")
