"""questions: indexes to find what a phone or a site joined ("tôi cũng hỏi") by voter and by site

Indexes only (``op.create_index``): no table is copied.

Revision ID: 0014_question_upvote_voters
Revises: 0013_question_upvotes
"""
from alembic import op

revision = "0014_question_upvote_voters"
down_revision = "0013_question_upvotes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_question_upvotes_voter", "question_upvotes", ["voter"])
    op.create_index("ix_question_upvotes_site_id", "question_upvotes", ["site_id"])


def downgrade():
    op.drop_index("ix_question_upvotes_site_id", table_name="question_upvotes")
    op.drop_index("ix_question_upvotes_voter", table_name="question_upvotes")
