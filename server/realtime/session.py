"""What a socket connection joined, kept per namespace.

Flask-SocketIO keeps one session per Engine.IO connection, shared by every namespace it joins:
a client on ``/public`` of one event and ``/site`` of another must not act on the wrong one,
so everything is stored under the namespace's own key.
"""

from flask import request, session


def _key(name):
    return f"{name}@{request.namespace}"


def remember(event_slug, site=None):
    session[_key("event_slug")] = event_slug
    if site is not None:
        session[_key("site_id")] = site.id
        session[_key("site_token")] = site.token


def remember_device(device_id):
    """A phone's self-chosen device id (``auth={"device": ...}``), for the per-device rate limits
    of what it submits over this connection (HTTP sends it as ``X-Device-Id``)."""
    if isinstance(device_id, str) and device_id:
        session[_key("device_id")] = device_id[:64]


def connected_device():
    return session.get(_key("device_id"), "")


def connected_event():
    """The slug of the event this socket joined on this namespace."""
    return session.get(_key("event_slug"))


def connected_site():
    """``(site_id, token)`` of a site phone's connection on this namespace."""
    return session.get(_key("site_id")), session.get(_key("site_token"))
