"""The chair view: what the leader answering live sees (the question on air, the next ones in
queue order with their sites and counts, the themes with their counts), and the chair link's
key that opens it on a tablet without an account.

The key is signed with the app's secret (itsdangerous, salt ``bridgecast.chair``), names one
event and expires after ``CHAIR_LINK_HOURS``; it only ever reads. Counts follow ``reach.py``.
"""

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func

from server.extensions import db
from server.models.base import utcnow
from server.models.event import Event
from server.models.question import Question, QuestionTheme
from server.models.site import Site
from server.services.questions import moderation as mod
from server.services.questions.reach import reach_of

QUEUE_SHOWN = 12  # the next questions listed (the total is given too)
THEMES_SHOWN = 12
THEME_STATUSES = ("pending", "approved", "on_air", "answered")  # what a theme's count counts
KEY_SALT = "bridgecast.chair"


def _serializer():
    return URLSafeTimedSerializer(current_app.secret_key, salt=KEY_SALT)


def make_key(event):
    """A chair link's key for ``event`` (read-only, expires after ``CHAIR_LINK_HOURS``)."""
    return _serializer().dumps({"e": event.id})


def event_for_key(key):
    """The active event a chair key opens, or None (unknown, tampered, expired, inactive event)."""
    if not isinstance(key, str) or not 0 < len(key) <= 200:
        return None
    try:
        data = _serializer().loads(key, max_age=int(current_app.config["CHAIR_LINK_HOURS"]) * 3600)
    except BadSignature:  # SignatureExpired is one too
        return None
    event = db.session.get(Event, data.get("e")) if isinstance(data, dict) and isinstance(data.get("e"), int) else None
    return event if event is not None and event.is_active else None


def _items(questions):
    reached = reach_of(questions)
    site_ids = {q.site_id for q in questions if q.site_id}
    sites = {s.id: s for s in db.session.scalars(db.select(Site).where(Site.id.in_(site_ids)))} if site_ids else {}
    out = []
    for q in questions:
        site = sites.get(q.site_id)
        out.append(
            {
                "id": q.id,
                "kind": q.kind,
                "status": q.status,
                "text": q.text,
                "author": q.author,
                "unit": q.unit,
                "addressee": q.addressee,
                "site": {"name": site.name, "code": site.code, "district": site.district} if site else None,
                **reached[q.id].as_dict(),
            }
        )
    return out


def themes(event, limit=THEMES_SHOWN):
    """The event's themes with how many live questions each holds, biggest first ([] before any)."""
    rows = db.session.execute(
        db.select(QuestionTheme.id, QuestionTheme.label, func.count(Question.id))
        .join(Question, (Question.theme_id == QuestionTheme.id) & Question.status.in_(THEME_STATUSES))
        .where(QuestionTheme.event_id == event.id)
        .group_by(QuestionTheme.id, QuestionTheme.label)
        .order_by(func.count(Question.id).desc(), QuestionTheme.label)
        .limit(limit)
    ).all()
    return [{"id": tid, "label": label, "count": count} for tid, label, count in rows]


def snapshot(event):
    """Everything the chair view shows, as of now."""
    on_air = mod.on_air_question(event)
    approved = (Question.event_id == event.id) & (Question.status == "approved")
    queue = list(
        db.session.scalars(
            db.select(Question)
            .where(approved)
            .order_by(Question.queue_position.is_(None), Question.queue_position, Question.id)  # as mod.queue
            .limit(QUEUE_SHOWN)
        )
    )
    total = db.session.scalar(db.select(func.count()).select_from(Question).where(approved))
    shown = ([on_air] if on_air else []) + queue
    items = _items(shown)
    return {
        "event": {"slug": event.slug, "name": event.name},
        "on_air": items[0] if on_air else None,
        "queue": items[1:] if on_air else items,
        "queue_total": total,
        "themes": themes(event),
        "at": utcnow().isoformat(),
    }
