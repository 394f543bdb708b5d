"""The real server starts under every supported async server and speaks Socket.IO:
``python -m server`` with eventlet and gevent, and gunicorn's eventlet and gevent workers."""

import json
import os
import sys
import urllib.request

import pytest

from tests.support.sio import connect_once

GUNICORN = os.path.join(os.path.dirname(sys.executable), "gunicorn")

pytestmark = pytest.mark.slow


def _gunicorn(worker):
    return lambda port: [GUNICORN, "-k", worker, "-w", "1", "-b", f"127.0.0.1:{port}", "server.wsgi:app"]


@pytest.mark.parametrize(
    "async_mode,command",
    [
        ("eventlet", None),
        ("gevent", None),
        ("eventlet", _gunicorn("eventlet")),
        ("gevent", _gunicorn("gevent")),
    ],
    ids=["embedded-eventlet", "embedded-gevent", "gunicorn-eventlet", "gunicorn-gevent"],
)
def test_server_answers_health_and_socketio(tmp_path, async_mode, command):
    from tests.support.processes import ServerProcess

    server = ServerProcess(tmp_path, async_mode=async_mode)
    if command is not None:
        server.command = command(server.port)
    server.start()
    try:
        with urllib.request.urlopen(server.url + "/healthz", timeout=5) as response:
            health = json.loads(response.read())
        assert health["status"] == "ok" and health["db"] == "ok"
        assert health["async_mode"] == async_mode
        # A browser-like client: long-polling first, then the upgrade to websocket.
        transport, joined = connect_once(server.url, "/public", {"event": "demo-plenary"})
        assert joined and transport == "websocket", server.log()[-2000:]
        # A websocket-only client (no polling handshake).
        transport, joined = connect_once(server.url, "/overlay", {"event": "demo-plenary"}, transports=["websocket"])
        assert joined and transport == "websocket", server.log()[-2000:]
        assert "Traceback" not in server.log()
    finally:
        server.stop()
