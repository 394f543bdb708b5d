"""Socket handlers for live questions.

``/moderation`` (moderators): list and open questions, claim, decide, edit, merge, reorder,
on air; presence of the moderators looking at the event. ``/public`` (phones):
``follow_questions`` joins one room per submission so the asker gets its status live.
``/overlay``: a newcomer gets the question on air. Handlers are thin: services do the work.
"""
import threading

from flask import request
from flask_socketio import emit, join_room

from server.extensions import db
from server.models.question import Question
from server.realtime.guard import connected_event, on_join, public_event, staff_event
from server.services import questions as qs
from server.services import questions_moderation as mod
from server.services import questions_search as search
from server.services.broadcast import NAMESPACES, broadcast
from server.services.errors import ServiceError
from server.services.events import get_event

_presence = {}  # event slug -> {sid: name}; a per-process cache, rebuilt as moderators connect
_presence_lock = threading.Lock()


def _payload(data):
    return data if isinstance(data, dict) else {}


def _detailed(handler):
    """Errors with their details (e.g. the current version on a 409) in the ack."""

    def run(slug, user, data=None):
        try:
            return handler(slug, user, _payload(data))
        except ServiceError as exc:
            return {"ok": False, **exc.to_dict()}

    run.__name__ = handler.__name__
    return run


def _presence_list(slug):
    with _presence_lock:
        return sorted(set(_presence.get(slug, {}).values()))


def _publish_presence(slug):
    broadcast("presence", {"moderators": _presence_list(slug)}, slug, "moderation")


@on_join("moderation")
def _moderator_joined(event_slug, context):
    user = context.get("user")
    with _presence_lock:
        _presence.setdefault(event_slug, {})[request.sid] = (user.display_name or user.username) if user else "?"
    _publish_presence(event_slug)
    event = get_event(event_slug)
    emit("question_on_air", mod.overlay_payload(mod.on_air_question(event)))


def _moderator_left(*_args):
    slug = connected_event()
    with _presence_lock:
        removed = _presence.get(slug, {}).pop(request.sid, None)
    if removed is not None:
        _publish_presence(slug)


@on_join("overlay")
def _overlay_joined(event_slug, context):
    event = get_event(event_slug)
    emit("question_on_air", mod.overlay_payload(mod.on_air_question(event)))


def _action(name):
    """A decision handler: ``{id, version?, ...}`` → the service call → ``{ok, question}``."""
    def handler(slug, user, data):
        actor = mod.Actor.from_user(user)
        qid, version = data.get("id"), data.get("version")
        if name == "approve":
            q = mod.approve(slug, actor, qid, version)
        elif name == "reject":
            q = mod.reject(slug, actor, qid, data.get("reason", ""), version)
        elif name == "edit":
            q = mod.edit(slug, actor, qid, data.get("text"), version)
        elif name == "set_tags":
            q = mod.set_tags(slug, actor, qid, data.get("tags"), version)
        elif name == "set_agenda_item":
            q = mod.set_agenda_item(slug, actor, qid, data.get("agenda_item_id"), version)
        elif name == "on_air":
            q = mod.on_air(slug, actor, qid, version)
        elif name == "off_air":
            q = mod.off_air(slug, actor, qid, version)
        elif name == "answered":
            q = mod.answered(slug, actor, qid, version)
        elif name == "claim":
            q = mod.claim(slug, actor, qid)
        elif name == "release":
            q = mod.release(slug, actor, qid)
        else:  # pragma: no cover - names are fixed below
            raise ValueError(name)
        return {"ok": True, "question": qs.compact_one(q)}

    handler.__name__ = f"mod_{name}"
    return handler


ACTIONS = ("approve", "reject", "edit", "set_tags", "set_agenda_item", "on_air", "off_air", "answered", "claim",
           "release")


def list_questions(slug, user, data):
    """``{status, kind, site, district, tag, agenda_item, q, offset, limit, order}`` → a page."""
    event = get_event(slug)
    filters = {k: data.get(k) for k in ("status", "kind", "site", "district", "tag", "agenda_item", "q")
               if isinstance(data.get(k), (str, int)) and not isinstance(data.get(k), bool)}
    items, total = search.search(event, offset=data.get("offset", 0) if isinstance(data.get("offset"), int) else 0,
                                 limit=data.get("limit", 100) if isinstance(data.get("limit"), int) else 100,
                                 order=data.get("order") if data.get("order") in ("new", "old", "queue") else "new",
                                 **{k: str(v) for k, v in filters.items()})
    return {"ok": True, "items": qs.compact_many(items), "total": total}


def open_question(slug, user, data):
    """One question with its merged askers, audit log and similar questions."""
    event = get_event(slug)
    q = db.session.get(Question, data.get("id")) if isinstance(data.get("id"), int) else None
    if q is None or q.event_id != event.id:
        return {"ok": False, "error": "question_not_found", "message": "Không tìm thấy câu hỏi."}
    suggestions = []
    for other, score in search.similar(q):
        item = qs.compact_one(other)
        item["score"] = score
        suggestions.append(item)
    return {"ok": True, "question": qs.compact_one(q), "links": mod.links_of(q), "audit": mod.audit_log(event, q.id),
            "similar": suggestions}


def merge_questions(slug, user, data):
    q = mod.merge(slug, mod.Actor.from_user(user), data.get("target_id"), data.get("source_ids"), data.get("version"))
    return {"ok": True, "question": qs.compact_one(q)}


def reorder_queue(slug, user, data):
    ordered = mod.reorder(slug, mod.Actor.from_user(user), data.get("ids"))
    return {"ok": True, "ids": [q.id for q in ordered]}


def get_queue(slug, user, data):
    event = get_event(slug)
    return {"ok": True, "items": qs.compact_many(mod.queue(event))}


def follow_questions(slug, data=None):
    """A phone follows its submissions: ``{client_ids: [...]}`` → joins their rooms, gets statuses."""
    data = _payload(data)
    ids = data.get("client_ids")
    if not isinstance(ids, list):
        return {"ok": False, "error": "invalid_client_ids", "message": "client_ids"}
    event = get_event(slug)
    ids = [i for i in ids if isinstance(i, str) and qs.CLIENT_ID_RE.match(i)][:50]
    for client_id in ids:
        join_room(qs.asker_room(event.id, client_id), namespace=NAMESPACES["public"])
    return {"ok": True, "statuses": qs.statuses_for(event, ids)}


def register(socketio):
    ns = NAMESPACES["moderation"]
    for name in ACTIONS:
        socketio.on_event(name, staff_event("moderator")(_detailed(_action(name))), namespace=ns)
    for handler in (list_questions, open_question, merge_questions, reorder_queue, get_queue):
        socketio.on_event(handler.__name__, staff_event("moderator")(_detailed(handler)), namespace=ns)
    socketio.on_event("disconnect", _moderator_left, namespace=ns)
    socketio.on_event("follow_questions", public_event(follow_questions), namespace=NAMESPACES["public"])
