"""Checks shared by every socket handler: who is connected, and in which event.

``staff_event(*roles)`` wraps a handler so the role is checked again on every event
(an account deactivated mid-session loses access at once) and service errors become an
ack ``{"ok": False, "error": code, "message": text}`` instead of an exception.
"""
import functools
import logging

from server.realtime.session import connected_event
from server.services.errors import ServiceError
from server.identity import current_user

log = logging.getLogger(__name__)

_join_hooks = {}


def on_join(audience):
    """Register ``fn(event_slug, context)`` to run when a client joins ``audience``.

    The hook runs inside the connect handler; it may ``emit`` to the newcomer only.
    ``context`` carries ``site`` for site connections."""

    def decorator(fn):
        _join_hooks.setdefault(audience, []).append(fn)
        return fn

    return decorator


def run_join_hooks(audience, event_slug, **context):
    for hook in _join_hooks.get(audience, []):
        try:
            hook(event_slug, context)
        except Exception:  # a broken hook must not refuse the connection
            log.exception("join hook %s failed", getattr(hook, "__name__", hook))


def error_ack(exc):
    return {"ok": False, "error": exc.code, "message": str(exc.message)}


def staff_event(*roles):
    """Guard a staff handler: re-check the role, pass the event slug, turn errors into acks."""

    def decorator(handler):
        @functools.wraps(handler)
        def wrapped(*args):
            user = current_user()
            if user is None or (user.role != "admin" and user.role not in roles):
                return {"ok": False, "error": "forbidden", "message": "Không có quyền / Forbidden"}
            slug = connected_event()
            try:
                result = handler(slug, user, *args)
            except ServiceError as exc:
                return error_ack(exc)
            if result is None:
                return {"ok": True}
            return result

        wrapped.allowed_roles = roles
        return wrapped

    return decorator


def public_event(handler):
    """Guard an anonymous handler: pass the event slug, turn errors into acks."""

    @functools.wraps(handler)
    def wrapped(*args):
        try:
            result = handler(connected_event(), *args)
        except ServiceError as exc:
            return error_ack(exc)
        return {"ok": True} if result is None else result

    wrapped.allowed_roles = ("anonymous",)
    return wrapped
