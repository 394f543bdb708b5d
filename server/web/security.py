"""Who is asking: the session user, role checks for views, and security headers.

``current_user()`` is the logged-in User or None. ``role_required`` guards views;
API views use ``server.web.api.token_required`` instead.
"""

import functools

from flask import abort, current_app, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l

from server.identity import current_user  # noqa: F401  (re-exported for views)

ROLE_LABELS = {"admin": _l("Quản trị viên"), "crew": _l("Tổ kỹ thuật"), "moderator": _l("Ban biên tập câu hỏi")}

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; font-src 'self' data:; "
    "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'self'"
)


def login_session(user):
    """A fresh session for ``user`` (only the language choice is kept)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session["uid"] = user.id
    session["role"] = user.role
    session["sv"] = user.session_version
    session.permanent = True


def role_required(*roles):
    """Allow the view only to logged-in users with one of ``roles`` (admin always passes)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if user.role != "admin" and user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator


def init_security(app):
    if app.config.get("PROXY_FIX"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        if current_app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    @app.context_processor
    def _inject_user():
        return {"current_user": current_user(), "role_label": role_label}


def role_label(role):
    """The role's name in the user's language."""
    return str(ROLE_LABELS.get(role, role))
