"""Stream keys sealed at rest: ``seal(text)`` / ``unseal(token)``.

Temporary bridge: the shared ``server/services/secrets.py`` (Fernet from SECRET_KEY) is being
written by another engineer. When it is present it is used as is (its own key derivation and
``fernet:`` prefix); otherwise this wrapper seals with a Fernet key derived from ``SECRET_KEY``
(sha256, urlsafe base64). The fallback only runs on a branch without ``services/secrets.py``, so
no deployed database holds its tokens. Once ``services/secrets.py`` is merged this module must
collapse into it: ``destinations.py`` imports ``seal``/``unseal`` from there and this file goes.
An unreadable key is ``""`` from the shared module and ``ValueError`` here; ``destinations.key_of``
treats both as ``key_unreadable``.
"""

import base64
import hashlib

from flask import current_app

try:  # the shared implementation, when it exists
    from server.services.secrets import seal as _shared_seal  # type: ignore[import-not-found]
    from server.services.secrets import unseal as _shared_unseal  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the merge order
    _shared_seal = _shared_unseal = None


def _fernet():
    from cryptography.fernet import Fernet

    secret = current_app.config["SECRET_KEY"]
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(secret).digest()))


def seal(text):
    """The sealed (encrypted, authenticated) form of ``text``."""
    if _shared_seal is not None:
        return _shared_seal(text)
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def unseal(token):
    """The clear text of a sealed value; ValueError when it cannot be opened (SECRET_KEY changed)."""
    if _shared_unseal is not None:
        return _shared_unseal(token)
    from cryptography.fernet import InvalidToken

    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as exc:
        raise ValueError("sealed value cannot be opened") from exc
