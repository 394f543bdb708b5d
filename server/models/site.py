"""Bridge points (điểm cầu): remote sites of an event, and their per-site event log."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.base import UTCDateTime, utcnow

SITE_STATES = ("never_seen", "online", "degraded", "offline")


class Site(db.Model):
    __tablename__ = "sites"
    __table_args__ = (UniqueConstraint("event_id", "code", name="uq_sites_event_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    district: Mapped[str] = mapped_column(String(120), default="", index=True)
    commune: Mapped[str] = mapped_column(String(120), default="")
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    token: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    state: Mapped[str] = mapped_column(String(20), default="never_seen")
    state_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_beat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    video_ok: Mapped[bool | None]
    audio_ok: Mapped[bool | None]
    reported_state: Mapped[str] = mapped_column(String(20), default="ok")  # ok | degraded
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SiteLog(db.Model):
    """One line of a site's history: a state change, a check-in, a report."""

    __tablename__ = "site_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")
