"""recording sessions: which OBS made the file (``primary`` or ``backup``), so the archive
follows the standby OBS too (server/services/archive/)

Plain ``op.add_column`` on ``recording_sessions`` (``recording_chapters`` points to it: no batch copy).

Revision ID: 0017_recording_side
Revises: 0013_archive (the head of the archive's tables)
"""
import sqlalchemy as sa
from alembic import op

revision = "0017_recording_side"
down_revision = "0013_archive"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "recording_sessions", sa.Column("side", sa.String(length=10), nullable=False, server_default="primary")
    )


def downgrade():
    op.drop_column("recording_sessions", "side")
