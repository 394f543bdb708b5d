"""Upvotes ("tôi cũng hỏi"): a phone (by its device id) or a bridge point (by its site token)
adds itself to a question the public can see, and the list of those questions the phones
search (diacritic-blind, ``text.fold``).

An upvote is one row per voter and question (unique: a retry, or two racing copies, answer
the stored one), rate limited per device, per address and per site (``ratelimit.py``), and
committed before it is acknowledged; then the moderators and the chair view get the
question's new counts (``question_updated``). Counts follow ``reach.py``.
"""

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from server.extensions import db
from server.models.question import Question, QuestionUpvote
from server.models.site import Site
from server.services.broadcast import broadcast
from server.services.errors import NotFound, ServiceError
from server.services.questions.reach import reach_of
from server.services.questions.search import _like
from server.services.questions.submission import CLIENT_ID_RE, compact_one
from server.services.ratelimit import Rule, check_all
from server.services.text import fold

OPEN = ("approved", "on_air")  # what the public sees and may join
PAGE_MAX = 50
NOT_OPEN = _l("Không tìm thấy câu hỏi.")


def _rule(key):
    return Rule.parse(current_app.config[key])


def _open_question(event, qid):
    """The question ``qid`` of ``event`` open to upvotes (a merged one stands for its target), or 404."""
    q = db.session.get(Question, qid) if isinstance(qid, int) and not isinstance(qid, bool) and qid <= 2**53 else None
    for _ in range(10):
        if q is None or q.status != "merged" or not q.merged_into_id:
            break
        q = db.session.get(Question, q.merged_into_id)
    if q is None or q.event_id != event.id or q.status not in OPEN:
        raise NotFound("question_not_found", NOT_OPEN)
    return q


def _stored(qid, voter):
    return db.session.scalar(db.select(QuestionUpvote).filter_by(question_id=qid, voter=voter))


def _counts(q):
    return {"id": q.id, **reach_of([q])[q.id].as_dict()}


def upvote(event, qid, *, device_id="", address="", site=None, from_site=None):
    """Add a voter to question ``qid``: the site ``site`` (its own phone page), else the phone
    ``device_id`` (optionally on the ask page of ``from_site``, which then counts as a site).

    Returns ``(counts, created)``; a voter already counted gets ``created`` False and costs nothing."""
    if site is not None:
        voter, site_id, checks = (
            f"site:{site.id}",
            site.id,
            [(f"up:site:{site.id}", _rule("QUESTIONS_RATE_UPVOTE_SITE"))],
        )
    else:
        if not isinstance(device_id, str) or not CLIENT_ID_RE.match(device_id):
            raise ServiceError("invalid_device", _l("Mã thiết bị không hợp lệ."), status=422)
        voter, site_id = f"dev:{device_id}", from_site.id if from_site is not None else None
        checks = [(f"up:dev:{event.id}:{device_id}", _rule("QUESTIONS_RATE_UPVOTE_DEVICE"))]
    if address:
        checks.append((f"up:ip:{address}", _rule("QUESTIONS_RATE_ADDRESS")))
    q = _open_question(event, qid)
    if _stored(q.id, voter) is not None:
        return _counts(q), False
    allowed, wait = check_all(checks)
    if not allowed:
        raise ServiceError(
            "rate_limited", _l("Bạn gửi quá nhanh, hãy thử lại sau %(s)s giây.", s=wait), status=429, retry_after=wait
        )
    db.session.add(QuestionUpvote(event_id=event.id, question_id=q.id, voter=voter, site_id=site_id))
    try:
        db.session.commit()
    except IntegrityError:  # the same voter committed by a concurrent request
        db.session.rollback()
        q = _open_question(event, qid)
        if _stored(q.id, voter) is None:
            raise
        return _counts(q), False
    payload = compact_one(q)
    broadcast("question_updated", payload, event.slug, "moderation")
    broadcast("question_updated", payload, event.slug, "chair")
    return {"id": q.id, "sites": payload["sites"], "askers": payload["askers"], "upvotes": payload["upvotes"]}, True


def voter_of(device_id="", site=None):
    """The voter a phone (device id) or a site stands for, or None."""
    if site is not None:
        return f"site:{site.id}"
    return f"dev:{device_id}" if isinstance(device_id, str) and CLIENT_ID_RE.match(device_id) else None


def public_list(event, q="", offset=0, limit=20, voter=None):
    """``(items, total)``: the questions the public may join, on air first then in queue order,
    filtered by folded words; each with its text, kind, site name, counts (no asker names) and
    ``mine`` (``voter`` already joined it)."""
    stmt = db.select(Question).where(Question.event_id == event.id, Question.status.in_(OPEN))
    for word in fold(q or "").split()[:8]:
        stmt = stmt.where(Question.text_folded.like(_like(word), escape="\\"))
    total = db.session.scalar(db.select(func.count()).select_from(stmt.subquery()))
    rows = list(
        db.session.scalars(
            stmt.order_by(
                (Question.status != "on_air"), Question.queue_position.is_(None), Question.queue_position, Question.id
            )
            .offset(max(0, offset))
            .limit(max(1, min(limit, PAGE_MAX)))
        )
    )
    reached = reach_of(rows)
    mine = set()
    if voter and rows:
        mine = set(
            db.session.scalars(
                db.select(QuestionUpvote.question_id).where(
                    QuestionUpvote.voter == voter, QuestionUpvote.question_id.in_([r.id for r in rows])
                )
            )
        )
    site_ids = {r.site_id for r in rows if r.site_id}
    names = (
        dict(db.session.execute(db.select(Site.id, Site.name).where(Site.id.in_(site_ids))).all()) if site_ids else {}
    )
    items = [
        {
            "id": r.id,
            "kind": r.kind,
            "status": r.status,
            "text": r.text,
            "site": names.get(r.site_id, ""),
            **reached[r.id].as_dict(),
            "mine": r.id in mine,
        }
        for r in rows
    ]
    return items, total
