"""A real server killed (SIGKILL) under 200 beating sites and started again on the same port and
database: every site reconnects with a jittered back-off and is back, none is swept offline
(the restart grace waits for the returns), a check-in resent after reconnecting is still one
check-in, and a site that died with the server is swept offline once the returns have settled."""

import asyncio
import os
import random
import sqlite3
import time
from datetime import UTC, datetime

import pytest
import socketio

from tests.support.processes import ServerProcess
from tests.support.sio import run_async

pytestmark = pytest.mark.slow
EVENT = "demo-national"
SITES = 200
BEAT_S, OFFLINE_S = 1.0, 4.0


class _PageClient(socketio.AsyncClient):
    """Reconnects wait for the server as a browser does (20 s), not python-socketio's 1 s."""

    async def connect(self, *args, wait_timeout=20, **kwargs):
        return await super().connect(*args, wait_timeout=wait_timeout, **kwargs)


def _tokens(db_path, n):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT s.id, s.token FROM sites s JOIN events e ON e.id = s.event_id "
            "WHERE e.slug = ? AND s.is_active = 1 AND s.last_beat_at IS NULL ORDER BY s.id LIMIT ?",
            (EVENT, n),
        ).fetchall()


def _logs(db_path, after_id):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT site_id, kind, detail, at FROM site_logs WHERE id > ? ORDER BY id", (after_id,)
        ).fetchall()


class Site:
    """One bridge-point phone: checks in once, beats every BEAT_S, reconnects (1–3 s, jittered);
    after a reconnect it resends its check-in (same client id: its ack was lost) and beats."""

    def __init__(self, url, site_id, token, reconnect=True):
        self.url, self.id, self.token = url, site_id, token
        self.client = _PageClient(
            reconnection=reconnect, reconnection_delay=2.0, reconnection_delay_max=3.0, randomization_factor=1.0
        )
        self.connects, self.back_at, self.stop = 0, None, False
        self.check_in = {"video_ok": True, "audio_ok": True, "client_id": f"ci-{site_id}"}

        @self.client.on("connect", namespace="/site")
        async def _connected():
            self.connects += 1

    async def run(self):
        await self.client.connect(self.url, namespaces=["/site"], auth={"token": self.token}, transports=["websocket"])
        await self.client.call("site_check_in", self.check_in, namespace="/site", timeout=20)
        seen = self.connects
        await asyncio.sleep(random.random() * BEAT_S)
        while not self.stop:
            try:
                if self.connects > seen:  # reconnected: the check-in again, then a beat the server takes
                    await self.client.call("site_check_in", self.check_in, namespace="/site", timeout=20)
                    await self.client.call("site_heartbeat", {"state": "ok"}, namespace="/site", timeout=20)
                    seen, self.back_at = self.connects, time.time()
                elif self.client.connected:
                    await self.client.emit("site_heartbeat", {"state": "ok"}, namespace="/site")
            except Exception:  # the server is down: the next round tries again
                pass
            await asyncio.sleep(BEAT_S)
        await self.client.disconnect()


def test_a_restart_under_200_sites_brings_every_site_back_and_raises_only_the_true_alarm(tmp_path):
    env = {
        "BRIDGECAST_HEARTBEAT_S": str(BEAT_S),
        "BRIDGECAST_OFFLINE_S": str(OFFLINE_S),
        "BRIDGECAST_OBS_AUTOSTART": "0",
        "BRIDGECAST_LOG_LEVEL": "WARNING",
        "BRIDGECAST_SOCKET_ADDRESS_EVENT_RATE": "1000000/5",
    }
    server = ServerProcess(tmp_path, env=env).start(timeout=120)
    db_path = os.path.join(str(tmp_path), "server.db")
    rows = _tokens(db_path, SITES + 1)
    assert len(rows) == SITES + 1
    sites = [Site(server.url, i, t) for i, t in rows[:SITES]]
    dead = Site(server.url, *rows[SITES], reconnect=False)  # dies with the server

    async def scenario():
        tasks = [asyncio.ensure_future(s.run()) for s in [*sites, dead]]
        deadline = time.monotonic() + 30
        while sum(s.client.connected for s in sites) < SITES and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        await asyncio.sleep(3 * BEAT_S)  # every site checked in and beating (online)
        with sqlite3.connect(db_path) as conn:
            mark = conn.execute("SELECT MAX(id) FROM site_logs").fetchone()[0]
        t_kill = time.time()
        await asyncio.to_thread(server.kill)
        await asyncio.to_thread(server.start, 120)
        t_up = time.time()
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            offline = [r for r in _logs(db_path, mark) if r[0] == dead.id and "→ offline" in r[2]]
            if all(s.back_at for s in sites) and offline:
                break
            await asyncio.sleep(0.5)
        await asyncio.sleep(2 * BEAT_S)  # one more sweep or two: a late false alarm would show
        for s in [*sites, dead]:
            s.stop = True
        await asyncio.gather(*tasks, return_exceptions=True)
        return mark, t_kill, t_up

    try:
        mark, t_kill, t_up = run_async(scenario())
    finally:
        server.stop()
    not_back = [s.id for s in sites if not s.back_at or s.back_at < t_kill]
    assert not_back == [], f"{len(not_back)} sites not back"
    logs = _logs(db_path, mark)
    false_offline = {r[0] for r in logs if "→ offline" in r[2]} & {s.id for s in sites}
    assert false_offline == set()
    dead_offline = [r for r in logs if r[0] == dead.id and "→ offline" in r[2]]
    assert len(dead_offline) == 1  # the true alarm, once
    last_return = max(s.back_at for s in sites)
    offline_at = dead_offline[0][3]
    with sqlite3.connect(db_path) as conn:
        check_ins = dict(
            conn.execute("SELECT site_id, COUNT(*) FROM site_logs WHERE kind = 'check_in' GROUP BY site_id").fetchall()
        )
    offline_s = datetime.fromisoformat(str(offline_at)).replace(tzinfo=UTC).timestamp()
    # not before the grace's minimum, and only once the returns had settled
    assert offline_s >= t_up + OFFLINE_S - 1
    assert offline_s >= last_return + OFFLINE_S - 2
    assert all(check_ins.get(s.id) == 1 for s in sites), "a resent check-in counted twice"
