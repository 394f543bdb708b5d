"""Written answers, so every site gets one even when a question never reaches the air.

A moderator records who owes the answer (``owner``), by when (``due``, local time when given
without a zone) and, once known, its ``text``. The answer travels with the asker's status
(``questions.statuses``, the ``question_status`` message to the asker's room — merged askers
included), reaches the phones and sites that joined the question ("tôi cũng hỏi",
``upvotes.joined``) and is listed on the phone page of every site that asked, was merged in or
joined. "Overdue": due passed, no text yet.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_

from server.extensions import db
from server.models.base import utcnow
from server.models.question import Question, QuestionLink, QuestionUpvote
from server.services.errors import ServiceError
from server.services.events import get_event
from server.services.questions import moderation as mod
from server.services.text import clean

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
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
