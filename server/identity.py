"""Who is asking, for every transport: the logged-in user of this request or socket.

Shared by the pages (``server/web``), the REST binding and the socket binding, so none of
them imports another's module to learn who is there.
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
    if user is not None and (not user.is_active or session.get("pw") != user.password_hash[-12:]):
        user = None  # deactivated or password changed since login
    request._bridgecast_user = user
    return user
