"""Who is asking, for every transport: the logged-in user of this request or socket.

Shared by the pages (``server/web``), the REST binding and the socket binding, so none of
them imports another's module to learn who is there. A session carries the user's
``session_version`` from login; logout, a password change/reset and deactivation bump the
number, so older sessions (and copied cookies) are refused.
"""

from flask import request, session

from server.extensions import db
from server.models.user import User


def current_user():
    """The logged-in user, looked up once per request (cached on the request, not on ``g``,
    whose app context may outlive one request)."""
    cached = getattr(request, "_bridgecast_user", False)
    if cached is not False:
        return cached
    uid = session.get("uid")
    user = db.session.get(User, uid) if uid else None
    if user is not None and (not user.is_active or session.get("sv") != user.session_version):
        user = None  # deactivated, logged out elsewhere, or password changed since this session began
    request._bridgecast_user = user
    return user
