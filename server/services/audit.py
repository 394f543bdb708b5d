"""The admin audit log: every destructive admin action writes one row with ``record``;
``recent`` gives the newest rows for the admin page."""

from server.extensions import db
from server.models.audit import AuditEntry


def _label(actor):
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return getattr(actor, "username", None) or getattr(actor, "label", None) or str(actor)


def record(actor, action, target="", detail="", commit=True):
    """Add a row: ``actor`` is a User, an Actor, a label or None (the CLI/system)."""
    entry = AuditEntry(
        actor=_label(actor)[:120],
        action=str(action)[:60],
        target=str(target or "")[:200],
        detail=str(detail or "")[:2000],
    )
    db.session.add(entry)
    if commit:
        db.session.commit()
    return entry


def recent(limit=30):
    return db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).all()
