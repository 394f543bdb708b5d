"""Written answers, so every site gets one even when a question never reaches the air.

A moderator records who owes the answer (``owner``), by when (``due``, local time when given
without a zone) and, once known, its ``text``. The answer travels with the asker's status
(``questions.statuses``, the ``question_status`` message to the asker's room — merged askers
included), reaches the phones and sites that joined the question ("tôi cũng hỏi",
``upvotes.joined``) and is listed on the phone page of every site that asked, was merged in or
joined. "Overdue": due passed, no text yet. ``published`` is the public list of written answers
(``/e/<slug>/answers``): every answered question the public may see, searchable blind to
diacritics, with no asker names.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_

from server.extensions import db
from server.models.base import utcnow
from server.models.question import Question, QuestionLink, QuestionTheme, QuestionUpvote
from server.models.site import Site
from server.services.errors import ServiceError
from server.services.events import get_event
from server.services.questions import moderation as mod
from server.services.questions.reach import reach_of
from server.services.questions.search import _like
from server.services.text import clean, fold

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
PUBLISHED_STATUSES = ("approved", "on_air", "answered")  # never pending, rejected or merged ones
PUBLISHED_PAGE_MAX = 50
ANSWER_MAX = 4000
OWNER_MAX = 200


def _utc(due):
    if due is None:
        return None
    if not isinstance(due, datetime):
        raise ServiceError("invalid_due", _l("Hạn trả lời không hợp lệ."), status=422)
    if due.tzinfo is None:  # a date typed in the console is local time
        due = due.replace(tzinfo=LOCAL)
    return due.astimezone(ZoneInfo("UTC"))


def answer(slug, actor, qid, text=None, owner=None, due=None, version=None):
    """Set the owner, due date and/or text of ``qid``'s answer (``None`` leaves a field as it is)."""
    event = get_event(slug)
    q = mod._load(event, qid, actor, mod._version(version))
    if q.status == "merged":
        raise ServiceError("invalid_transition", _l("Hãy trả lời câu hỏi đã được gộp vào."), status=409)
    changes = {}
    if owner is not None:
        changes["owner"] = q.answer_owner = clean(owner, OWNER_MAX)
    if due is not None:
        q.answer_due = _utc(due)
        changes["due"] = q.answer_due.isoformat()
    if text is not None:
        text = clean(text, multiline=True)
        if len(text) > ANSWER_MAX:
            raise ServiceError("text_too_long", _l("Câu trả lời dài quá 4000 ký tự."), status=422)
        q.answer_text = text or None
        q.answer_at, q.answer_by = (utcnow(), actor.name) if text else (None, "")
        changes["text"] = text
    if not changes:
        raise ServiceError("answer_empty", _l("Cần ghi câu trả lời, người trả lời hoặc hạn trả lời."), status=422)
    mod._touch(q)
    mod._audit(event, q.id, actor, "answer", **changes)
    db.session.commit()
    mod._publish(event, q, askers="text" in changes)
    return q


def for_site(site, limit=50):
    """The written answers to the questions ``site`` asked (its own and merged ones) or joined
    ("tôi cũng hỏi": the site, or a phone on its ask page), newest first; ``joined`` marks the latter."""
    merged_here = db.select(QuestionLink.question_id).where(QuestionLink.site_id == site.id)
    joined_here = db.select(QuestionUpvote.question_id).where(QuestionUpvote.site_id == site.id)
    rows = db.session.scalars(
        db.select(Question)
        .where(
            Question.event_id == site.event_id,
            Question.answer_text.is_not(None),
            Question.status != "merged",
            or_(Question.site_id == site.id, Question.id.in_(merged_here), Question.id.in_(joined_here)),
        )
        .order_by(Question.answer_at.desc())
        .limit(limit)
    ).all()
    asked = (
        set(db.session.scalars(merged_here.where(QuestionLink.question_id.in_([q.id for q in rows]))))
        if rows
        else set()
    )
    return [
        {
            "id": q.id,
            "question": q.text,
            "text": q.answer_text,
            "owner": q.answer_owner,
            "at": q.answer_at.astimezone(LOCAL).strftime("%H:%M %d/%m") if q.answer_at else "",
            "joined": q.site_id != site.id and q.id not in asked,
        }
        for q in rows
    ]


def published(event, q="", offset=0, limit=20):
    """``(items, total)``: the event's questions answered in writing that the public may see
    (approved, on air or answered; never pending, rejected or merged), newest answer first,
    filtered by folded words of the question (diacritics and NFC/NFD blind). Each item: the
    question (text, kind, site name, theme), its counts (``reach.py``) and the answer (text,
    owner, local time); no asker names."""
    stmt = db.select(Question).where(
        Question.event_id == event.id,
        Question.answer_text.is_not(None),
        Question.status.in_(PUBLISHED_STATUSES),
    )
    for word in fold(q or "").split()[:8]:
        stmt = stmt.where(Question.text_folded.like(_like(word), escape="\\"))
    total = db.session.scalar(db.select(func.count()).select_from(stmt.subquery()))
    rows = list(
        db.session.scalars(
            stmt.order_by(Question.answer_at.desc(), Question.id.desc())
            .offset(max(0, offset))
            .limit(max(1, min(limit, PUBLISHED_PAGE_MAX)))
        )
    )
    site_ids = {r.site_id for r in rows if r.site_id}
    theme_ids = {r.theme_id for r in rows if r.theme_id}
    sites = (
        dict(db.session.execute(db.select(Site.id, Site.name).where(Site.id.in_(site_ids))).all()) if site_ids else {}
    )
    themes = (
        dict(
            db.session.execute(
                db.select(QuestionTheme.id, QuestionTheme.label).where(QuestionTheme.id.in_(theme_ids))
            ).all()
        )
        if theme_ids
        else {}
    )
    reached = reach_of(rows)
    items = [
        {
            "id": r.id,
            "kind": r.kind,
            "question": r.text,
            "site": sites.get(r.site_id, ""),
            "theme": themes.get(r.theme_id, ""),
            **reached[r.id].as_dict(),
            "answer": {
                "text": r.answer_text,
                "owner": r.answer_owner,
                "at": r.answer_at.isoformat() if r.answer_at else None,
                "at_local": r.answer_at.astimezone(LOCAL).strftime("%H:%M %d/%m/%Y") if r.answer_at else "",
            },
        }
        for r in rows
    ]
    return items, total
