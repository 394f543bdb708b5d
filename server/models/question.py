"""Questions, opinions and proposals sent in from phones, and their moderation state."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
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
