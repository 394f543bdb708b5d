"""events: the chair link's generation (a revoked chair link stops opening the chair view)

Plain ``op.add_column`` on ``events`` (every area's table points to it: no batch copy).

Revision ID: 0015_chair_link_generation
Revises: 0013_standby_obs (the head that last altered ``events``)
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_chair_link_generation"
down_revision = "0013_standby_obs"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("events", sa.Column("chair_link_generation", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    op.drop_column("events", "chair_link_generation")
