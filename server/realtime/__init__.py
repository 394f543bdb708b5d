"""Socket.IO handlers, one module per namespace or area.

Every module here with a ``register(socketio)`` function is registered. Connection
handling (who may join which room) lives in ``connections``; area modules add event
handlers and ``on_join`` hooks that send a newcomer the current state.
"""
import importlib
import pkgutil


def register_namespaces(socketio):
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(socketio)
