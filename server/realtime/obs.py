"""OBS control over Socket.IO, namespace ``/crew``.

Who emits: the control panel (crew or admin; the role is re-checked on every event by
``staff_event``). Each handler calls the OBS service and acks ``{"ok": true, ...}`` or
``{"ok": false, "error": code, "message": text}``. What is broadcast: ``obs_state``
(``{"event", "diff"}``, the full snapshot on join) and ``obs_thumbnails`` to the event's
crew room, by the OBS runtime.
"""
from flask import current_app, request
from flask_socketio import emit

from server.realtime.guard import on_join, staff_event
from server.services.obs.runtime import obs_runtime, run_command
from server.services.obs.scene_pack import apply_scene_pack, load_scene_pack


def _payload(args):
    return args[0] if args and isinstance(args[0], dict) else {}


def _ok(result=None):
    out = {"ok": True}
    out.update(result or {})
    return out


@on_join("crew")
def send_obs_state(event_slug, context):
    """A newcomer on the crew namespace gets the full OBS snapshot at once."""
    emit("obs_state", {"event": event_slug, "diff": obs_runtime().state(event_slug), "full": True})


def _command(fn):
    """Wrap ``fn(conn, payload)`` as a crew socket handler."""

    @staff_event("crew")
    def handler(slug, user, *args):
        payload = _payload(args)
        return _ok(run_command(slug, lambda conn: fn(conn, payload)))

    handler.__name__ = fn.__name__
    return handler


@_command
def obs_take_scene(conn, p):
    """Put a scene on program directly."""
    return conn.set_program_scene(p.get("scene"))


@_command
def obs_set_preview(conn, p):
    return conn.set_preview_scene(p.get("scene"))


@_command
def obs_studio_mode(conn, p):
    return conn.set_studio_mode(bool(p.get("enabled")))


@_command
def obs_take(conn, p):
    return conn.take()


@_command
def obs_cut(conn, p):
    return conn.cut(p.get("scene"))


@_command
def obs_transition(conn, p):
    return conn.set_transition(p.get("name"), p.get("duration"))


@_command
def obs_stream(conn, p):
    return conn.stream(p.get("action"))


@_command
def obs_record(conn, p):
    return conn.record(p.get("action"))


@_command
def obs_stream_target(conn, p):
    return {"target": conn.set_stream_target(p.get("server"), p.get("key"))}


@_command
def obs_mute(conn, p):
    return conn.set_mute(p.get("input"), bool(p.get("muted")))


@_command
def obs_media(conn, p):
    return conn.media(p.get("input"), p.get("action"))


@_command
def obs_text(conn, p):
    return conn.set_text(p.get("input"), p.get("text"))


@_command
def obs_state_request(conn, p):
    return {"state": conn.state}


@staff_event("crew")
def obs_apply_scene_pack(slug, user, *args):
    """Create the congress scenes and sources that are missing; returns the report."""
    payload = _payload(args)
    name = payload.get("pack") or "congress"
    base = current_app.config.get("PUBLIC_URL") or request.host_url.rstrip("/")
    try:
        pack = load_scene_pack(name)
    except (ValueError, OSError):
        from server.services.obs.errors import ObsError
        from server.services.obs.runtime import current_lang

        return {"ok": False, **ObsError("obs_invalid", detail="pack").to_dict(current_lang())}
    report = run_command(slug, lambda conn: apply_scene_pack(conn, pack, base_url=base, slug=slug))
    return _ok({"report": report})


@staff_event("crew")
def obs_watch_thumbnails(slug, user, *args):
    """The panel says which scenes it shows; thumbnails flow while someone watches."""
    scenes = _payload(args).get("scenes") or []
    if not isinstance(scenes, list):
        scenes = []
    obs_runtime().watch(slug, request.sid, scenes)
    return {"ok": True}


@staff_event("crew")
def obs_unwatch_thumbnails(slug, user, *args):
    obs_runtime().unwatch(slug, request.sid)
    return {"ok": True}


HANDLERS = [obs_take_scene, obs_set_preview, obs_studio_mode, obs_take, obs_cut, obs_transition,
            obs_stream, obs_record, obs_stream_target, obs_mute, obs_media, obs_text,
            obs_apply_scene_pack, obs_watch_thumbnails, obs_unwatch_thumbnails]


def register(socketio):
    for handler in HANDLERS:
        socketio.on_event(handler.__name__, handler, namespace="/crew")
    socketio.on_event("obs_state", obs_state_request, namespace="/crew")
