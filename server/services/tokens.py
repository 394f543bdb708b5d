"""Random identifiers: unguessable site tokens and short document codes."""

import secrets

_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud and typed from paper


def site_token():
    """192 random bits, URL-safe: a bridge point's secret link."""
    return secrets.token_urlsafe(24)


def short_code(length=7):
    """A short, unambiguous code for a stable link (document QR codes)."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))
