"""The chair view: what the leader answering live sees (the question on air, the next ones in
queue order with their sites and counts, the themes with their counts), and the chair link's
key that opens it on a tablet without an account.

The key is signed with the app's secret (itsdangerous, salt ``bridgecast.chair``), names one
event and the event's ``chair_link_generation``, and expires after ``CHAIR_LINK_HOURS``; it only
ever reads. ``revoke`` bumps the generation (every link made before stops working, the tablets
showing one are told and dropped from the broadcasts). Counts follow ``reach.py``.
"""

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func

from server.extensions import db, socketio
from server.models.base import utcnow
from server.models.event import Event
from server.models.question import Question, QuestionTheme
from server.models.site import Site
from server.services import audit
from server.services.broadcast import NAMESPACES, room_name
from server.services.questions import moderation as mod
from server.services.questions.reach import reach_of

QUEUE_SHOWN = 12  # the next questions listed (the total is given too)
THEMES_SHOWN = 12
THEME_STATUSES = ("pending", "approved", "on_air", "answered")  # what a theme's count counts
KEY_SALT = "bridgecast.chair"


def _serializer():
    return URLSafeTimedSerializer(current_app.secret_key, salt=KEY_SALT)


def make_key(event):
    """A chair link's key for ``event`` (read-only, expires after ``CHAIR_LINK_HOURS``, dies
    when the event's chair links are revoked)."""
    return _serializer().dumps({"e": event.id, "g": event.chair_link_generation or 0})


def key_room(event_slug):
    """The /chair room of the tablets that joined with a chair link (staff are not in it)."""
    return room_name(event_slug, "chair-key")


def revoke(event, actor):
    """Every chair link of ``event`` made so far stops working: the generation moves on (committed
    with an audit row), the tablets showing one get ``chair_revoked`` and leave the broadcasts
    (the room is closed on every process through the message queue). Returns the new generation."""
    event.chair_link_generation = (event.chair_link_generation or 0) + 1
    audit.record(actor, "chair.revoke_links", event.slug, f"generation {event.chair_link_generation}", commit=False)
    db.session.commit()
    namespace = NAMESPACES["chair"]
    socketio.emit("chair_revoked", {"event": event.slug}, to=key_room(event.slug), namespace=namespace)
    socketio.close_room(key_room(event.slug), namespace=namespace)
    return event.chair_link_generation


def event_for_key(key):
    """The active event a chair key opens, or None (unknown, tampered, expired, revoked, inactive
    event)."""
    if not isinstance(key, str) or not 0 < len(key) <= 200:
        return None
    try:
        data = _serializer().loads(key, max_age=int(current_app.config["CHAIR_LINK_HOURS"]) * 3600)
    except BadSignature:  # SignatureExpired is one too
        return None
    if not isinstance(data, dict) or not isinstance(data.get("e"), int):
        return None
    event = db.session.get(Event, data["e"])
    if event is None or not event.is_active or data.get("g", 0) != (event.chair_link_generation or 0):
        return None
    return event


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
