"""Bridgecast: the control room for a livestreamed, hybrid congress.

This package imports nothing at module level, so that ``python -m server`` can monkey-patch
(eventlet/gevent) before Flask, sockets or threads are imported. ``create_app`` and
``start_background_services`` live in ``server.app`` and are re-exported lazily.
"""

__all__ = ["create_app", "start_background_services"]


def __getattr__(name):
    if name in __all__:
        from server import app

        return getattr(app, name)
    raise AttributeError(f"module 'server' has no attribute {name!r}")
