"""OBS connection settings for one event: URL parsing, env fallback, secret-safe repr.

Owns how ``ws://host:port`` + password become connection parameters. It never logs or prints
the password: ``repr`` masks it.
"""

import os
from dataclasses import dataclass, field
from urllib.parse import urlparse

from server.services.secrets import unseal

DEFAULT_PORT = 4455


@dataclass(frozen=True)
class ObsSettings:
    host: str
    port: int = DEFAULT_PORT
    password: str = field(default="", repr=False)

    @property
    def url(self):
        return f"ws://{self.host}:{self.port}"

    def public(self):
        """Safe for browsers and logs: no password, only whether one is set."""
        return {"url": self.url, "host": self.host, "port": self.port, "password_set": bool(self.password)}

    @classmethod
    def from_url(cls, url, password=""):
        """Parse ``ws://host:port`` (also ``host:port`` or ``host``); raises ValueError."""
        url = (url or "").strip()
        if not url:
            raise ValueError("empty OBS url")
        if "://" not in url:
            url = "ws://" + url
        parsed = urlparse(url)
        if parsed.scheme not in ("ws", "wss") or not parsed.hostname:
            raise ValueError("OBS url must look like ws://host:port")
        port = parsed.port or DEFAULT_PORT
        return cls(host=parsed.hostname, port=port, password=password or "")

    @classmethod
    def from_env(cls, environ=None):
        """``BRIDGECAST_OBS_URL`` / ``BRIDGECAST_OBS_PASSWORD`` or None when unset."""
        environ = os.environ if environ is None else environ
        url = environ.get("BRIDGECAST_OBS_URL", "").strip()
        if not url:
            return None
        return cls.from_url(url, environ.get("BRIDGECAST_OBS_PASSWORD", ""))


def settings_for_event(event=None, environ=None):
    """Per-event settings (``obs_url``/``obs_password`` attributes; the password is stored
    sealed, see server/services/secrets.py) else the env defaults."""
    url = getattr(event, "obs_url", None) if event is not None else None
    if url:
        return ObsSettings.from_url(url, unseal(getattr(event, "obs_password", "") or ""))
    return ObsSettings.from_env(environ)


def backup_settings_for_event(event):
    """The event's standby OBS (``obs_backup_url``/sealed ``obs_backup_password``), or None."""
    url = getattr(event, "obs_backup_url", None) if event is not None else None
    if not url:
        return None
    return ObsSettings.from_url(url, unseal(getattr(event, "obs_backup_password", "") or ""))
