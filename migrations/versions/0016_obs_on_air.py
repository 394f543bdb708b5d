"""events: which OBS is on air (``primary`` or ``backup``), shared by every process and kept
across restarts (server/services/standby/)

Plain ``op.add_column`` on ``events`` (every area's table points to it: no batch copy).

Revision ID: 0016_obs_on_air
Revises: 0015_chair_link_generation (the head that last altered ``events``)
"""
import sqlalchemy as sa
from alembic import op

revision = "0016_obs_on_air"
down_revision = "0015_chair_link_generation"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("events", sa.Column("obs_on_air", sa.String(length=10), nullable=False, server_default="primary"))


def downgrade():
    op.drop_column("events", "obs_on_air")
