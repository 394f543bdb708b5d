"""Bridge points: the phone's client ids, so a repeated check-in, report or roll-call answer
is one action (a double tap or a retry over HTTP after a lost socket ack).

Revision ID: 0006_bridges_client_ids
Revises: 0004_bridges
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_bridges_client_ids"
down_revision = "0004_bridges"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("check_in_client_id", sa.String(length=64), nullable=True))
    with op.batch_alter_table("site_incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_site_incidents_client", ["site_id", "client_id"])
    with op.batch_alter_table("roll_call_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("roll_call_entries", schema=None) as batch_op:
        batch_op.drop_column("client_id")
    with op.batch_alter_table("site_incidents", schema=None) as batch_op:
        batch_op.drop_constraint("uq_site_incidents_client", type_="unique")
        batch_op.drop_column("client_id")
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_column("check_in_client_id")
