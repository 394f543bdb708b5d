"""speaker timer: per-item warning/danger thresholds, the crew's message to the speaker, and
whether the public overlays show the schedule drift

Revision ID: 0007_speaker_timer
Revises: 0006_agenda_undo
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_speaker_timer"
down_revision = "0006_agenda_undo"
branch_labels = None
depends_on = None


def upgrade():
    # plain ADD COLUMN (never a batch copy): on SQLite a copy of ``events`` would cascade-delete
    # its sites and questions (see 0006_accounts_security)
    op.add_column("agenda_items", sa.Column("warning_s", sa.Integer(), nullable=True))
    op.add_column("agenda_items", sa.Column("danger_s", sa.Integer(), nullable=True))
    op.add_column("agenda_live", sa.Column("speaker_message", sa.String(length=300), nullable=False,
                                           server_default=""))
    op.add_column("events", sa.Column("public_drift", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("public_drift")
    with op.batch_alter_table("agenda_live", schema=None) as batch_op:
        batch_op.drop_column("speaker_message")
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_column("danger_s")
        batch_op.drop_column("warning_s")
