"""Slide decks (a rendered PDF or a set of captioned photos) and their slides."""

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.base import UTCDateTime, utcnow


def new_public_id():
    return secrets.token_urlsafe(16)  # 22 URL-safe characters, 128 random bits


class SlideDeck(db.Model):
    __tablename__ = "slide_decks"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Slide images are public (overlays, OBS) but addressed by this unguessable id, never by ``id``.
    public_id: Mapped[str] = mapped_column(String(32), unique=True, index=True, default=new_public_id)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(10), default="pdf")  # pdf | photos
    status: Mapped[str] = mapped_column(String(12), default="ready")  # rendering | ready | failed
    page_count: Mapped[int] = mapped_column(default=0)
    pages_done: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Slide(db.Model):
    __tablename__ = "slides"

    id: Mapped[int] = mapped_column(primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("slide_decks.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(default=0)  # 0-based position in the deck
    image_path: Mapped[str] = mapped_column(String(500))  # relative to UPLOAD_FOLDER
    thumb_path: Mapped[str] = mapped_column(String(500))
    caption: Mapped[str] = mapped_column(String(500), default="")
