"""Which OBS is on air, across two server processes sharing PostgreSQL and Redis (eventlet), two
fake OBS: a switch to the standby made through one process is what the other one answers
(``GET .../standby``, ``GET .../obs`` with ``side``), drives (a take through it reaches the
standby OBS, not the primary) and shows (its crew panel gets the standby's full state)."""

import itertools
import time

import pytest

from tests.fakes.fake_obs import FakeObs
from tests.scale.test_cluster import Listener
from tests.support.cluster import http, login_cookie, mint_token, start_node
from tests.support.sio import run_async

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis, pytest.mark.timeout(180)]
EVENT = "demo-plenary"  # the oldest event owns the default (primary) OBS
STANDBY_SCENE = "Chỉ trên máy dự phòng"
BACKUP_PASSWORD = "cluster-standby-SeCrEt"
_names = itertools.count(1)


def test_a_switch_made_on_one_process_is_followed_by_the_other(tmp_path, postgres, redis_server):
    db_url = postgres.create_database(f"onair_{next(_names)}")
    primary, backup = FakeObs().start(), FakeObs(password=BACKUP_PASSWORD).start()
    backup.state.scenes, backup.state.items, backup.state.program = [STANDBY_SCENE], {STANDBY_SCENE: []}, STANDBY_SCENE
    env = {
        "BRIDGECAST_OBS_URL": f"ws://127.0.0.1:{primary.port}",
        "BRIDGECAST_OBS_PASSWORD": primary.password,
        "BRIDGECAST_SECRET_KEY": "one-key-for-the-cluster",  # both unseal the standby's password
    }
    a = start_node(tmp_path / "a", db_url, redis_server.url, 3.0, env=env)
    b = start_node(tmp_path / "b", db_url, redis_server.url, 3.0, env=env)
    try:
        admin = mint_token(db_url, "admin")
        base_a, base_b = f"{a.url}/api/v1/events/{EVENT}", f"{b.url}/api/v1/events/{EVENT}"
        settings = {"host": "127.0.0.1", "port": backup.port, "password": BACKUP_PASSWORD}
        status, body = http("PUT", f"{base_a}/standby/settings", settings, token=admin)
        assert status == 200, body

        def standby_up(base):
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                view = http("GET", f"{base}/standby", token=admin)[1]
                if view["backup"]["status"] == "connected" and view["primary"]["status"] == "connected":
                    return view
                time.sleep(0.3)
            raise AssertionError(view)

        assert standby_up(base_a)["on_air"] == "primary" and standby_up(base_b)["on_air"] == "primary"
        cookie_b = login_cookie(b.url, "admin", b.admin_password)

        async def scenario():
            panel_b = await Listener(b.url, "/crew", {"event": EVENT}, cookie_b).connect()
            assert await panel_b.wait_for("obs_state", lambda d: d.get("full") and d["side"] == "primary", 5)
            status, body = http("POST", f"{base_a}/standby/switch", {"to": "backup"}, token=admin)
            assert status == 200 and body["on_air"] == "backup", body

            def standby_shown(d):
                return d.get("full") and d["side"] == "backup" and d["diff"]["program_scene"] == STANDBY_SCENE

            assert await panel_b.wait_for("obs_state", standby_shown, 5), panel_b.received[-5:]
            await panel_b.client.disconnect()

        run_async(scenario())
        # the other process answers and drives the standby too
        assert http("GET", f"{base_b}/standby", token=admin)[1]["on_air"] == "backup"
        status, snap = http("GET", f"{base_b}/obs", token=admin)
        assert status == 200 and snap["side"] == "backup" and snap["program_scene"] == STANDBY_SCENE, snap
        backup.state.scenes.append("Toàn cảnh")
        backup.state.items["Toàn cảnh"] = []
        backup.emit(
            "SceneListChanged",
            {"scenes": [{"sceneName": s, "sceneIndex": i} for i, s in enumerate(backup.state.scenes)]},
        )
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            status, body = http("POST", f"{base_b}/obs/scene", {"scene": "Toàn cảnh"}, token=admin)
            if status == 200:
                break
            time.sleep(0.3)
        assert status == 200 and backup.state.program == "Toàn cảnh", body
        assert primary.state.program == "Scene"  # the primary has no such scene: untouched
    finally:
        for node in (a, b):
            node.stop()
        primary.stop()
        backup.stop()
