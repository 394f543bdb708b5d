"""questions: a written answer for every site (owner, due date, text, who and when)

Revision ID: 0007_question_answers
Revises: 0005_questions
"""
from alembic import op
import sqlalchemy as sa

import server.models.base

revision = "0007_question_answers"
down_revision = "0005_questions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("answer_owner", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("answer_due", server.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("answer_at", server.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("answer_by", sa.String(length=120), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("questions", schema=None) as batch_op:
        for column in ("answer_by", "answer_at", "answer_due", "answer_owner", "answer_text"):
            batch_op.drop_column(column)
