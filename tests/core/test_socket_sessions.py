"""Against a real server, one Engine.IO connection joined to ``/public`` of one event and then to
``/overlay`` of another: ``/public`` still acts on its own event. (Flask-SocketIO keeps one session
per Engine.IO connection; before the per-namespace keys the second join overwrote the first's event.
The in-process test client opens a fresh environ per namespace, so only a real socket shows it.)"""

import json
import urllib.request

import pytest
from websockets.sync.client import connect as ws_connect

pytestmark = pytest.mark.slow


def _submit(server, slug, client_id):
    body = json.dumps({"event": slug, "client_id": client_id, "text": "Đề nghị sửa đường liên xã"}).encode()
    request = urllib.request.Request(
        f"{server.url}/api/v1/questions", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201


def _until(ws, prefix):
    while True:
        msg = ws.recv(timeout=10)
        if msg == "2":  # Engine.IO ping
            ws.send("3")
            continue
        if msg.startswith(prefix):
            return msg[len(prefix) :]


def test_each_namespace_of_one_connection_keeps_its_own_event(live_server):
    _submit(live_server, "demo-plenary", "mine-1")
    with ws_connect(f"ws://127.0.0.1:{live_server.port}/socket.io/?EIO=4&transport=websocket") as ws:
        ws.recv(timeout=10)  # open
        ws.send('40/public,{"event":"demo-plenary"}')
        _until(ws, "40/public,")
        ws.send('40/overlay,{"event":"demo-forum"}')
        _until(ws, "40/overlay,")
        ws.send('42/public,7["follow_questions",{"client_ids":["mine-1"]}]')
        ack = json.loads(_until(ws, "43/public,7"))[0]
    assert ack["ok"] is True, ack
    assert [s["client_id"] for s in ack["statuses"]] == ["mine-1"]
