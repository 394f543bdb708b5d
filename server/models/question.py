"""Questions, opinions and proposals sent in from phones, and their moderation state.

``Question`` is one submission (unique ``client_id`` per event, ``version`` for optimistic
locking, ``merged_into_id`` when merged). Around it: ``QuestionLink`` remembers every
asker and site merged into a question ("asked by N sites"), ``QuestionTag`` its topics,
``QuestionAudit`` every moderator action. Claims (who is handling it) and the on-air
queue order are columns of the question itself, and so is its written answer (owner, due
date, text) that reaches every asker and site. ``QuestionTheme`` is a theme the questions
and proposals are grouped into (computed from their folded text, then named and edited by
moderators); a question moved by hand keeps its theme when themes are recomputed.
``QuestionUpvote`` is one phone (device id) or one bridge point (site token) saying "I ask this
too": one row per voter and question, counted with the askers and sites of the question.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.base import UTCDateTime, utcnow

KINDS = ("question", "opinion", "proposal")
STATUSES = ("pending", "approved", "rejected", "on_air", "answered", "merged")


class Question(db.Model):
    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("event_id", "client_id", name="uq_questions_event_client"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="SET NULL"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="SET NULL"))
    client_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20), default="question")
    text: Mapped[str] = mapped_column(Text)
    text_folded: Mapped[str] = mapped_column(Text, default="")
    original_text: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(120), default="")
    unit: Mapped[str] = mapped_column(String(200), default="")
    addressee: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    reject_reason: Mapped[str] = mapped_column(String(300), default="")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # 0005_questions
    meta_folded: Mapped[str] = mapped_column(Text, default="")  # author + unit, folded, for search
    device_id: Mapped[str] = mapped_column(String(64), default="")
    queue_position: Mapped[int | None] = mapped_column()
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    aired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 0007_question_answers: a written answer for the askers (who owes it, by when, the text)
    answer_text: Mapped[str | None] = mapped_column(Text)
    answer_owner: Mapped[str] = mapped_column(String(200), default="")
    answer_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer_by: Mapped[str] = mapped_column(String(120), default="")
    # 0012_question_themes: the theme it belongs to; pinned when a moderator moved it there
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("question_themes.id", ondelete="SET NULL"), index=True)
    theme_pinned: Mapped[bool] = mapped_column(default=False)


class QuestionTheme(db.Model):
    """A theme of an event's questions: its label (top terms until a moderator renames it)."""

    __tablename__ = "question_themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    terms: Mapped[str] = mapped_column(Text, default="")  # top terms, comma-separated, as computed
    renamed: Mapped[bool] = mapped_column(default=False)  # a moderator chose the label: refresh keeps it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class QuestionLink(db.Model):
    """An asker (and site) merged into a question: the merged submission's who and where."""

    __tablename__ = "question_links"
    __table_args__ = (UniqueConstraint("question_id", "source_id", name="uq_question_links_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="SET NULL"))
    author: Mapped[str] = mapped_column(String(120), default="")
    unit: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QuestionTag(db.Model):
    """A topic tag on a question."""

    __tablename__ = "question_tags"
    __table_args__ = (
        UniqueConstraint("question_id", "tag", name="uq_question_tags"),
        Index("ix_question_tags_tag", "tag"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    tag: Mapped[str] = mapped_column(String(60))


class QuestionAudit(db.Model):
    """One moderator action on a question: who, what, when, details (JSON)."""

    __tablename__ = "question_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QuestionUpvote(db.Model):
    """ "Tôi cũng hỏi": one voter (``dev:<device id>`` or ``site:<site id>``) adding themselves to a question."""

    __tablename__ = "question_upvotes"
    __table_args__ = (
        UniqueConstraint("question_id", "voter", name="uq_question_upvotes_voter"),
        Index("ix_question_upvotes_voter", "voter"),  # what a phone or a site joined (upvotes.joined)
        Index("ix_question_upvotes_site_id", "site_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    voter: Mapped[str] = mapped_column(String(80))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
