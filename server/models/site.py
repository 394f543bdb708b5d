"""Bridge points (điểm cầu): remote sites of an event, and their per-site event log."""

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.base import UTCDateTime, utcnow

# background: the socket is connected but the beats are late (a phone with the page in the
# background runs timers about once a minute): no offline alarm.
SITE_STATES = ("never_seen", "online", "degraded", "background", "offline")
SHORT_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # unambiguous: no 0/O, 1/I/L


def new_short_code():
    """Six characters typed at /p instead of scanning the QR (unique per event by index)."""
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(6))


class Site(db.Model):
    __tablename__ = "sites"
    __table_args__ = (
        UniqueConstraint("event_id", "code", name="uq_sites_event_code"),
        Index("uq_sites_event_short_code", "event_id", "short_code", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    # The 2025 map: province (34) and commune-level unit (xã/phường/đặc khu); district is
    # kept for older lists and shown when present.
    province: Mapped[str] = mapped_column(String(120), default="", index=True)
    district: Mapped[str] = mapped_column(String(120), default="", index=True)
    commune: Mapped[str] = mapped_column(String(120), default="")
    group_name: Mapped[str] = mapped_column(String(120), default="")  # cụm / điểm cầu cấp trên (free text)
    # A provincial bridge relaying to its communes (optional).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="SET NULL"), index=True)
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
    check_in_client_id: Mapped[str | None] = mapped_column(String(64))  # the phone's id of its last check-in
    test_call_ok: Mapped[bool | None]  # readiness checklist: the test roll call answered (kiểm tra kỹ thuật)
    # typed at /p instead of scanning the QR
    short_code: Mapped[str | None] = mapped_column(String(6), default=new_short_code)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SiteLog(db.Model):
    """One line of a site's history: a state change, a check-in, a report."""

    __tablename__ = "site_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")


INCIDENT_STATUSES = ("open", "acknowledged", "resolved")


class SiteIncident(db.Model):
    """A trouble report from a site (sự cố): open → acknowledged → resolved, with times."""

    __tablename__ = "site_incidents"
    __table_args__ = (UniqueConstraint("site_id", "client_id", name="uq_site_incidents_client"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="other")  # no_audio | no_video | frozen | noisy | other
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str] = mapped_column(String(120), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str] = mapped_column(String(120), default="")
    client_id: Mapped[str | None] = mapped_column(String(64))  # the phone's id of the report: a repeat is one report


class RollCall(db.Model):
    """A roll call (điểm danh): the crew starts it, sites confirm, the crew closes it."""

    __tablename__ = "roll_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_by: Mapped[str] = mapped_column(String(120), default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RollCallEntry(db.Model):
    """One expected site of a roll call (snapshot of active sites at the start)."""

    __tablename__ = "roll_call_entries"
    __table_args__ = (UniqueConstraint("roll_call_id", "site_id", name="uq_roll_call_entries_site"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roll_call_id: Mapped[int] = mapped_column(ForeignKey("roll_calls.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    client_id: Mapped[str | None] = mapped_column(String(64))  # the phone's id of its answer


class CrewMessage(db.Model):
    """A message from the crew to all sites, one district, or one site."""

    __tablename__ = "crew_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(20), default="all")  # all | district | site
    district: Mapped[str] = mapped_column(String(120), default="")
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_by: Mapped[str] = mapped_column(String(120), default="")


class SiteAlert(db.Model):
    """An alert that stays until a crew member acknowledges it: a drop (``offline``) or a
    trouble report (``report``, pointing at its incident)."""

    __tablename__ = "site_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="offline")  # offline | report
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("site_incidents.id", ondelete="SET NULL"))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str] = mapped_column(String(120), default="")


class SiteChat(db.Model):
    """One line of the conversation between the crew and a site's phone: text and/or a photo."""

    __tablename__ = "site_chats"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    sender: Mapped[str] = mapped_column(String(10))  # crew | site
    author: Mapped[str] = mapped_column(String(120), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    photo: Mapped[str | None] = mapped_column(String(200))  # file name under UPLOAD_FOLDER/site-chat/
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # read by the other side
