"""Scale-out: two server processes sharing PostgreSQL and Redis.

A question submitted on one reaches a moderator connected to the other; an on-air change
reaches public clients on both; Redis and PostgreSQL restarts are survived without
restarting the servers; killing the owner of an event moves its ownership to the other
process within the lock expiry."""

import asyncio
import itertools
import time

import pytest
import socketio

from tests.fakes.fake_obs import FakeObs
from tests.support.cluster import http, login_cookie, mint_token, start_node, submit
from tests.support.sio import run_async

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]
EVENT = "demo-forum"
OBS_EVENT = "demo-plenary"  # the oldest event owns the shared OBS
TTL = 3.0
_names = itertools.count(1)


class Listener:
    """A Socket.IO client that records the events it receives."""

    def __init__(self, url, namespace, auth, cookie=None):
        self.url, self.namespace, self.auth, self.cookie = url, namespace, auth, cookie
        self.client = socketio.AsyncClient(reconnection=True, reconnection_delay=0.5, reconnection_delay_max=1)
        self.received = []
        self.client.on("*", self._any, namespace=namespace)

    async def _any(self, name, data=None):
        self.received.append((name, data))

    async def connect(self):
        await self.client.connect(
            self.url,
            namespaces=[self.namespace],
            auth=self.auth,
            transports=["websocket"],
            headers={"Cookie": self.cookie} if self.cookie else {},
            wait_timeout=10,
        )
        return self

    async def wait_for(self, name, predicate, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(n == name and predicate(d) for n, d in self.received):
                return True
            await asyncio.sleep(0.05)
        return False


def owner_of(nodes, token):
    owners = []
    for node in nodes:
        if node.proc.poll() is None:
            status, body = http("GET", node.url + "/api/v1/ops/ownership", token=token)
            if status == 200 and EVENT in body["owned"]:
                owners.append(node)
    return owners


def test_two_processes_share_delivery_survive_restarts_and_hand_over_ownership(tmp_path, postgres, redis_server):
    db_url = postgres.create_database(f"cluster_{next(_names)}")
    fake_obs = FakeObs().start()  # one OBS, mirrored by both processes
    fake_obs.state.scenes.append("Speaker")
    fake_obs.state.items["Speaker"] = []
    obs_env = {"BRIDGECAST_OBS_URL": f"ws://127.0.0.1:{fake_obs.port}", "BRIDGECAST_OBS_PASSWORD": fake_obs.password}
    a = start_node(tmp_path / "a", db_url, redis_server.url, TTL, env=obs_env)
    b = start_node(tmp_path / "b", db_url, redis_server.url, TTL, env=obs_env)
    nodes = [a, b]
    admin = mint_token(db_url, "admin")
    moderator = mint_token(db_url, "moderator")
    cookie_b = login_cookie(b.url, "admin", b.admin_password)

    async def scenario():
        mod_b = await Listener(b.url, "/moderation", {"event": EVENT}, cookie_b).connect()
        phones = [await Listener(n.url, "/public", {"event": EVENT}).connect() for n in nodes]

        # 1. submitted on A, seen by the moderator on B
        status, body = submit(a.url, EVENT, "Câu hỏi qua hai máy chủ?")
        assert status == 201, body
        qid = body["id"]
        assert await mod_b.wait_for("question_new", lambda d: d["id"] == qid, 5), mod_b.received

        # 2. on air through A's API: public clients on both processes see it
        assert http("POST", f"{a.url}/api/v1/questions/{qid}/approve", {}, token=moderator)[0] == 200
        assert http("POST", f"{a.url}/api/v1/questions/{qid}/on-air", {}, token=moderator)[0] == 200
        for phone in phones:
            assert await phone.wait_for("question_on_air", lambda d: (d.get("question") or {}).get("id") == qid, 5)

        # 2b. both processes mirror OBS, but a panel on B gets each change once: from the owner only.
        # One OBS, one owner: the shared OBS belongs to the oldest active event (demo-plenary); each
        # process holds one session to it, and the other events are refused (409).
        crew_b = await Listener(b.url, "/crew", {"event": OBS_EVENT}, cookie_b).connect()
        deadline = time.monotonic() + 10
        while (len(owner_of(nodes, admin)) != 1 or fake_obs.session_count < 2) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        assert len(owner_of(nodes, admin)) == 1 and fake_obs.session_count >= 2, fake_obs.session_count
        assert http("POST", f"{a.url}/api/v1/events/{EVENT}/obs/scene", {"scene": "Speaker"}, token=admin)[0] == 409
        assert http("POST", f"{a.url}/api/v1/events/{OBS_EVENT}/obs/scene", {"scene": "Speaker"}, token=admin)[0] == 200

        def took(d):
            return (d or {}).get("event") == OBS_EVENT and (d.get("diff") or {}).get("program_scene") == "Speaker"

        assert await crew_b.wait_for("obs_state", took, 5), crew_b.received[-5:]
        await asyncio.sleep(2.0)  # a second copy would arrive within this window
        assert sum(1 for n, d in crew_b.received if n == "obs_state" and took(d)) == 1, crew_b.received
        await crew_b.client.disconnect()

        # 3. Redis restarted: cross-process delivery comes back without restarting servers
        redis_server.restart()
        delivered = False
        deadline = time.monotonic() + 25
        while not delivered and time.monotonic() < deadline:
            status, body = submit(a.url, EVENT, f"Sau khi Redis khởi động lại {time.monotonic()}")
            assert status == 201, body
            delivered = await mod_b.wait_for("question_new", lambda d, i=body["id"]: d["id"] == i, 2)
        assert delivered, "no cross-process delivery after the Redis restart"

        # 4. PostgreSQL restarted: submissions succeed again on both processes
        postgres.restart()
        for node in nodes:
            ok = False
            deadline = time.monotonic() + 20
            while not ok and time.monotonic() < deadline:
                status, _body = submit(node.url, EVENT, f"Sau khi PostgreSQL khởi động lại {time.monotonic()}")
                ok = status == 201
                if not ok:
                    await asyncio.sleep(0.5)
            assert ok, node.log()[-2000:]
            assert http("GET", node.url + "/healthz")[0] == 200

        for listener in [mod_b, *phones]:
            await listener.client.disconnect()

    run_async(scenario())

    # 5. exactly one owner; kill it and the other takes over within the lock expiry
    deadline = time.monotonic() + TTL * 2
    while len(owner_of(nodes, admin)) != 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    owners = owner_of(nodes, admin)
    assert len(owners) == 1, "expected exactly one owner"
    owner = owners[0]
    survivor = b if owner is a else a
    owner.kill()
    killed_at = time.monotonic()
    while owner_of([survivor], admin) == [] and time.monotonic() - killed_at < TTL + 3:
        time.sleep(0.1)
    took = time.monotonic() - killed_at
    assert owner_of([survivor], admin) == [survivor], survivor.log()[-2000:]
    assert took <= TTL + TTL / 3 + 1.0, took
    for node in nodes:
        node.stop()
    fake_obs.stop()
