"""Storing an event's OBS connection settings (host, port, write-only password), for the primary
OBS and for the standby (backup) one.

Owns validation and persistence of ``Event.obs_url``/``Event.obs_password`` and of the standby's
``Event.obs_backup_url``/``Event.obs_backup_password``/``standby_auto_after_s``; after a save the
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


def checked_url(host, port, password=None):
    """``ws://host:port`` from a form's host and port (422 on a bad host, port or password)."""
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
    return f"ws://{host}:{port}"


def save_event_obs(event, host, port, password=None, clear_password=False):
    """Set or clear (empty host) the event's OBS connection; an empty password keeps the old one."""
    host = (host or "").strip()
    if not host:
        event.obs_url = None
        event.obs_password = None
        db.session.commit()
        return event
    event.obs_url = checked_url(host, port, password)
    if clear_password:
        event.obs_password = None
    elif password:
        event.obs_password = seal(password)
    db.session.commit()
    return event


AUTO_MAX_S = 600


def public_backup_settings(event):
    """The standby OBS as the admin page and the API may show it: never the password."""
    if not event.obs_backup_url:
        return {
            "configured": False,
            "host": "",
            "port": 4455,
            "password_set": False,
            "auto_after_s": event.standby_auto_after_s,
        }
    from .settings import ObsSettings

    s = ObsSettings.from_url(event.obs_backup_url)
    return {
        "configured": True,
        "host": s.host,
        "port": s.port,
        "password_set": bool(event.obs_backup_password),
        "auto_after_s": event.standby_auto_after_s,
    }


def save_event_backup(event, host, port, password=None, clear_password=False, auto_after_s=None):
    """Set or clear (empty host) the event's standby OBS; an empty password keeps the old one.
    ``auto_after_s`` (1–600, None or 0 = off): switch to it by itself when the primary is lost
    that long while live."""
    host = (host or "").strip()
    try:
        auto = int(auto_after_s or 0)
    except (TypeError, ValueError):
        auto = -1
    if not 0 <= auto <= AUTO_MAX_S:
        raise ServiceError(
            "invalid_standby_auto", _l("Thời gian tự chuyển phải từ 1 đến %(max)s giây.", max=AUTO_MAX_S), status=422
        )
    event.standby_auto_after_s = auto or None
    if not host:
        event.obs_backup_url = None
        event.obs_backup_password = None
        event.obs_on_air = "primary"  # no standby, nothing else to be on air
        db.session.commit()
        return event
    url = checked_url(host, port, password)
    if url == event.obs_url:
        raise ServiceError(
            "standby_same_as_primary", _l("OBS dự phòng phải là một máy OBS khác với OBS chính."), status=422
        )
    event.obs_backup_url = url
    if clear_password:
        event.obs_backup_password = None
    elif password:
        event.obs_backup_password = seal(password)
    db.session.commit()
    return event
