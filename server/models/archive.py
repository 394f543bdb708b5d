"""The archive of a broadcast: recording sessions with their chapter marks, and the as-run log.

A ``RecordingSession`` is one OBS recording (started when OBS reports the record output
started, stopped when it reports it stopped; ``side``: the primary or the standby OBS); its ``RecordingChapter`` rows are the agenda
takes made while it ran, in seconds from the start of the file. ``AsRunEntry`` rows are
written when things happen (takes, stream and record starts and stops, destination failures)
and are never derived afterwards.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.base import UTCDateTime


class RecordingSession(db.Model):
    __tablename__ = "recording_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    output_path: Mapped[str] = mapped_column(String(1000), default="")
    # which OBS made the file: "primary" or "backup" (the event's standby OBS)
    side: Mapped[str] = mapped_column(String(10), default="primary", server_default="primary")
    # pauses do not advance the file's clock: chapter times subtract them
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_s: Mapped[float] = mapped_column(default=0.0)


class RecordingChapter(db.Model):
    __tablename__ = "recording_chapters"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("recording_sessions.id", ondelete="CASCADE"), index=True)
    t_s: Mapped[float]  # seconds from the start of the recording
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    title: Mapped[str] = mapped_column(String(300), default="")
    speaker: Mapped[str] = mapped_column(String(200), default="")
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="SET NULL"))
    taken_by: Mapped[str] = mapped_column(String(120), default="")
    obs_marked: Mapped[bool] = mapped_column(default=False)  # OBS's own CreateRecordChapter succeeded


class AsRunEntry(db.Model):
    __tablename__ = "asrun_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    # item_start | item_end | take_undone | stream_start | stream_stop | stream_reconnecting |
    # record_start | record_stop | record_pause | record_resume | destination_live |
    # destination_failed | destination_stopped | standby_switch
    kind: Mapped[str] = mapped_column(String(40))
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(300), default="")
    planned_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    planned_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(120), default="")
    detail: Mapped[str] = mapped_column(String(500), default="")
