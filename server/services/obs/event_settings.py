"""Storing an event's OBS connection settings (host, port, write-only password).

Owns validation and persistence of ``Event.obs_url``/``Event.obs_password``; after a save the
event's supervised connection is rebuilt. The password is never returned, logged or rendered:
``public_settings`` only says whether one is set. It is stored sealed (Fernet, key from
SECRET_KEY: ``server/services/secrets.py``).
"""

import re

from flask_babel import lazy_gettext as _l

from server.extensions import db
from server.services.errors import ServiceError
from server.services.secrets import seal

HOST_RE = re.compile(r"^[A-Za-z0-9.\-:\[\]]{1,253}$")


def public_settings(event, default=None):
    """What the admin page may show: host, port, password set or not, env default in use."""
    if event.obs_url:
        from .settings import ObsSettings

        s = ObsSettings.from_url(event.obs_url)
        return {"host": s.host, "port": s.port, "password_set": bool(event.obs_password), "uses_default": False}
    return {
        "host": "",
        "port": 4455,
        "password_set": False,
        "uses_default": True,
        "default_url": default.url if default else None,
    }


def save_event_obs(event, host, port, password=None, clear_password=False):
    """Set or clear (empty host) the event's OBS connection; an empty password keeps the old one."""
    host = (host or "").strip()
    if not host:
        event.obs_url = None
        event.obs_password = None
        db.session.commit()
        return event
    if not HOST_RE.match(host) or "//" in host:
        raise ServiceError("invalid_obs_host", _l("Địa chỉ OBS không hợp lệ."), status=422)
    try:
        port = int(port or 4455)
    except (TypeError, ValueError):
        port = 0
    if not 1 <= port <= 65535:
        raise ServiceError("invalid_obs_port", _l("Cổng OBS không hợp lệ (1–65535)."), status=422)
    if password is not None and len(password) > 300:
        raise ServiceError("invalid_obs_password", _l("Mật khẩu quá dài."), status=422)
    event.obs_url = f"ws://{host}:{port}"
    if clear_password:
        event.obs_password = None
    elif password:
        event.obs_password = seal(password)
    db.session.commit()
    return event
