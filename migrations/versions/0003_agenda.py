"""agenda: live run state, slide decks, the agenda item's slide cue

Revision ID: 0003_agenda
Revises: 0001_foundation
"""
from alembic import op
import sqlalchemy as sa

import server.models.base

revision = "0003_agenda"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "slide_decks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("pages_done", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_at", server.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_slide_decks_event_id", "slide_decks", ["event_id"])
    op.create_table(
        "slides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deck_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("image_path", sa.String(length=500), nullable=False),
        sa.Column("thumb_path", sa.String(length=500), nullable=False),
        sa.Column("caption", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["deck_id"], ["slide_decks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_slides_deck_id", "slides", ["deck_id"])
    op.create_table(
        "agenda_live",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("timer_item_id", sa.Integer(), nullable=True),
        sa.Column("timer_duration_s", sa.Integer(), nullable=False),
        sa.Column("timer_ends_at", server.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("timer_paused_remaining_s", sa.Float(), nullable=True),
        sa.Column("warning_s", sa.Integer(), nullable=False),
        sa.Column("danger_s", sa.Integer(), nullable=False),
        sa.Column("deck_id", sa.Integer(), nullable=True),
        sa.Column("slide_index", sa.Integer(), nullable=False),
        sa.Column("lower_third", sa.String(length=300), nullable=False),
        sa.Column("logo_path", sa.String(length=500), nullable=False),
        sa.Column("updated_at", server.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["deck_id"], ["slide_decks.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("event_id"),
    )
    if op.get_bind().dialect.name == "sqlite":
        # No batch copy of agenda_items: with foreign keys on, dropping the old table would
        # null every reference to it (events.current_item_id, questions.agenda_item_id).
        op.execute("ALTER TABLE agenda_items ADD COLUMN slide_deck_id INTEGER "
                   "REFERENCES slide_decks (id) ON DELETE SET NULL")
    else:
        op.add_column("agenda_items", sa.Column("slide_deck_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_agenda_items_slide_deck", "agenda_items", "slide_decks", ["slide_deck_id"], ["id"],
                              ondelete="SET NULL")


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_agenda_items_slide_deck", "agenda_items", type_="foreignkey")
        op.drop_column("agenda_items", "slide_deck_id")
    # SQLite keeps the (unused) column: dropping it would need a table copy.
    op.drop_table("agenda_live")
    op.drop_index("ix_slides_deck_id", table_name="slides")
    op.drop_table("slides")
    op.drop_index("ix_slide_decks_event_id", table_name="slide_decks")
    op.drop_table("slide_decks")
