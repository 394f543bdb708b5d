"""A fan page the congress stream is pushed to (restream area): where to, and its sealed key.

The stream key is stored sealed (``server/services/restream/sealing.py``), never in clear,
and never serialised; ``server_url`` holds only the server part (no key).
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.base import UTCDateTime, utcnow


class Destination(db.Model):
    __tablename__ = "restream_destinations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20), default="custom")  # facebook | youtube | custom
    server_url: Mapped[str] = mapped_column(String(500))
    key_sealed: Mapped[str] = mapped_column(Text, default="")
    enabled: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
