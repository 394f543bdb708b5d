"""442 simulated bridge points against a real server process: every site beats over
Socket.IO; the board's counters are right; 40 sites stop and exactly those 40 show offline
within the offline threshold plus 5 s."""

import asyncio
import re
import threading
import time

import aiohttp
import pytest
import socketio

BEAT_S = 2.0
OFFLINE_S = 6.0
SLUG = "demo-forum"


async def login(http, base):
    page = await (await http.get(f"{base}/login")).text()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = await http.post(
        f"{base}/login",
        data={"username": "admin", "password": "admin-pass-123", "csrf_token": token},
        allow_redirects=False,
    )
    assert response.status == 302


class Site:
    def __init__(self, base, row):
        self.base, self.id, self.token = base, row["id"], row["token"]
        self.client = socketio.AsyncClient(reconnection=False)
        self.task = None

    async def start(self):
        await self.client.connect(
            self.base, namespaces=["/site"], auth={"token": self.token}, transports=["websocket"], wait_timeout=20
        )
        self.task = asyncio.create_task(self.beat())

    async def beat(self):
        while True:
            await self.client.emit("site_heartbeat", {"state": "ok"}, namespace="/site")
            await asyncio.sleep(BEAT_S)

    async def stop(self):
        if self.task:
            self.task.cancel()
        try:
            await asyncio.wait_for(self.client.disconnect(), 10)
        except TimeoutError:  # a site that does not say goodbye is what this test simulates anyway
            pass


async def scenario(base, report):
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        report["step"] = "login"
        await login(http, base)
        rows = (await (await http.get(f"{base}/api/v1/events/{SLUG}/sites")).json())["sites"]
        assert len(rows) == 442 and all(r["token"] for r in rows)
        cookie = "; ".join(f"{c.key}={c.value}" for c in http.cookie_jar)
        board = socketio.AsyncClient(reconnection=False)
        board_counts = []
        board.on("site_counts", lambda data: board_counts.append(data), namespace="/crew")
        await board.connect(
            base, namespaces=["/crew"], auth={"event": SLUG}, headers={"Cookie": cookie}, transports=["websocket"]
        )

        async def summary():
            return await (await http.get(f"{base}/api/v1/events/{SLUG}/sites/summary")).json()

        report["step"] = "sites connecting"
        sites = [Site(base, r) for r in rows]
        for i in range(0, len(sites), 60):
            await asyncio.gather(*(s.start() for s in sites[i : i + 60]))
        deadline = time.monotonic() + 30
        while (counts := await summary())["online"] != 442:
            assert time.monotonic() < deadline, counts
            await asyncio.sleep(0.5)
        report["online_after_s"] = round(30 - (deadline - time.monotonic()), 1)
        await asyncio.sleep(BEAT_S * 2)  # steady state: still all online
        counts = await summary()
        assert counts["online"] == 442 and counts["offline"] == 0 and counts["never_seen"] == 0
        settle = time.monotonic() + 5
        while not board_counts or board_counts[-1]["online"] != 442:
            assert time.monotonic() < settle, board_counts[-1:]
            await asyncio.sleep(0.2)

        report["step"] = "40 sites stopping"
        stopped = sites[::11][:40]
        assert len(stopped) == 40
        t0 = time.monotonic()
        await asyncio.gather(*(s.stop() for s in stopped))
        limit = OFFLINE_S + 5
        while True:
            listed = (await (await http.get(f"{base}/api/v1/events/{SLUG}/sites")).json())["sites"]
            offline = {r["id"] for r in listed if r["state"] == "offline"}
            if len(offline) >= 40:
                break
            assert time.monotonic() - t0 < limit, f"{len(offline)} offline after {limit}s"
            await asyncio.sleep(0.25)
        report["offline_detect_s"] = round(time.monotonic() - t0, 2)
        report["step"] = "counters"
        assert offline == {s.id for s in stopped}
        counts = await summary()
        assert counts["offline"] == 40 and counts["online"] + counts["degraded"] == 402
        settle = time.monotonic() + 5
        while board_counts[-1]["offline"] != 40:
            assert time.monotonic() < settle, board_counts[-1]
            await asyncio.sleep(0.2)
        assert board_counts[-1]["connected"] == 402 and board_counts[-1]["total"] == 442
        report["step"] = "done"
        await asyncio.gather(*(s.stop() for s in sites if s not in stopped))
        await board.disconnect()


def _run(url, report, errors):
    try:
        asyncio.run(scenario(url, report))
    except BaseException as exc:  # re-raised in the test thread
        errors.append(exc)


@pytest.mark.slow
def test_442_sites_beating_and_40_dropping(start_server):
    server = start_server(
        env={
            "BRIDGECAST_HEARTBEAT_S": str(BEAT_S),
            "BRIDGECAST_OFFLINE_S": str(OFFLINE_S),
            "BRIDGECAST_LOG_LEVEL": "WARNING",
        }
    )
    report = {}
    started = time.monotonic()
    # A thread of its own: Playwright's sync API may hold an event loop in the main thread.
    errors = []
    worker = threading.Thread(target=lambda: _run(server.url, report, errors))
    worker.start()
    worker.join(240)
    if errors:
        raise errors[0]
    report["total_s"] = round(time.monotonic() - started, 1)
    print("\nbridge load:", report)
    assert report.get("step") == "done", f"the scenario did not finish: {report}"
    assert report["offline_detect_s"] <= OFFLINE_S + 5
