"""questions: themes (computed from folded text, renamed, merged and edited by moderators)

Plain ``op.add_column`` on ``questions`` (other tables point to it: no batch copy).

Revision ID: 0012_question_themes
Revises: 0007_question_answers
"""
import sqlalchemy as sa
from alembic import op

import server.models.base

revision = "0012_question_themes"
down_revision = "0007_question_answers"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "question_themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False, server_default=""),
        sa.Column("renamed", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", server.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", server.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_question_themes_event_id", "question_themes", ["event_id"])
    if op.get_bind().dialect.name == "sqlite":  # SQLite adds a column with its reference in one statement
        op.execute(
            "ALTER TABLE questions ADD COLUMN theme_id INTEGER REFERENCES question_themes (id) ON DELETE SET NULL"
        )
    else:
        op.add_column("questions", sa.Column("theme_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_questions_theme_id", "questions", "question_themes", ["theme_id"], ["id"], ondelete="SET NULL"
        )
    op.add_column("questions", sa.Column("theme_pinned", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("ix_questions_theme_id", "questions", ["theme_id"])


def downgrade():
    op.drop_index("ix_questions_theme_id", table_name="questions")
    with op.batch_alter_table("questions") as batch_op:
        batch_op.drop_column("theme_pinned")
        batch_op.drop_column("theme_id")
    op.drop_index("ix_question_themes_event_id", table_name="question_themes")
    op.drop_table("question_themes")
