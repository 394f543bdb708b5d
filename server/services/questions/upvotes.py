"""Upvotes ("tôi cũng hỏi"): a phone (by its device id) or a bridge point (by its site token)
adds itself to a question the public can see, the list of those questions the phones
search (diacritic-blind, ``text.fold``), and what the voters then see of the questions they
joined (``joined``: status words and the written answer; ``notify_joined`` pushes changes).

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
from server.services.bridges.sites import site_room
from server.services.broadcast import broadcast, send_to
from server.services.errors import NotFound, ServiceError
from server.services.questions.reach import reach_of
from server.services.questions.search import _like
from server.services.questions.submission import CLIENT_ID_RE, compact_one, outcome, public_answer
from server.services.ratelimit import Rule, check_all
from server.services.text import fold

OPEN = ("approved", "on_air")  # what the public sees and may join
PAGE_MAX = 50
JOINED_MAX = 50
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


# ---- what the voters see of the questions they joined ----------------------------------------


def joined_room(event_id, qid):
    """The /public room of the phones following a question they joined."""
    return f"joined:{event_id}:{qid}"


def joined_state(q):
    """``{id, text, status, reason, answer}`` of a joined question, in the asker's words
    (``submission.outcome``): a merged question stands for the one it was merged into."""
    target, status = outcome(q)
    return {
        "id": target.id,
        "text": target.text,
        "status": status,
        "reason": target.reject_reason if status == "not_selected" else "",
        "answer": public_answer(target),
    }


def joined(event, voter=None, site=None, written=None, limit=JOINED_MAX):
    """The questions the phone ``voter`` (``voter_of``) or the bridge point ``site`` joined, most
    recently changed first, as ``joined_state``. A site joined a question when it, or a phone on its
    ask page, said "tôi cũng hỏi" (the rule ``reach.py`` counts sites by). ``written=False`` keeps
    the ones with no written answer yet (the site's page lists the others with its answers)."""
    if site is not None:
        by = QuestionUpvote.site_id == site.id
    elif voter:
        by = QuestionUpvote.voter == voter
    else:
        return []
    ids = db.select(QuestionUpvote.question_id).where(QuestionUpvote.event_id == event.id, by)
    stmt = db.select(Question).where(Question.id.in_(ids))
    if written is False:
        stmt = stmt.where(Question.answer_text.is_(None))
    rows = db.session.scalars(stmt.order_by(Question.updated_at.desc(), Question.id.desc()).limit(limit))
    return [joined_state(q) for q in rows]


def follow_joined(event, voter):
    """``(states, room names)`` for a phone following the questions it joined (``questions.follow``)."""
    states = joined(event, voter=voter)
    return states, [joined_room(event.id, s["id"]) for s in states]


def notify_joined(q):
    """After a change the askers hear of, tell the phones (the question's room on /public) and the
    bridge points (their room on /site) that joined ``q`` where it stands: ``joined_status``.
    One query; nothing is sent when nobody joined it. A merged question's voters moved to its
    target: the phones still in its room get the target's state with ``was`` (the old id)."""
    if q.status == "merged":
        send_to("joined_status", {**joined_state(q), "was": q.id}, joined_room(q.event_id, q.id), "public")
        return
    site_ids = list(
        db.session.scalars(db.select(QuestionUpvote.site_id).where(QuestionUpvote.question_id == q.id).distinct())
    )
    if not site_ids:
        return
    payload = joined_state(q)
    send_to("joined_status", payload, joined_room(q.event_id, q.id), "public")
    for site_id in site_ids:
        if site_id:
            send_to("joined_status", payload, site_room(site_id), "site")
