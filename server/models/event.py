"""An event: a congress day or a forum. Everything else is scoped to one."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.base import UTCDateTime, utcnow


class Event(db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="plenary")  # plenary | forum
    starts_on: Mapped[date | None]
    location: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    # OBS connection for this event; empty means BRIDGECAST_OBS_URL/PASSWORD. Never serialised.
    obs_url: Mapped[str | None] = mapped_column(String(300))
    obs_password: Mapped[str | None] = mapped_column(String(1000))  # sealed: server/services/secrets.py
    # The standby (backup) OBS: same rules as the primary's (password sealed, never serialised);
    # empty url = no standby. ``standby_auto_after_s``: switch to it by itself when the primary is
    # lost this many seconds while live (None = only by hand). See server/services/standby/.
    obs_backup_url: Mapped[str | None] = mapped_column(String(300))
    obs_backup_password: Mapped[str | None] = mapped_column(String(1000))
    standby_auto_after_s: Mapped[int | None]
    # Which OBS is on air: "primary" or "backup". Written by the standby switch before it tells
    # anyone, read by every process (and after a restart); "primary" again when the standby goes.
    obs_on_air: Mapped[str] = mapped_column(String(10), default="primary", server_default="primary")
    # Bumped when the chair links are revoked: a chair link names the generation it was made in
    # (server/services/questions/chair.py), so every older link stops opening the chair view.
    chair_link_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    theme_color: Mapped[str] = mapped_column(String(16), default="#c8102e")
    # the schedule drift ("Chậm 5 phút") on public overlays; the crew always sees it
    public_drift: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # The agenda item on now (the live run's source of truth; the agenda service moves it).
    current_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL", use_alter=True, name="fk_events_current_item")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def to_public(self):
        """What anyone may see of the event (no OBS settings)."""
        return {
            "slug": self.slug,
            "name": self.name,
            "kind": self.kind,
            "starts_on": self.starts_on.isoformat() if self.starts_on else None,
            "location": self.location,
        }
