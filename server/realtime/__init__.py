"""Socket.IO: who may connect where, what a newcomer is sent, and the commands' events.

``connections`` admits clients to their namespace and rooms; each area module adds ``on_join``
hooks (the current state for a newcomer) and ``disconnect`` handlers; ``commands`` binds every
declared command to its event. The list is explicit.
"""

import importlib

MODULES = ("connections", "obs", "agenda", "bridges", "questions", "commands")


def register_namespaces(socketio):
    for name in MODULES:
        module = importlib.import_module(f"{__name__}.{name}")  # importing registers its on_join hooks
        if hasattr(module, "register"):  # disconnect handlers, the commands' events
            module.register(socketio)
