"""The REST API under ``/api/v1``: one blueprint, bearer tokens, JSON errors.

Each module of this package adds its routes to ``api_bp``. ``token_required`` accepts a
bearer token, or a logged-in browser session (with the CSRF header on writes), so the
pages' scripts and a Stream Deck use the same endpoints.
"""

import functools
import importlib
import json

from flask import Blueprint, current_app, g, request
from flask_babel import lazy_gettext as _l

from server.extensions import csrf, db
from server.identity import current_user
from server.models.base import utcnow
from server.services.accounts.users import token_role
from server.services.errors import ServiceError

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(api_bp)


# REST routes that are not commands (the API description, file downloads), then the commands' routes.
API_MODULES = ("openapi", "downloads", "commands")


def load_api_modules():
    for name in API_MODULES:
        importlib.import_module(f"{__name__}.{name}")


def _bearer():
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return None


def authenticate(roles):
    """Check the bearer token (or the session, with CSRF on writes) against ``roles``; admin always
    passes. Sets ``g.api_role``/``g.api_actor`` and returns the role and the logged-in user (if any)."""
    plain = _bearer()
    user = None
    if plain is not None:
        token = token_role(plain)
        if token is None:
            raise ServiceError("invalid_token", _l("Mã truy cập không hợp lệ hoặc đã bị thu hồi."), status=401)
        role = token.role
        token.last_used_at = utcnow()
        db.session.commit()
        g.api_actor = f"token:{token.prefix}"
    else:
        user = current_user()
        if user is None:
            raise ServiceError("unauthorized", _l("Cần đăng nhập hoặc mã truy cập hợp lệ."), status=401)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            csrf.protect()
        role = user.role
        g.api_actor = f"user:{user.username}"
    if role != "admin" and role not in roles:
        raise ServiceError("forbidden", _l("Bạn không có quyền thực hiện thao tác này."), status=403)
    g.api_role = role
    return role, user


def token_required(*roles):
    """Require a bearer token (or a session) whose role is in ``roles``; admin always passes."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            authenticate(roles)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator


def json_body(max_bytes=None):
    """The request's JSON object, or a clear 4xx: wrong type, too large, malformed."""
    limit = max_bytes or current_app.config["JSON_MAX_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        raise ServiceError("too_large", _l("Dữ liệu gửi lên quá lớn."), status=413)
    if not request.mimetype or request.mimetype != "application/json":
        raise ServiceError(
            "unsupported_media_type", _l("Cần gửi dữ liệu dạng JSON (Content-Type: application/json)."), status=415
        )
    raw = request.stream.read(limit + 1) if request.content_length is None else request.get_data(cache=True)
    if len(raw) > limit:
        raise ServiceError("too_large", _l("Dữ liệu gửi lên quá lớn."), status=413)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: "[[[[..." nested too deep
        raise ServiceError("invalid_json", _l("Dữ liệu JSON không hợp lệ."), status=400) from None
    if not isinstance(data, dict):
        raise ServiceError("invalid_json", _l("Dữ liệu phải là một đối tượng JSON."), status=400)
    return data
