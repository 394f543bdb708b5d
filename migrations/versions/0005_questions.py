"""questions: links for merges, tags, audit log, claims, queue order, search columns

Revision ID: 0005_questions
Revises: 0001_foundation
"""
from alembic import op
import sqlalchemy as sa

import server.models.base

revision = "0005_questions"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("meta_folded", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("device_id", sa.String(length=64), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("queue_position", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("claimed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", server.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("decided_at", server.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("aired_at", server.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("answered_at", server.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key("fk_questions_claimed_by", "users", ["claimed_by_id"], ["id"], ondelete="SET NULL")
        batch_op.create_index("ix_questions_event_status_id", ["event_id", "status", "id"], unique=False)

    op.create_table(
        "question_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=120), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("created_at", server.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["questions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_id"], ["questions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("question_id", "source_id", name="uq_question_links_source"),
    )
    with op.batch_alter_table("question_links", schema=None) as batch_op:
        batch_op.create_index("ix_question_links_question_id", ["question_id"], unique=False)
        batch_op.create_index("ix_question_links_source_id", ["source_id"], unique=False)

    op.create_table(
        "question_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["questions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("question_id", "tag", name="uq_question_tags"),
    )
    with op.batch_alter_table("question_tags", schema=None) as batch_op:
        batch_op.create_index("ix_question_tags_question_id", ["question_id"], unique=False)
        batch_op.create_index("ix_question_tags_tag", ["tag"], unique=False)

    op.create_table(
        "question_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("at", server.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["question_id"], ["questions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("question_audit", schema=None) as batch_op:
        batch_op.create_index("ix_question_audit_event_id", ["event_id"], unique=False)
        batch_op.create_index("ix_question_audit_question_id", ["question_id"], unique=False)


def downgrade():
    op.drop_table("question_audit")
    op.drop_table("question_tags")
    op.drop_table("question_links")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_index("ix_questions_event_status_id")
        batch_op.drop_constraint("fk_questions_claimed_by", type_="foreignkey")
        for name in ("answered_at", "aired_at", "decided_at", "claimed_at", "claimed_by_id", "queue_position",
                     "device_id", "meta_folded"):
            batch_op.drop_column(name)
