"""The overlay theme of an event, set by the admin: colour (``Event.theme_color``) and logo
(stored under ``UPLOAD_FOLDER/overlay/``, path in ``AgendaLive.logo_path``; decoded and re-encoded
in the media worker process, with its pixel, memory and time limits)."""

import os
import re
import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l

from server.extensions import db
from server.services.agenda.live_row import live_of
from server.services.broadcast import broadcast
from server.services.errors import ServiceError
from server.services.events import get_event

COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


def theme_of(event):
    live = live_of(event, create=False)
    logo = f"/overlay/{event.slug}/logo.png" if live is not None and live.logo_path else None
    return {
        "color": event.theme_color or "#c8102e",
        "logo": logo,
        "name": event.name,
        "public_drift": bool(event.public_drift),
    }


def logo_file(event):
    live = live_of(event, create=False)
    if live is None or not live.logo_path:
        return None
    return os.path.join(current_app.config["UPLOAD_FOLDER"], live.logo_path)


def set_theme(event_slug, color=None, logo=None, remove_logo=False, public_drift=None):
    """``color`` '#rrggbb'; ``logo`` image bytes (re-encoded to PNG); ``public_drift`` whether
    the public overlays show the schedule drift (None: unchanged)."""

    event = get_event(event_slug)
    if color is not None:
        if not COLOR_RE.match(color or ""):
            raise ServiceError("invalid_color", _l("Màu phải có dạng #RRGGBB."), status=422)
        event.theme_color = color.lower()
    if public_drift is not None:
        event.public_drift = bool(public_drift)
    live = live_of(event)
    if logo:
        live.logo_path = _render_logo(event, logo)
    elif remove_logo:
        live.logo_path = ""
    db.session.commit()
    if public_drift is not None:
        from server.services.agenda.state import broadcast_agenda  # the drift shown changes

        broadcast_agenda(event)
    theme = theme_of(event)
    broadcast("theme", theme, event.slug, "overlay")
    return theme


def _render_logo(event, data):
    """The uploaded logo → ``overlay/<slug>-logo.png`` via the media worker; returns the relative path."""
    from server.services.media import render, worker

    rel = os.path.join("overlay", f"{event.slug}-logo.png")
    path = os.path.join(current_app.config["UPLOAD_FOLDER"], rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    incoming = f"{path}.{secrets.token_hex(4)}.upload"
    with open(incoming, "wb") as fh:
        fh.write(data)
    try:
        worker.run(render.render_logo, incoming, f"{incoming}.png")
        os.replace(f"{incoming}.png", path)  # the old logo stays whole until the new one is ready
    except ServiceError as exc:
        if exc.code == "media_invalid":
            raise ServiceError("invalid_logo", _l("Logo phải là một tệp ảnh."), status=422) from None
        raise
    finally:
        for leftover in (incoming, f"{incoming}.png"):
            if os.path.exists(leftover):
                os.remove(leftover)
    return rel
