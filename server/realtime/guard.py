"""What a newcomer on a namespace is sent: the ``on_join`` hooks of every area.

Who may connect is decided in ``connections.py``; who may call what, on every event, by the
command bindings (``commands.py``). An area registers ``@on_join(audience)`` hooks here to send
a newcomer the current state (they run inside the connect handler and may ``emit`` to it only).
"""

import logging

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
