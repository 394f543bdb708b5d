"""events: the standby (backup) OBS of an event (url, sealed password) and its automatic rule

Plain ``op.add_column`` on ``events`` (every area's table points to it: no batch copy).

Revision ID: 0013_standby_obs
Revises: 0007_speaker_timer (the head that last altered ``events``)
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_standby_obs"
down_revision = "0007_speaker_timer"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("events", sa.Column("obs_backup_url", sa.String(length=300), nullable=True))
    op.add_column("events", sa.Column("obs_backup_password", sa.String(length=1000), nullable=True))
    op.add_column("events", sa.Column("standby_auto_after_s", sa.Integer(), nullable=True))


def downgrade():
    op.drop_column("events", "standby_auto_after_s")
    op.drop_column("events", "obs_backup_password")
    op.drop_column("events", "obs_backup_url")
