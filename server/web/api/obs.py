"""OBS over REST (``/api/v1/events/<slug>/obs...``) for scripts and a Stream Deck (Companion).

Bearer token with role crew (admin passes). Errors are ``{"error", "message"}`` in the
request's language; 503 while OBS is down, not configured or refused our password.
"""
from flask import current_app, jsonify, request

from server.services.errors import ServiceError
from server.services.events import get_event
from server.services.obs.runtime import obs_runtime, run_command
from server.services.obs.scene_pack import apply_scene_pack, load_scene_pack
from server.web.api import api_bp, json_body, token_required


def _field(body, name):
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        from flask_babel import gettext as _
        raise ServiceError("invalid", _("Thiếu trường “%(name)s”.", name=name), status=422)
    return value


def _run(slug, fn):
    get_event(slug)
    result = run_command(slug, fn)
    return jsonify({"ok": True, **(result or {})})


@api_bp.get("/events/<slug>/obs")
@token_required("crew")
def obs_state(slug):
    """The mirrored OBS state of the event (no secrets)."""
    get_event(slug)
    return jsonify(obs_runtime().state(slug))


@api_bp.post("/events/<slug>/obs/scene")
@token_required("crew")
def obs_scene(slug):
    """Put ``{"scene": name}`` on program."""
    scene = _field(json_body(), "scene")
    return _run(slug, lambda conn: conn.set_program_scene(scene))


@api_bp.post("/events/<slug>/obs/preview")
@token_required("crew")
def obs_preview(slug):
    """Put ``{"scene": name}`` on preview (studio mode)."""
    scene = _field(json_body(), "scene")
    return _run(slug, lambda conn: conn.set_preview_scene(scene))


@api_bp.post("/events/<slug>/obs/stream")
@token_required("crew")
def obs_stream(slug):
    """``{"action": "start"|"stop"}``; idempotent."""
    action = _field(json_body(), "action")
    return _run(slug, lambda conn: conn.stream(action))


@api_bp.post("/events/<slug>/obs/record")
@token_required("crew")
def obs_record(slug):
    """``{"action": "start"|"stop"}``; idempotent."""
    action = _field(json_body(), "action")
    return _run(slug, lambda conn: conn.record(action))


@api_bp.post("/events/<slug>/obs/take")
@token_required("crew")
def obs_take(slug):
    """Studio-mode TAKE (preview to program)."""
    return _run(slug, lambda conn: conn.take())


@api_bp.post("/events/<slug>/obs/cut")
@token_required("crew")
def obs_cut(slug):
    """CUT: preview to program instantly (studio mode) or to ``{"scene"}``."""
    body = json_body() if request.content_length else {}
    return _run(slug, lambda conn: conn.cut(body.get("scene")))


@api_bp.post("/events/<slug>/obs/scene-pack")
@token_required("crew")
def obs_scene_pack(slug):
    """Apply ``{"pack": "congress"}`` (default): create what is missing, report it."""
    body = json_body() if request.content_length else {}
    try:
        pack = load_scene_pack(body.get("pack") or "congress")
    except (ValueError, OSError):
        raise ServiceError("invalid", "scene pack", status=422) from None
    base = current_app.config.get("PUBLIC_URL") or request.host_url.rstrip("/")
    get_event(slug)
    report = run_command(slug, lambda conn: apply_scene_pack(conn, pack, base_url=base, slug=slug))
    return jsonify({"ok": True, "report": report})
