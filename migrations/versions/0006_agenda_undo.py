"""agenda: what the last take replaced, so the crew can undo it

Revision ID: 0006_agenda_undo
Revises: 0003_agenda
"""
from alembic import op
import sqlalchemy as sa

revision = "0006_agenda_undo"
down_revision = "0003_agenda"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("agenda_live", schema=None) as batch_op:
        batch_op.add_column(sa.Column("undo_state", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("agenda_live", schema=None) as batch_op:
        batch_op.drop_column("undo_state")
