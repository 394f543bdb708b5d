"""The agenda: items of an event grouped by day and session, with their live cues."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.base import UTCDateTime


class AgendaItem(db.Model):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    day: Mapped[date | None]
    session: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(300))
    speaker_name: Mapped[str] = mapped_column(String(200), default="")
    speaker_title: Mapped[str] = mapped_column(String(300), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    planned_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_min: Mapped[int] = mapped_column(default=10)
    notes: Mapped[str] = mapped_column(Text, default="")
    cue_scene: Mapped[str] = mapped_column(String(200), default="")
    cue_lower_third: Mapped[str] = mapped_column(String(300), default="")
    cue_media_input: Mapped[str] = mapped_column(String(200), default="")
    # the speaker timer's thresholds for this item (seconds left); None: the event's current ones
    warning_s: Mapped[int | None]
    danger_s: Mapped[int | None]
    actual_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    actual_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The slide deck this item shows when it is taken (slide cue); the deck survives the item.
    slide_deck_id: Mapped[int | None] = mapped_column(ForeignKey("slide_decks.id", ondelete="SET NULL"))


class AgendaLive(db.Model):
    """The live run of one event, durable so a restart resumes it: the countdown (an absolute
    end time, or the remaining seconds while paused), the slide on screen, the lower third and
    the overlay logo. The current item itself is ``Event.current_item_id``."""

    __tablename__ = "agenda_live"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    timer_item_id: Mapped[int | None]
    timer_duration_s: Mapped[int] = mapped_column(default=0)
    timer_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    timer_paused_remaining_s: Mapped[float | None]  # not None: paused with this much left
    warning_s: Mapped[int] = mapped_column(default=120)
    danger_s: Mapped[int] = mapped_column(default=30)
    deck_id: Mapped[int | None] = mapped_column(ForeignKey("slide_decks.id", ondelete="SET NULL"))
    slide_index: Mapped[int] = mapped_column(default=0)
    lower_third: Mapped[str] = mapped_column(String(300), default="")
    logo_path: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # JSON: what the last take replaced (previous item, its timer, lower third, slide), so the
    # crew can undo that take once; cleared by the undo (see ``agenda.live.undo_take``).
    undo_state: Mapped[str | None] = mapped_column(Text)
    # the crew's message on the speaker timer ("Xin mời kết thúc"); "" = none
    speaker_message: Mapped[str] = mapped_column(String(300), default="", server_default="")
