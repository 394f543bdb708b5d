"""Bridge points on the 2025 map: province, a free group name (cụm) and a parent site
(a provincial bridge relaying to its communes).

Plain ADD COLUMN (no batch copy: other tables point to ``sites``). On SQLite the parent's
foreign key is not added to an existing table (SQLite cannot ALTER constraints); the model
declares it for new databases and the service checks the parent belongs to the event.

Revision ID: 0011_sites_national
Revises: 0006_bridges_client_ids
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_sites_national"
down_revision = "0006_bridges_client_ids"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("sites", sa.Column("province", sa.String(length=120), nullable=False, server_default=""))
    op.add_column("sites", sa.Column("group_name", sa.String(length=120), nullable=False, server_default=""))
    op.add_column("sites", sa.Column("parent_id", sa.Integer(), nullable=True))
    op.create_index("ix_sites_province", "sites", ["province"])
    op.create_index("ix_sites_parent_id", "sites", ["parent_id"])
    if op.get_bind().dialect.name != "sqlite":
        op.create_foreign_key("fk_sites_parent_id", "sites", "sites", ["parent_id"], ["id"], ondelete="SET NULL")


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_sites_parent_id", "sites", type_="foreignkey")
    op.drop_index("ix_sites_parent_id", "sites")
    op.drop_index("ix_sites_province", "sites")
    op.drop_column("sites", "parent_id")
    op.drop_column("sites", "group_name")
    op.drop_column("sites", "province")
