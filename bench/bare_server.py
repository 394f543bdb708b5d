"""A bare python-socketio server doing only the transport of the question scenario:
``POST /api/v1/questions`` → ack 201 and ``question_new`` to the moderators' room, the same
over the socket (``submit_question`` on ``/public`` → ack and ``question_new``), and
``/public``, ``/moderation``, ``/overlay``, ``/site`` namespaces that accept everyone.
The efficiency baseline: Bridgecast's throughput is compared with this one's.

``python -m bench.bare_server PORT eventlet|gevent``
"""

import sys

MODE = sys.argv[2] if len(sys.argv) > 2 else "eventlet"
if MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()
else:
    from gevent import monkey

    monkey.patch_all()

import itertools  # noqa: E402
import json  # noqa: E402

import socketio  # noqa: E402

sio = socketio.Server(async_mode=MODE, ping_interval=10, ping_timeout=20)
ids = itertools.count(1)
seen = {}


def _join(room):
    def on_connect(sid, environ, auth=None):
        sio.enter_room(sid, room, namespace="/" + room)

    return on_connect


for ns in ("public", "moderation", "overlay", "site"):
    sio.on("connect", _join(ns), namespace="/" + ns)
sio.on("site_heartbeat", lambda sid, data=None: {"state": "online"}, namespace="/site")


def _store(data):
    """``(id, created)`` for a submission; a new one goes to the moderators."""
    cid = data["client_id"]
    created = cid not in seen
    if created:
        seen[cid] = next(ids)
        sio.emit(
            "question_new",
            {"id": seen[cid], "text": data["text"], "status": "pending"},
            to="moderation",
            namespace="/moderation",
        )
    return seen[cid], created


@sio.on("submit_question", namespace="/public")
def submit_question(sid, data):
    qid, _created = _store(data)
    return {"ok": True, "id": qid, "status": "pending", "client_id": data["client_id"]}


def app(environ, start_response):
    if environ["PATH_INFO"] == "/healthz":
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"status":"ok"}']
    if environ["PATH_INFO"] == "/api/v1/questions" and environ["REQUEST_METHOD"] == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        data = json.loads(environ["wsgi.input"].read(length))
        qid, created = _store(data)
        start_response("201 CREATED" if created else "200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"id": qid, "status": "pending"}).encode()]
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]


wsgi = socketio.WSGIApp(sio, app)

if __name__ == "__main__":
    port = int(sys.argv[1])
    if MODE == "eventlet":
        eventlet.wsgi.server(eventlet.listen(("127.0.0.1", port)), wsgi, log_output=False, max_size=10000)
    else:
        from gevent import pywsgi
        from geventwebsocket.handler import WebSocketHandler

        pywsgi.WSGIServer(("127.0.0.1", port), wsgi, handler_class=WebSocketHandler, log=None).serve_forever()
