"""archive: recording sessions, their chapter marks (agenda takes while recording), and the
as-run log written as things happen

New tables only (no existing table is altered).

Revision ID: 0013_archive
Revises: 0007_speaker_timer
"""
import sqlalchemy as sa
from alembic import op

import server.models.base

revision = "0013_archive"
down_revision = "0007_speaker_timer"
branch_labels = None
depends_on = None


def _time(name, nullable=True):
    return sa.Column(name, server.models.base.UTCDateTime(timezone=True), nullable=nullable)


def upgrade():
    op.create_table(
        "recording_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        _time("started_at", nullable=False),
        _time("stopped_at"),
        sa.Column("output_path", sa.String(length=1000), nullable=False, server_default=""),
        _time("paused_at"),
        sa.Column("paused_s", sa.Float(), nullable=False, server_default="0"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_recording_sessions_event_id", "recording_sessions", ["event_id"])
    op.create_table(
        "recording_chapters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("t_s", sa.Float(), nullable=False),
        _time("at", nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False, server_default=""),
        sa.Column("speaker", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("taken_by", sa.String(length=120), nullable=False, server_default=""),
        sa.Column("obs_marked", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.ForeignKeyConstraint(["session_id"], ["recording_sessions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["agenda_item_id"], ["agenda_items.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_recording_chapters_session_id", "recording_chapters", ["session_id"])
    op.create_table(
        "asrun_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        _time("at", nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False, server_default=""),
        _time("planned_start"),
        _time("planned_end"),
        sa.Column("actor", sa.String(length=120), nullable=False, server_default=""),
        sa.Column("detail", sa.String(length=500), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["agenda_item_id"], ["agenda_items.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_asrun_entries_event_id", "asrun_entries", ["event_id"])


def downgrade():
    op.drop_table("asrun_entries")
    op.drop_table("recording_chapters")
    op.drop_table("recording_sessions")
