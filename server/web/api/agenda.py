"""REST for the agenda area: read the agenda, take next/an item, the timer, documents
(bearer token or session; a Stream Deck uses the same endpoints as the panel)."""
from flask import jsonify, request
from flask_babel import lazy_gettext as _l

from server.services.agenda import items as agenda
from server.services.agenda import live as agenda_live
from server.services.documents import library as documents
from server.services.errors import ServiceError
from server.services.events import get_event
from server.web.api import api_bp, json_body, token_required


@api_bp.get("/events/<slug>/agenda")
@token_required("crew", "moderator")
def agenda_get(slug):
    """Items, current and next item, drift, timer and lower third."""
    return jsonify(agenda_live.agenda_state(get_event(slug)))


@api_bp.post("/events/<slug>/agenda/next")
@token_required("crew")
def agenda_next(slug):
    """Take the next item: its cues (scene, lower third, slides, media) and its timer."""
    return jsonify(agenda_live.take_next(slug))


@api_bp.post("/events/<slug>/agenda/take")
@token_required("crew")
def agenda_take(slug):
    return jsonify(agenda_live.take_item(slug, json_body().get("item_id")))


@api_bp.put("/events/<slug>/agenda/order")
@token_required("admin")
def agenda_order(slug):
    items = agenda.reorder(slug, json_body().get("ids"))
    return jsonify({"ok": True, "ids": [i.id for i in items]})


@api_bp.post("/events/<slug>/agenda/timer")
@token_required("crew")
def agenda_timer(slug):
    """``{"action": "pause"|"resume"|"nudge"|"thresholds", "seconds": ±60, "warning_s", "danger_s"}``."""
    body = json_body()
    action = body.get("action")
    if action == "pause":
        view = agenda_live.pause_timer(slug)
    elif action == "resume":
        view = agenda_live.resume_timer(slug)
    elif action == "nudge":
        view = agenda_live.nudge_timer(slug, body.get("seconds"))
    elif action == "thresholds":
        view = agenda_live.set_thresholds(slug, body.get("warning_s"), body.get("danger_s"))
    else:
        raise ServiceError("invalid_action", _l("Thao tác không hợp lệ."), status=422)
    return jsonify({"ok": True, "timer": view})


@api_bp.get("/events/<slug>/documents")
@token_required("crew", "moderator")
def documents_get(slug):
    event = get_event(slug)
    return jsonify({"documents": [documents.document_to_dict(d, request.host_url)
                                  for d in documents.documents_of(event)]})
