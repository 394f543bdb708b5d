"""Moderating questions: claims, approve / reject / edit / tags / agenda link / merge,
the on-air queue, on air / off air / answered, and the audit log of every action.

Every change checks the question's ``version`` when the caller gives one (a stale edit is
refused with 409), refuses a question claimed by another moderator, bumps the version,
writes an audit line, commits, then broadcasts to moderators (and askers, overlays).
"""

import json
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from server.extensions import db
from server.models.agenda import AgendaItem
from server.models.base import utcnow
from server.models.question import Question, QuestionAudit, QuestionLink, QuestionTag, QuestionUpvote
from server.models.site import Site
from server.services.agenda.cues import apply_scene
from server.services.broadcast import broadcast
from server.services.commands import Actor  # noqa: F401  (who acts: re-exported for callers)
from server.services.errors import Conflict, NotFound, ServiceError
from server.services.events import get_event
from server.services.overlays import native_text as overlay_text
from server.services.questions.submission import TEXT_MAX, compact_many, compact_one, notify_askers
from server.services.questions.upvotes import notify_joined
from server.services.text import clean, fold

CLAIM_TTL = timedelta(minutes=5)
OBS_TEXT_SOURCE = overlay_text.QUESTION
MAX_TAGS = 10


# ---- helpers ----------------------------------------------------------------------------


def _audit(event, question_id, actor, action, **detail):
    detail.setdefault("by", actor.name)
    db.session.add(
        QuestionAudit(
            event_id=event.id,
            question_id=question_id,
            actor=actor.label,
            action=action,
            detail=json.dumps(detail, ensure_ascii=False) if detail else "",
        )
    )


def _claim_active(q):
    return q.claimed_by_id is not None and q.claimed_at is not None and utcnow() - q.claimed_at < CLAIM_TTL


def _load(event, qid, actor, version=None, check_claim=True, **mine):
    """The question ``qid`` of ``event``; 409 ``stale_version`` (with the ``current`` question and
    what the caller sent, ``mine``) when ``version`` is not the stored one."""
    q = db.session.get(Question, qid) if isinstance(qid, int) and not isinstance(qid, bool) else None
    if q is None or q.event_id != event.id:
        raise NotFound("question_not_found", _l("Không tìm thấy câu hỏi."))
    if version is not None and version != q.version:
        raise Conflict(
            "stale_version",
            _l("Câu hỏi đã được người khác thay đổi trong lúc bạn sửa. Hãy xem bản mới rồi thử lại."),
            current=compact_one(q),
            mine=mine or None,
            changed_by=_last_actor(q.id),
        )
    if check_claim and actor.user_id is not None and _claim_active(q) and q.claimed_by_id != actor.user_id:
        raise Conflict("claimed", _l("Câu hỏi đang do người điều phối khác xử lý."), current=compact_one(q))
    return q


def _last_actor(qid, actions=None):
    """The name of whoever last acted on question ``qid`` (among ``actions``), or None."""
    stmt = db.select(QuestionAudit).where(QuestionAudit.question_id == qid)
    if actions:
        stmt = stmt.where(QuestionAudit.action.in_(actions))
    row = db.session.scalars(stmt.order_by(QuestionAudit.id.desc()).limit(1)).first()
    if row is None:
        return None
    detail = json.loads(row.detail) if row.detail else {}
    return {"label": row.actor, "name": detail.get("by") or row.actor.split(":", 1)[-1]}


def _version(value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ServiceError("invalid_version", _l("Phiên bản không hợp lệ."), status=400)
    return value


def _touch(q):
    q.version += 1
    q.updated_at = utcnow()


def _publish(event, *questions, askers=True):
    """After commit: tell moderators (and the askers) about the changed questions; the chair
    view hears of those that are, or were, in the queue or on air (never the pending ones)."""
    for payload in compact_many(list(questions)):
        broadcast("question_updated", payload, event.slug, "moderation")
        if payload["status"] != "pending":
            broadcast("question_updated", payload, event.slug, "chair")
    if askers:
        for q in questions:
            notify_askers(q)
            notify_joined(q)


def _transition(q, allowed):
    if q.status not in allowed:
        raise Conflict(
            "invalid_transition",
            _l("Không thể thực hiện thao tác này với câu hỏi ở trạng thái hiện tại."),
            current=compact_one(q),
        )


# ---- claims -----------------------------------------------------------------------------


def claim(slug, actor, qid):
    """Take a question so other moderators see who is handling it (expires after 5 min)."""
    event = get_event(slug)
    q = _load(event, qid, actor)
    q.claimed_by_id, q.claimed_at = actor.user_id, utcnow()
    _audit(event, q.id, actor, "claim")
    db.session.commit()
    _publish(event, q)
    return q


def release(slug, actor, qid):
    event = get_event(slug)
    q = _load(event, qid, actor)
    q.claimed_by_id, q.claimed_at = None, None
    _audit(event, q.id, actor, "release")
    db.session.commit()
    _publish(event, q)
    return q


# ---- decisions --------------------------------------------------------------------------


def _next_queue_position(event):
    top = db.session.scalar(db.select(func.max(Question.queue_position)).where(Question.event_id == event.id))
    return (top or 0) + 1


def _approve(event, actor, q, position=None):
    """Approve ``q`` (not committed); False when it already was."""
    if q.status == "approved":
        return False
    _transition(q, ("pending", "rejected"))
    q.status, q.reject_reason, q.decided_at = "approved", "", utcnow()
    q.queue_position = position or _next_queue_position(event)
    _touch(q)
    _audit(event, q.id, actor, "approve")
    return True


def approve(slug, actor, qid, version=None):
    event = get_event(slug)
    q = _load(event, qid, actor, _version(version))
    if _approve(event, actor, q):
        db.session.commit()
        _publish(event, q)
    return q


def _reason(reason):
    reason = clean(reason if isinstance(reason, str) else "", 300)
    if not reason:
        raise ServiceError("reason_required", _l("Cần ghi lý do không chọn câu hỏi."), status=422)
    return reason


def _reject(event, actor, q, reason):
    """Reject ``q`` with ``reason`` (not committed)."""
    _transition(q, ("pending", "approved", "rejected"))
    q.status, q.reject_reason, q.decided_at, q.queue_position = "rejected", reason, utcnow(), None
    _touch(q)
    _audit(event, q.id, actor, "reject", reason=reason)


def reject(slug, actor, qid, reason="", version=None):
    event = get_event(slug)
    q = _load(event, qid, actor, _version(version))
    _reject(event, actor, q, _reason(reason))
    db.session.commit()
    _publish(event, q)
    return q


def edit(slug, actor, qid, text, version=None):
    """Change the wording; the asker's original text is kept (once) in ``original_text``."""
    event = get_event(slug)
    text = clean(text if isinstance(text, str) else "", multiline=True)
    q = _load(event, qid, actor, _version(version), text=text)
    if not text:
        raise ServiceError("text_empty", _l("Nội dung không được để trống."), status=422)
    if len(text) > TEXT_MAX:
        raise ServiceError("text_too_long", _l("Nội dung dài quá 1000 ký tự."), status=422)
    if text == q.text:
        return q
    if q.original_text is None:
        q.original_text = q.text
    before = q.text
    q.text, q.text_folded = text, fold(text)
    _touch(q)
    _audit(event, q.id, actor, "edit", before=before, after=text)
    db.session.commit()
    _publish(event, q, askers=False)
    if q.status == "on_air":
        _show_on_air(event, q)
    return q


def _clean_tags(tags):
    if not isinstance(tags, list):
        raise ServiceError("invalid_tags", _l("Chủ đề không hợp lệ."), status=400)
    cleaned = []
    for tag in tags:
        value = clean(tag if isinstance(tag, str) else "", 60)
        if value and value not in cleaned:
            cleaned.append(value)
    return cleaned[:MAX_TAGS]


def set_tags(slug, actor, qid, tags, version=None):
    event = get_event(slug)
    q = _load(event, qid, actor, _version(version))
    cleaned = _clean_tags(tags)
    db.session.execute(db.delete(QuestionTag).where(QuestionTag.question_id == q.id))
    for value in cleaned:
        db.session.add(QuestionTag(question_id=q.id, tag=value))
    _touch(q)
    _audit(event, q.id, actor, "tags", tags=cleaned)
    db.session.commit()
    _publish(event, q, askers=False)
    return q


def set_agenda_item(slug, actor, qid, agenda_item_id, version=None):
    event = get_event(slug)
    q = _load(event, qid, actor, _version(version))
    if agenda_item_id is not None:
        item = db.session.get(AgendaItem, agenda_item_id) if isinstance(agenda_item_id, int) else None
        if item is None or item.event_id != event.id:
            raise ServiceError("invalid_agenda_item", _l("Mục chương trình không hợp lệ."), status=422)
    q.agenda_item_id = agenda_item_id
    _touch(q)
    _audit(event, q.id, actor, "agenda_item", agenda_item_id=agenda_item_id)
    db.session.commit()
    _publish(event, q, askers=False)
    return q


def merge(slug, actor, target_id, source_ids, version=None):
    """Merge ``source_ids`` into ``target_id``: the target remembers every asker and site."""
    event = get_event(slug)
    target = _load(event, target_id, actor, _version(version))
    if target.status == "merged":
        raise Conflict("invalid_transition", _l("Không thể gộp vào một câu hỏi đã được gộp."))
    if not isinstance(source_ids, list) or not source_ids or len(source_ids) > 100:
        raise ServiceError("invalid_sources", _l("Cần chọn câu hỏi để gộp."), status=400)
    sources = []
    for sid in dict.fromkeys(source_ids):
        if sid == target.id:
            raise ServiceError("merge_self", _l("Không thể gộp một câu hỏi vào chính nó."), status=422)
        source = _load(event, sid, actor)
        _transition(source, ("pending", "approved", "rejected", "answered"))
        sources.append(source)
    for source in sources:
        # The source's own asker, then everyone already merged into it, now belong to the target.
        db.session.add(
            QuestionLink(
                question_id=target.id,
                source_id=source.id,
                site_id=source.site_id,
                author=source.author,
                unit=source.unit,
            )
        )
        db.session.execute(
            db.update(QuestionLink).where(QuestionLink.question_id == source.id).values(question_id=target.id)
        )
        db.session.execute(
            db.update(Question).where(Question.merged_into_id == source.id).values(merged_into_id=target.id)
        )
        _move_upvotes(source.id, target.id)
        source.status, source.merged_into_id, source.queue_position = "merged", target.id, None
        source.claimed_by_id = source.claimed_at = None
        _touch(source)
        _audit(event, source.id, actor, "merged_into", target=target.id)
    _touch(target)
    _audit(event, target.id, actor, "merge", sources=[s.id for s in sources])
    db.session.commit()
    _publish(event, target, *sources)
    return target


def _move_upvotes(source_id, target_id):
    """The source's "tôi cũng hỏi" now count for the target (a voter who has both counts once)."""
    already = db.select(QuestionUpvote.voter).where(QuestionUpvote.question_id == target_id).scalar_subquery()
    db.session.execute(
        db.update(QuestionUpvote)
        .where(QuestionUpvote.question_id == source_id, QuestionUpvote.voter.notin_(already))
        .values(question_id=target_id)
    )
    db.session.execute(db.delete(QuestionUpvote).where(QuestionUpvote.question_id == source_id))


# ---- many at once ---------------------------------------------------------------------------

BULK_MAX = 500
THEME_BULK_MAX = 5000  # every question of one theme (``questions.bulk`` with a theme_id)
BULK_ACTIONS = ("approve", "reject", "merge", "tag", "assign")


def _add_tags(event, actor, q, tags):
    have = set(db.session.scalars(db.select(QuestionTag.tag).where(QuestionTag.question_id == q.id)))
    added = [t for t in tags if t not in have][: max(0, MAX_TAGS - len(have))]
    for value in added:
        db.session.add(QuestionTag(question_id=q.id, tag=value))
    if added:
        _touch(q)
        _audit(event, q.id, actor, "tags", added=added)


def _assign(event, actor, q, owner, due):
    """Record who owes ``q``'s written answer (and by when); not committed."""
    if q.status == "merged":
        raise ServiceError("invalid_transition", _l("Hãy trả lời câu hỏi đã được gộp vào."), status=409)
    q.answer_owner = owner
    changes = {"owner": owner}
    if due is not None:
        q.answer_due = due
        changes["due"] = due.isoformat()
    _touch(q)
    _audit(event, q.id, actor, "answer", **changes)


def bulk(slug, actor, action, ids, reason="", tags=None, target_id=None, limit=BULK_MAX, answer=None):
    """One action over many questions in one transaction: ``approve``, ``reject`` (with a
    ``reason``), ``tag`` (adds ``tags``), ``merge`` (into ``target_id``, else the first id) or
    ``assign`` (``answer``: ``{"owner", "due"}``, who owes the written answers and by when).

    Questions that cannot take the action (claimed by someone else, wrong status, unknown) are
    skipped and listed with their error; the others are done. Returns ``(done, skipped, target)``."""
    from server.services.questions.answers import OWNER_MAX, _utc  # answers builds on this module

    event = get_event(slug)
    if action not in BULK_ACTIONS:
        raise ServiceError("invalid_action", _l("Thao tác hàng loạt không hợp lệ."), status=422)
    ids = list(dict.fromkeys(i for i in ids if isinstance(i, int) and not isinstance(i, bool)))
    if not ids or len(ids) > limit:
        raise ServiceError("invalid_ids", _l("Cần chọn từ 1 đến 500 câu hỏi."), status=422)
    answer = answer or {}
    owner = clean(answer.get("owner") or "", OWNER_MAX) if action == "assign" else ""
    due = _utc(answer.get("due")) if action == "assign" else None
    if action == "assign" and not owner:
        raise ServiceError("owner_required", _l("Cần ghi người trả lời."), status=422)
    if action == "merge":
        target = target_id if target_id is not None else ids[0]
        merged = merge(slug, actor, target, [i for i in ids if i != target])
        return [i for i in ids if i != target], [], merged
    reason = _reason(reason) if action == "reject" else ""
    tags = _clean_tags(tags or []) if action == "tag" else []
    if action == "tag" and not tags:
        raise ServiceError("invalid_tags", _l("Chủ đề không hợp lệ."), status=422)
    done, skipped, position = [], [], _next_queue_position(event)
    for qid in ids:
        try:
            q = _load(event, qid, actor)
            if action == "approve":
                if _approve(event, actor, q, position):
                    position += 1
            elif action == "reject":
                _reject(event, actor, q, reason)
            elif action == "assign":
                _assign(event, actor, q, owner, due)
            else:
                _add_tags(event, actor, q, tags)
        except ServiceError as exc:
            skipped.append({"id": qid, "error": exc.code, "message": str(exc.message)})
            continue
        done.append(q)
    _audit(event, None, actor, f"bulk_{action}", ids=[q.id for q in done], reason=reason or None)
    db.session.commit()
    _publish(event, *done, askers=action not in ("tag", "assign"))
    return [q.id for q in done], skipped, None


# ---- the on-air queue -------------------------------------------------------------------


def queue(event):
    """Approved questions in on-air order."""
    return list(
        db.session.scalars(
            db.select(Question)
            .where(Question.event_id == event.id, Question.status == "approved")
            .order_by(Question.queue_position.is_(None), Question.queue_position, Question.id)
        )
    )


def publish_queue(event):
    payload = {"ids": [q.id for q in queue(event)]}
    broadcast("queue", payload, event.slug, "moderation")
    broadcast("queue", payload, event.slug, "chair")


def reorder(slug, actor, ids):
    """Put the approved questions in the order of ``ids`` (others keep their place after)."""
    event = get_event(slug)
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise ServiceError("invalid_order", _l("Thứ tự không hợp lệ."), status=400)
    current = queue(event)
    by_id = {q.id: q for q in current}
    ordered = [by_id[i] for i in dict.fromkeys(ids) if i in by_id]
    ordered += [q for q in current if q not in ordered]
    for position, q in enumerate(ordered, start=1):
        q.queue_position = position
    _audit(event, None, actor, "reorder", ids=[q.id for q in ordered])
    db.session.commit()
    publish_queue(event)
    return ordered


def on_air_question(event):
    return db.session.scalar(
        db.select(Question)
        .where(Question.event_id == event.id, Question.status == "on_air")
        .order_by(Question.aired_at.desc())
        .limit(1)
    )


def overlay_payload(q):
    """What overlays and phones show of the question on air (None when nothing is)."""
    if q is None:
        return {"question": None}
    site = db.session.get(Site, q.site_id) if q.site_id else None
    data = compact_many([q])[0]
    return {
        "question": {
            "id": q.id,
            "kind": q.kind,
            "text": q.text,
            "author": q.author,
            "unit": q.unit,
            "site": site.name if site else "",
            "site_code": site.code if site else "",
            "district": site.district if site else "",
            "sites": data["sites"],
            "askers": data["askers"],
        }
    }


def overlay_plain_text(q):
    if q is None:
        return ""
    site = db.session.get(Site, q.site_id) if q.site_id else None
    who = " – ".join(part for part in (q.author, q.unit, site.name if site else "") if part)
    return f"{q.text}\n{who}" if who else q.text


def _show_on_air(event, q):
    payload = overlay_payload(q)
    for audience in ("overlay", "public", "site", "chair"):
        broadcast("question_on_air", payload, event.slug, audience)
    broadcast("question_on_air", payload, event.slug, "moderation")
    overlay_text.push_text(event.slug, OBS_TEXT_SOURCE, overlay_plain_text(q))


def _taken_by_someone_else(previous, actor):
    """Who put ``previous`` on air, when that was another moderator (else None)."""
    who = _last_actor(previous.id, ("on_air",))
    return who if who is not None and who["label"] != actor.label else None


def on_air(slug, actor, qid, version=None, replace=False):
    """Put an approved question on air; the one on air before goes back to the queue.

    Replacing a question another moderator put on air needs ``replace=True`` (else 409
    ``on_air_taken`` naming them); they are told with an ``on_air_replaced`` broadcast."""
    event = get_event(slug)
    q = _load(event, qid, actor, _version(version))
    if q.status == "on_air":
        return q
    _transition(q, ("approved",))
    previous_on_air = list(
        db.session.scalars(db.select(Question).where(Question.event_id == event.id, Question.status == "on_air"))
    )
    replaced = []
    for previous in previous_on_air:
        owner = _taken_by_someone_else(previous, actor)
        if owner is not None and not replace:
            raise Conflict(
                "on_air_taken",
                _l("%(name)s đang để câu hỏi #%(id)s trên sóng. Thay thế câu đó?", name=owner["name"], id=previous.id),
                on_air=compact_one(previous),
                by=owner["name"],
            )
        if owner is not None:
            replaced.append((previous, owner))
    for previous in previous_on_air:
        previous.status = "approved"
        _touch(previous)
        _audit(event, previous.id, actor, "off_air")
    q.status, q.aired_at = "on_air", utcnow()
    _touch(q)
    _audit(event, q.id, actor, "on_air")
    db.session.commit()
    _publish(event, q, *previous_on_air)
    for previous, owner in replaced:
        broadcast(
            "on_air_replaced",
            {
                "id": previous.id,
                "by": owner["name"],
                "owner": owner["label"],
                "replaced_by": actor.name,
                "new_id": q.id,
            },
            event.slug,
            "moderation",
        )
    _show_on_air(event, q)
    publish_queue(event)
    scene = current_app.config.get("QUESTIONS_ON_AIR_SCENE")
    if scene:  # optional: cut OBS to the Q&A scene as the question goes on air
        apply_scene(event.slug, scene)
    return q


def off_air(slug, actor, qid, version=None):
    event = get_event(slug)
    q = _load(event, qid, actor, _version(version))
    _transition(q, ("on_air",))
    q.status = "approved"
    _touch(q)
    _audit(event, q.id, actor, "off_air")
    db.session.commit()
    _publish(event, q)
    _show_on_air(event, None)
    publish_queue(event)
    return q


def answered(slug, actor, qid, version=None):
    event = get_event(slug)
    q = _load(event, qid, actor, _version(version))
    _transition(q, ("on_air", "approved", "answered"))
    if q.status == "answered":
        return q
    was_on_air = q.status == "on_air"
    q.status, q.answered_at, q.queue_position = "answered", utcnow(), None
    _touch(q)
    _audit(event, q.id, actor, "answered")
    db.session.commit()
    _publish(event, q)
    if was_on_air:
        _show_on_air(event, None)
    publish_queue(event)
    return q


# ---- reading ----------------------------------------------------------------------------


def audit_log(event, qid=None, limit=200):
    stmt = db.select(QuestionAudit).where(QuestionAudit.event_id == event.id)
    if qid is not None:
        stmt = stmt.where(QuestionAudit.question_id == qid)
    rows = db.session.scalars(stmt.order_by(QuestionAudit.id.desc()).limit(limit))
    return [
        {
            "id": a.id,
            "question_id": a.question_id,
            "actor": a.actor,
            "action": a.action,
            "detail": json.loads(a.detail) if a.detail else {},
            "at": a.at.isoformat(),
        }
        for a in rows
    ]


def links_of(q):
    rows = db.session.execute(
        db.select(QuestionLink, Site)
        .outerjoin(Site, Site.id == QuestionLink.site_id)
        .where(QuestionLink.question_id == q.id)
        .order_by(QuestionLink.id)
    ).all()
    return [
        {
            "source_id": link.source_id,
            "author": link.author,
            "unit": link.unit,
            "site": site.name if site else "",
            "district": site.district if site else "",
        }
        for link, site in rows
    ]
