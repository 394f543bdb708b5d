"""``python -m server``: the embedded server (Socket.IO's own runner).

Monkey patching happens here, first, before anything imports sockets or threads.
``BRIDGECAST_ASYNC_MODE`` picks gevent (default), eventlet or threading. gevent is the default:
eventlet is in bugfix-only maintenance (Flask and python-socketio advise gevent) and our bench is
steadier under gevent; eventlet stays supported and tested.
"""

import os

ASYNC_MODE = os.environ.get("BRIDGECAST_ASYNC_MODE", "gevent").strip().lower()
if ASYNC_MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()
elif ASYNC_MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()


def main():
    from server import create_app, start_background_services
    from server.extensions import socketio

    app = create_app({"ASYNC_MODE": ASYNC_MODE})
    start_background_services(app)
    host, port = app.config["HOST"], app.config["PORT"]
    print(f"Bridgecast on http://{host}:{port} ({ASYNC_MODE})", flush=True)
    kwargs = {"host": host, "port": port, "use_reloader": False, "log_output": False}
    if ASYNC_MODE == "eventlet":
        # eventlet.wsgi serves at most 1024 connections by default; each websocket holds one.
        kwargs["max_size"] = 20000
    if ASYNC_MODE == "threading":
        kwargs["allow_unsafe_werkzeug"] = True
    socketio.run(app, **kwargs)


if __name__ == "__main__":
    main()
