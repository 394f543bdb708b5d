"""Micro-benchmark of the hottest path: a site phone's quiet heartbeat (3,000+ sites every 5 s).

Runs N socket heartbeats through ``socketio.test_client`` (and N/2 HTTP heartbeats) on a
throwaway SQLite database, spread over a few sites, and prints beats per second and the mean
time of one beat. ``--binding`` replaces the heartbeat command by the plain declaration (the
binding loads and checks the Site, then ``record_beat``) to show what ``site_check="handler"``
saves.

    python -m bench.heartbeat_micro [--beats 2000] [--sites 20] [--binding]
"""

import argparse
import dataclasses
import tempfile
import time
from pathlib import Path


def plain_heartbeat():
    """The heartbeat as a plain site command: ``call.site`` loaded by the binding."""
    from server.services import commands
    from server.services.bridges import presence

    commands.load_commands()
    cmd = commands._registry.get("bridges.heartbeat")
    if cmd is None:
        raise SystemExit("--binding needs the command-based heartbeat")

    def handler(call, data):
        return {"state": presence.record_beat(call.site, data.state, data.note)["state"]}

    commands._registry["bridges.heartbeat"] = dataclasses.replace(cmd, handler=handler, site_check="binding")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--beats", type=int, default=2000)
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--binding", action="store_true")
    args = parser.parse_args()
    if args.binding:
        plain_heartbeat()

    from server import create_app
    from server.extensions import db, socketio
    from server.models.event import Event
    from server.models.site import Site
    from server.services.tokens import site_token

    tmp = Path(tempfile.mkdtemp())
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "ASYNC_MODE": "threading",
            "DEMO_SEED": False,
            "OBS_AUTOSTART": False,
            "LOG_JSON": False,
            "LOG_LEVEL": "WARNING",
            "SOCKET_EVENT_RATE": "1000000/1",
            "SOCKET_ADDRESS_EVENT_RATE": "1000000/1",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}",
            "UPLOAD_FOLDER": str(tmp),
        }
    )
    with app.app_context():
        event = Event(slug="bench", name="Bench", kind="plenary")
        db.session.add(event)
        db.session.commit()
        sites = [Site(event_id=event.id, code=f"S{n}", name=f"Site {n}", token=site_token()) for n in range(args.sites)]
        db.session.add_all(sites)
        db.session.commit()
        tokens = [s.token for s in sites]
    clients = [socketio.test_client(app, namespace="/site", auth={"token": t}) for t in tokens]
    for sio in clients:  # first beat: never_seen -> online (the full path), not measured
        assert sio.emit("site_heartbeat", {"state": "ok"}, namespace="/site", callback=True)["ok"]
    start = time.perf_counter()
    for n in range(args.beats):
        ack = clients[n % len(clients)].emit("site_heartbeat", {"state": "ok"}, namespace="/site", callback=True)
        assert ack == {"ok": True, "state": "online"}, ack
    socket_s = time.perf_counter() - start
    http = app.test_client()
    start = time.perf_counter()
    for n in range(args.beats // 2):
        response = http.post(f"/api/v1/sites/{tokens[n % len(tokens)]}/heartbeat", json={"state": "ok"})
        assert response.status_code == 200, response.get_data(as_text=True)
    http_s = time.perf_counter() - start
    label = "plain site command (binding loads the Site)" if args.binding else "as declared"
    print(
        f"heartbeat, {label}: {args.beats} socket beats in {socket_s:.2f}s = {args.beats / socket_s:.0f}/s "
        f"({socket_s / args.beats * 1e3:.3f} ms each); {args.beats // 2} HTTP beats in {http_s:.2f}s = "
        f"{args.beats / 2 / http_s:.0f}/s ({http_s / (args.beats / 2) * 1e3:.3f} ms each)"
    )


if __name__ == "__main__":
    main()
