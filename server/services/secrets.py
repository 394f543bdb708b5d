"""Secrets at rest: ``seal(text)`` encrypts a value for the database, ``unseal(text)`` gives
it back. Used for OBS passwords (and stream keys).

Fernet (AES-128-CBC + HMAC-SHA256) with a key derived from the app's ``SECRET_KEY`` by
HKDF-SHA256, so a copied database file alone does not reveal the secrets. Sealed values carry
the prefix ``fernet:``; ``unseal`` returns an unprefixed (legacy plaintext) value unchanged, and
``seal`` leaves an already sealed value alone, so migrations can run twice. Changing
``SECRET_KEY`` makes sealed values unreadable (``unseal`` then returns ``""`` and logs a warning:
the admin re-enters them).
"""

import base64
import logging

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

log = logging.getLogger(__name__)

PREFIX = "fernet:"
_INFO = b"bridgecast secrets at rest v1"


def key_from(secret_key):
    """The Fernet key for a given SECRET_KEY (urlsafe base64 of 32 HKDF bytes)."""
    if not secret_key:
        raise RuntimeError("SECRET_KEY is not set: secrets cannot be sealed")
    raw = secret_key.encode("utf-8") if isinstance(secret_key, str) else bytes(secret_key)
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(raw)
    return base64.urlsafe_b64encode(derived)


def _fernet(secret_key=None):
    if secret_key is None:
        from flask import current_app

        secret_key = current_app.config["SECRET_KEY"]
    return Fernet(key_from(secret_key))


def is_sealed(value):
    return isinstance(value, str) and value.startswith(PREFIX)


def seal(text, secret_key=None):
    """Encrypt ``text`` for storage; ``None``/empty stay as they are, sealed values too."""
    if not text or is_sealed(text):
        return text
    return PREFIX + _fernet(secret_key).encrypt(text.encode("utf-8")).decode("ascii")


def unseal(value, secret_key=None):
    """The plaintext of a stored value (legacy plaintext passes through)."""
    if not value or not is_sealed(value):
        return value
    try:
        return _fernet(secret_key).decrypt(value[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        log.warning("a sealed secret cannot be read with this SECRET_KEY; re-enter it")
        return ""
