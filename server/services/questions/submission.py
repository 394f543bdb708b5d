"""Live questions: submission from phones, what askers see, and the compact payloads.

``submit`` validates and normalises a submission, answers a repeated ``client_id`` with
the original (also when two copies race), applies the rate limits, commits, and only then
broadcasts a compact payload to the event's moderators. ``statuses_for`` tells askers
where their submissions stand. Moderation lives in ``questions_moderation``, listing and
similarity in ``questions_search``.
"""

import re

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from server.extensions import db
from server.models.agenda import AgendaItem
from server.models.base import utcnow
from server.models.event import Event
from server.models.question import KINDS, Question, QuestionTag
from server.models.site import Site
from server.models.user import User
from server.services.broadcast import broadcast, send_to
from server.services.errors import ServiceError
from server.services.questions.reach import reach_of
from server.services.ratelimit import Rule, check_all
from server.services.text import clean, fold

TEXT_MAX = 1000
AUTHOR_MAX = 120
UNIT_MAX = 200
ADDRESSEE_MAX = 200
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
PUBLIC_STATUS = {
    "pending": "sent",
    "approved": "approved",
    "on_air": "on_air",
    "answered": "answered",
    "rejected": "not_selected",
}


def invalid(code, message, status=422):
    return ServiceError(code, message, status=status)


def _str_field(data, name, required=False):
    value = data.get(name)
    if value is None:
        if required:
            raise invalid(f"missing_{name}", _l("Thiếu trường bắt buộc: %(name)s.", name=name), 400)
        return ""
    if not isinstance(value, str):
        raise invalid(f"invalid_{name}", _l("Trường %(name)s phải là chuỗi ký tự.", name=name), 400)
    return value


def _limited(value, limit, code, message):
    if len(value) > limit:
        raise invalid(code, message)
    return value


def validate(data):
    """Check types and limits; return the cleaned fields (raises 400/422)."""
    slug = _str_field(data, "event", required=True)
    client_id = _str_field(data, "client_id", required=True)
    kind = _str_field(data, "kind") or "question"
    raw_text = _str_field(data, "text", required=True)
    if not CLIENT_ID_RE.match(client_id):
        raise invalid("invalid_client_id", _l("Mã gửi (client_id) không hợp lệ: 1–64 ký tự chữ, số, - _ . :"))
    if kind not in KINDS:
        raise invalid("invalid_kind", _l("Loại góp ý phải là câu hỏi, ý kiến hoặc hiến kế."))
    text = clean(raw_text, multiline=True)
    if not text:
        raise invalid("text_empty", _l("Nội dung không được để trống."))
    _limited(text, TEXT_MAX, "text_too_long", _l("Nội dung dài quá 1000 ký tự."))
    author = _limited(clean(_str_field(data, "author")), AUTHOR_MAX, "author_too_long", _l("Họ tên dài quá 120 ký tự."))
    unit = _limited(clean(_str_field(data, "unit")), UNIT_MAX, "unit_too_long", _l("Đơn vị dài quá 200 ký tự."))
    addressee = _limited(
        clean(_str_field(data, "addressee")),
        ADDRESSEE_MAX,
        "addressee_too_long",
        _l("Người được hỏi dài quá 200 ký tự."),
    )
    site_token = _str_field(data, "site_token")
    agenda_item = data.get("agenda_item")
    if agenda_item is not None and (
        isinstance(agenda_item, bool) or not isinstance(agenda_item, int) or not 0 < agenda_item <= 2**53
    ):
        raise invalid("invalid_agenda_item", _l("Mục chương trình không hợp lệ."), 400)
    return {
        "slug": slug,
        "client_id": client_id,
        "kind": kind,
        "text": text,
        "author": author,
        "unit": unit,
        "addressee": addressee,
        "site_token": site_token,
        "agenda_item": agenda_item,
    }


def _existing(event_id, client_id):
    return db.session.scalar(db.select(Question).filter_by(event_id=event_id, client_id=client_id))


def _rate_checks(event, site, device_id, address):
    config = current_app.config
    rule = lambda key: Rule.parse(config[key])  # noqa: E731
    checks = []
    if device_id:
        checks.append((f"q:dev:{event.id}:{device_id}", rule("QUESTIONS_RATE_DEVICE")))
    if address:  # always: a device id is the client's word, the address is not
        checks.append((f"q:ip:{address}", rule("QUESTIONS_RATE_ADDRESS")))
    if site is not None:
        checks.append((f"q:site:{site.id}", rule("QUESTIONS_RATE_SITE")))
    return checks


# The submission path is the hottest write of a congress (docs/design.md targets:
# 5,000 questions a minute): prepared Core statements (built once, so SQLAlchemy's cache keys are too) on the
# session's connection, one commit, and the moderators' payload built from what was written.
_E, _S, _Q, _A = Event.__table__, Site.__table__, Question.__table__, AgendaItem.__table__
_EVENT_BY_SLUG = select(_E.c.id, _E.c.slug, _E.c.current_item_id).where(
    _E.c.slug == bindparam("slug"), _E.c.is_active.is_(True)
)
_SITE_BY_TOKEN = select(_S.c.id, _S.c.event_id, _S.c.name, _S.c.district).where(
    _S.c.token == bindparam("token"), _S.c.is_active.is_(True)
)
_QUESTION_ID = select(_Q.c.id).where(_Q.c.event_id == bindparam("event_id"), _Q.c.client_id == bindparam("client_id"))
_AGENDA_ITEM = select(_A.c.id).where(_A.c.id == bindparam("item_id"), _A.c.event_id == bindparam("event_id"))
_INSERT_QUESTION = insert(_Q).returning(_Q.c.id)


def _lookup(conn, fields):
    event = conn.execute(_EVENT_BY_SLUG, {"slug": fields["slug"]}).first()
    if event is None:
        raise invalid("event_not_found", _l("Không tìm thấy sự kiện."))
    site = None
    if fields["site_token"]:
        site = conn.execute(_SITE_BY_TOKEN, {"token": fields["site_token"]}).first()
        if site is None or site.event_id != event.id:
            raise invalid("invalid_site_token", _l("Mã điểm cầu không hợp lệ hoặc đã bị thu hồi."))
    return event, site


def _agenda_item_id(conn, event, wanted):
    if wanted is None:
        return event.current_item_id
    found = conn.execute(_AGENDA_ITEM, {"item_id": wanted, "event_id": event.id}).scalar()
    if found is None:
        raise invalid("invalid_agenda_item", _l("Mục chương trình không hợp lệ."))
    return found


def _repeat(event_id, client_id):
    """The stored question a repeated ``client_id`` stands for, as ``(question, False)``."""
    return _existing(event_id, client_id), False


def submit(data, device_id="", address=""):
    """Store a submission. Return ``(question, created)``; ``created`` is False for a repeat.

    The acknowledgement follows the commit; the broadcast to moderators follows it too.
    """
    fields = validate(data)
    device_id = (device_id or "")[:64]
    conn = db.session.connection()
    event, site = _lookup(conn, fields)
    if conn.execute(_QUESTION_ID, {"event_id": event.id, "client_id": fields["client_id"]}).first() is not None:
        return _repeat(event.id, fields["client_id"])
    allowed, wait = check_all(_rate_checks(event, site, device_id, address))
    if not allowed:
        raise ServiceError(
            "rate_limited", _l("Bạn gửi quá nhanh, hãy thử lại sau %(s)s giây.", s=wait), status=429, retry_after=wait
        )
    now = utcnow()
    values = dict(
        event_id=event.id,
        site_id=site.id if site else None,
        agenda_item_id=_agenda_item_id(conn, event, fields["agenda_item"]),
        client_id=fields["client_id"],
        kind=fields["kind"],
        text=fields["text"],
        text_folded=fold(fields["text"]),
        author=fields["author"],
        unit=fields["unit"],
        addressee=fields["addressee"],
        meta_folded=fold(f"{fields['author']} {fields['unit']}"),
        device_id=device_id,
        status="pending",
        reject_reason="",
        version=1,
        created_at=now,
        updated_at=now,
    )
    try:
        values["id"] = conn.execute(_INSERT_QUESTION, values).scalar_one()
        db.session.commit()
    except IntegrityError:  # the same client_id committed by a concurrent request
        db.session.rollback()
        question, created = _repeat(event.id, fields["client_id"])
        if question is None:
            raise
        return question, created
    question = Question(**values)  # transient: the payload is built from what was written
    broadcast("question_new", compact(question, site=site), event.slug, "moderation")
    return question, True


# ---- payloads ---------------------------------------------------------------------------


def _iso(value):
    return value.isoformat() if value else None


def answer_of(q):
    """The written answer of ``q`` for moderators (None when no owner, due date nor text is set)."""
    if not (q.answer_text or q.answer_owner or q.answer_due):
        return None
    return {
        "text": q.answer_text or "",
        "owner": q.answer_owner or "",
        "due": _iso(q.answer_due),
        "at": _iso(q.answer_at),
        "by": q.answer_by or "",
    }


def overdue(q, now=None):
    """A due date has passed and no answer is written yet."""
    return bool(q.answer_due and not q.answer_text and q.answer_due < (now or utcnow()))


def compact(q, site=None, tags=(), sites=None, askers=None, claimed_by=None, upvotes=0):
    """What a moderator's list needs about one question (small: it is broadcast)."""
    return {
        "id": q.id,
        "kind": q.kind,
        "text": q.text,
        "author": q.author,
        "unit": q.unit,
        "addressee": q.addressee,
        "status": q.status,
        "reason": q.reject_reason,
        "version": q.version,
        "created_at": _iso(q.created_at),
        "site": {"id": site.id, "name": site.name, "district": site.district} if site is not None else None,
        "agenda_item_id": q.agenda_item_id,
        "tags": list(tags),
        "sites": sites if sites is not None else (1 if q.site_id else 0),
        "askers": askers if askers is not None else 1,
        "upvotes": upvotes,  # of the askers, those who said "tôi cũng hỏi"
        "claimed_by": claimed_by,
        "edited": q.original_text is not None,
        "original_text": q.original_text,
        "queue_position": q.queue_position,
        "merged_into_id": q.merged_into_id,
        "answer": answer_of(q),
        "overdue": overdue(q),
        "theme_id": q.theme_id,
        "theme_pinned": bool(q.theme_pinned),
    }


def compact_many(questions):
    """``compact`` for a page of questions with their sites, tags, reach (merged askers and
    upvotes, ``reach.py``) and claims in 5 queries."""
    if not questions:
        return []
    ids = [q.id for q in questions]
    site_ids = {q.site_id for q in questions if q.site_id}
    sites = {s.id: s for s in db.session.scalars(db.select(Site).where(Site.id.in_(site_ids)))} if site_ids else {}
    tags = {}
    for qid, tag in db.session.execute(
        db.select(QuestionTag.question_id, QuestionTag.tag)
        .where(QuestionTag.question_id.in_(ids))
        .order_by(QuestionTag.tag)
    ):
        tags.setdefault(qid, []).append(tag)
    reached = reach_of(questions)
    user_ids = {q.claimed_by_id for q in questions if q.claimed_by_id}
    users = {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    out = []
    for q in questions:
        counts = reached[q.id]
        claimer = users.get(q.claimed_by_id)
        out.append(
            compact(
                q,
                site=sites.get(q.site_id),
                tags=tags.get(q.id, ()),
                sites=len(counts.sites),
                askers=counts.askers,
                upvotes=counts.upvotes,
                claimed_by=(claimer.display_name or claimer.username) if claimer else None,
            )
        )
    return out


def compact_one(q):
    return compact_many([q])[0]


# ---- what askers see --------------------------------------------------------------------


def _resolve(q):
    """Follow merges to the question that carries the outcome."""
    seen = 0
    while q is not None and q.status == "merged" and q.merged_into_id and seen < 10:
        q = db.session.get(Question, q.merged_into_id)
        seen += 1
    return q


def public_answer(q):
    """What askers see of a written answer: ``{text, owner, at}`` once the text is written."""
    if not q.answer_text:
        return None
    return {"text": q.answer_text, "owner": q.answer_owner or "", "at": _iso(q.answer_at)}


def outcome(q):
    """``(target, status)``: the question carrying ``q``'s outcome (merges followed) and its
    status in the asker's vocabulary (sent, reviewing, approved, on_air, answered, not_selected)."""
    target = _resolve(q) or q
    status = PUBLIC_STATUS.get(target.status, "sent")
    if status == "sent" and target.claimed_by_id:
        status = "reviewing"
    return target, status


def public_status(q):
    """``{client_id, id, status, reason, answer}`` with the asker's vocabulary (sent, reviewing, ...);
    a merged question carries the outcome, and the answer, of the one it was merged into."""
    target, status = outcome(q)
    return {
        "client_id": q.client_id,
        "id": q.id,
        "status": status,
        "reason": target.reject_reason if status == "not_selected" else "",
        "answer": public_answer(target),
    }


def statuses_for(event, client_ids):
    ids = [c for c in client_ids if isinstance(c, str) and CLIENT_ID_RE.match(c)][:50]
    if not ids:
        return []
    rows = db.session.scalars(db.select(Question).where(Question.event_id == event.id, Question.client_id.in_(ids)))
    return [public_status(q) for q in rows]


def asker_room(event_id, client_id):
    return f"asker:{event_id}:{client_id}"


def notify_askers(q):
    """Send the asker of ``q`` and of every question merged into it their new status."""
    followers = [q] + list(db.session.scalars(db.select(Question).filter_by(merged_into_id=q.id)))
    for item in followers:
        send_to("question_status", public_status(item), asker_room(item.event_id, item.client_id), "public")
