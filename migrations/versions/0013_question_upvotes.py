"""questions: upvotes ("tôi cũng hỏi": one row per phone or bridge point and question)

A new table only (``op.create_table``): nothing on ``questions`` changes.

Revision ID: 0013_question_upvotes
Revises: 0012_question_themes
"""
import sqlalchemy as sa
from alembic import op

import server.models.base

revision = "0013_question_upvotes"
down_revision = "0012_question_themes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "question_upvotes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("voter", sa.String(length=80), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("created_at", server.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["question_id"], ["questions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("question_id", "voter", name="uq_question_upvotes_voter"),
    )
    op.create_index("ix_question_upvotes_event_id", "question_upvotes", ["event_id"])
    op.create_index("ix_question_upvotes_question_id", "question_upvotes", ["question_id"])


def downgrade():
    op.drop_index("ix_question_upvotes_question_id", table_name="question_upvotes")
    op.drop_index("ix_question_upvotes_event_id", table_name="question_upvotes")
    op.drop_table("question_upvotes")
