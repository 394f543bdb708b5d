"""slides: an unguessable public id per deck (slide images are served by it, not by the sequential id)

Revision ID: 0006_slides_public_id
Revises: 0003_agenda
"""
import secrets

from alembic import op
import sqlalchemy as sa

revision = "0006_slides_public_id"
down_revision = "0003_agenda"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("slide_decks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_id", sa.String(length=32), nullable=True))
    connection = op.get_bind()
    decks = sa.table("slide_decks", sa.column("id", sa.Integer), sa.column("public_id", sa.String))
    for (deck_id,) in connection.execute(sa.select(decks.c.id)).fetchall():
        connection.execute(decks.update().where(decks.c.id == deck_id).values(public_id=secrets.token_urlsafe(16)))
    with op.batch_alter_table("slide_decks", schema=None) as batch_op:
        batch_op.alter_column("public_id", existing_type=sa.String(length=32), nullable=False)
        batch_op.create_index("ix_slide_decks_public_id", ["public_id"], unique=True)


def downgrade():
    with op.batch_alter_table("slide_decks", schema=None) as batch_op:
        batch_op.drop_index("ix_slide_decks_public_id")
        batch_op.drop_column("public_id")
