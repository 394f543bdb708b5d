"""REST for slides (``/slides``), not yet moved onto commands (bearer token or session).

The agenda, timer, lower third and documents routes are declared as commands in
``server/services/agenda/commands.py`` and ``server/services/documents/commands.py``."""
from flask import jsonify
from flask_babel import lazy_gettext as _l

from server.services.slides import decks as slides
from server.services.errors import ServiceError
from server.services.events import get_event
from server.web.api import api_bp, json_body, token_required


@api_bp.get("/events/<slug>/slides")
@token_required("crew")
def slides_get(slug):
    event = get_event(slug)
    return jsonify({"decks": [slides.deck_to_dict(d) for d in slides.decks_of(event)],
                    "current": slides.slide_state(event)})


@api_bp.post("/events/<slug>/slides/<action>")
@token_required("crew")
def slides_move(slug, action):
    """``next``, ``prev``, or ``goto`` with ``{"index": n, "deck_id"?: id}``."""
    if action == "next":
        return jsonify(slides.show(slug, delta=1))
    if action == "prev":
        return jsonify(slides.show(slug, delta=-1))
    if action == "goto":
        body = json_body()
        return jsonify(slides.show(slug, deck_id=body.get("deck_id"), index=body.get("index")))
    raise ServiceError("invalid_action", _l("Thao tác không hợp lệ."), status=404)
