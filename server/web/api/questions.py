"""REST for live questions (DESIGN.md §5): anonymous submission and status, and the
moderator's list and decisions for scripts and Stream Decks."""
from flask import g, jsonify, request
from flask_babel import lazy_gettext as _l

from server.extensions import db
from server.models.event import Event
from server.models.question import Question
from server.services import questions as qs
from server.services import questions_moderation as mod
from server.services import questions_search as search
from server.services.errors import NotFound
from server.services.events import get_event
from server.web.api import api_bp, json_body, token_required
from server.web.security import current_user


@api_bp.post("/questions")
def submit_question():
    """Anonymous: 201 ``{id, status}`` when stored, 200 with the same id for a repeated client_id."""
    data = json_body()
    question, created = qs.submit(data, device_id=request.headers.get("X-Device-Id", ""),
                                  address=request.remote_addr or "")
    return jsonify({"id": question.id, "status": question.status, "client_id": question.client_id}), \
        201 if created else 200


@api_bp.get("/events/<slug>/questions/status")
def question_statuses(slug):
    """Anonymous polling fallback: ``?ids=a,b`` (client ids) → each submission's status for its asker."""
    event = get_event(slug)
    ids = [i for i in request.args.get("ids", "").split(",") if i][:50]
    return jsonify({"statuses": qs.statuses_for(event, ids)})


@api_bp.get("/events/<slug>/questions")
@token_required("moderator")
def list_questions(slug):
    """``?status=&q=&kind=&site=&district=&tag=&agenda_item=&offset=&limit=`` → a page of questions."""
    event = get_event(slug)
    args = request.args
    filters = {k: args.get(k) for k in ("status", "kind", "site", "district", "tag", "agenda_item", "q")}
    try:
        offset, limit = int(args.get("offset", 0)), int(args.get("limit", 100))
    except ValueError:
        offset, limit = 0, 100
    items, total = search.search(event, offset=offset, limit=limit, order=args.get("order", "new"), **filters)
    return jsonify({"total": total, "questions": qs.compact_many(items)})


def _actor():
    user = current_user()
    if user is not None and g.api_actor.startswith("user:"):
        return mod.Actor.from_user(user)
    return mod.Actor(label=g.api_actor)


def _optional_body():
    return json_body() if request.content_length else {}


@api_bp.post("/questions/<int:qid>/<action>")
@token_required("moderator")
def decide(qid, action):
    """``approve`` / ``reject`` (``{"reason"}``) / ``on-air`` / ``off-air`` / ``answered``; ``{"version"}`` optional."""
    data = _optional_body()
    q = db.session.get(Question, qid)
    if q is None:
        raise NotFound("question_not_found", _l("Không tìm thấy câu hỏi."))
    slug = db.session.get(Event, q.event_id).slug
    version = data.get("version")
    calls = {
        "approve": lambda: mod.approve(slug, _actor(), qid, version),
        "reject": lambda: mod.reject(slug, _actor(), qid, data.get("reason", ""), version),
        "on-air": lambda: mod.on_air(slug, _actor(), qid, version),
        "off-air": lambda: mod.off_air(slug, _actor(), qid, version),
        "answered": lambda: mod.answered(slug, _actor(), qid, version),
    }
    if action not in calls:
        raise NotFound("unknown_action", _l("Thao tác không tồn tại."))
    q = calls[action]()
    return jsonify(qs.compact_one(q))
