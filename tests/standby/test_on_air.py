"""The control panel shows the OBS on air, against two fake obs-websocket servers: after a switch
to the standby the panel's full state, its diffs, its monitors (``obs_thumbnails``) and the
``obs.state`` snapshot (and the wall's tile) come from the standby and say ``side: "backup"``, the primary's link stays
in ``standby_state``; and back. Which OBS is on air is stored on the event: a restarted process
(a second app on the same database) knows it, a switch made by another process is seen, and a
process that does not own the event broadcasts nothing."""

import time

import pytest

from server.extensions import db
from server.models.event import Event
from server.services import ownership
from server.services.obs import runtime as obs_runtime_module
from server.services.standby import switch as standby
from tests.fakes.obs_fixtures import FAST, wait_for
from tests.standby.test_standby import add_scene, bearer

ONLY_ON_STANDBY = "Chỉ trên máy dự phòng"
ONLY_ON_STANDBY_2 = "Chỉ trên máy dự phòng 2"
ONLY_ON_PRIMARY = "Chỉ trên máy chính"
ONLY_ON_PRIMARY_2 = "Chỉ trên máy chính 2"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "OBS_CONNECTION_OPTIONS": FAST}


def named(sio, name):
    return [p["args"][0] for p in sio.get_received("/crew") if p["name"] == name]


@pytest.fixture
def distinct(two, fake_obs, backup_obs):
    """The two OBS show different program scenes, each one the other does not have (so no
    mirroring between them can make them equal)."""
    primary, backup = two
    for fake, conn, scene in ((fake_obs, primary, ONLY_ON_PRIMARY), (backup_obs, backup, ONLY_ON_STANDBY)):
        add_scene(fake, scene)
        add_scene(fake, ONLY_ON_PRIMARY_2 if fake is fake_obs else ONLY_ON_STANDBY_2)
        conn.resync()
        assert wait_for(lambda conn=conn, scene=scene: scene in conn.state["scenes"], 3)
        conn.set_program_scene(scene)
    time.sleep(0.3)  # a mirroring task still in flight from the connects: let it land, then check
    assert wait_for(lambda: primary.state["program_scene"] == ONLY_ON_PRIMARY, 3), primary.state["program_scene"]
    assert wait_for(lambda: backup.state["program_scene"] == ONLY_ON_STANDBY, 3), backup.state["program_scene"]
    return primary, backup


def monitors(sio, side, scene, timeout=4):
    """Thumbnails for this socket until one from ``side`` shows ``scene`` on program."""
    got = []

    def seen():
        got.extend(named(sio, "obs_thumbnails"))
        return any(t["side"] == side and t["monitors"]["program_scene"] == scene for t in got)

    assert wait_for(seen, timeout), got[-3:]
    return got


def test_after_a_switch_the_panel_shows_the_standby_and_back(
    client, socket_client, event, distinct, fake_obs, backup_obs, runtime
):
    primary, backup = distinct
    sio = socket_client("/crew", role="crew")
    joined = named(sio, "obs_state")
    assert joined[0]["full"] and joined[0]["side"] == "primary"
    assert joined[0]["diff"]["program_scene"] == primary.state["program_scene"]
    assert sio.emit("obs_watch_thumbnails", {"scenes": []}, namespace="/crew", callback=True)["ok"]
    monitors(sio, "primary", primary.state["program_scene"])

    ack = sio.emit("standby_switch", {"to": "backup"}, namespace="/crew", callback=True)
    assert ack["ok"] and ack["on_air"] == "backup" and ack["primary"]["status"] == "connected", ack
    full = [m for m in named(sio, "obs_state") if m.get("full")]
    assert full and full[-1]["side"] == "backup" and full[-1]["diff"]["program_scene"] == ONLY_ON_STANDBY
    assert ONLY_ON_STANDBY in full[-1]["diff"]["scenes"]
    # the monitors now come from the standby
    got = monitors(sio, "backup", ONLY_ON_STANDBY)
    assert got[-1]["monitors"]["program"].startswith("data:image/")
    # the REST snapshot too
    snap = client.get(f"/api/v1/events/{event.slug}/obs", headers=bearer()).get_json()
    assert snap["side"] == "backup" and snap["program_scene"] == ONLY_ON_STANDBY
    # and the crew chief's wall
    tiles = client.get("/api/v1/overview", headers=bearer()).get_json()["events"]
    tile = next(t for t in tiles if t["slug"] == event.slug)
    assert tile["obs"]["side"] == "backup" and tile["obs"]["program_scene"] == ONLY_ON_STANDBY, tile["obs"]

    # the standby's changes reach the panel as obs_state; the primary's only as its link
    sio.get_received("/crew")
    backup_obs.state.program = ONLY_ON_STANDBY_2
    backup_obs.emit("CurrentProgramSceneChanged", {"sceneName": ONLY_ON_STANDBY_2})
    fake_obs.state.program = ONLY_ON_PRIMARY_2
    fake_obs.emit("CurrentProgramSceneChanged", {"sceneName": ONLY_ON_PRIMARY_2})
    received = []

    def both():
        received.extend(sio.get_received("/crew"))
        return any(p["name"] == "standby_state" and "primary" in p["args"][0] for p in received) and any(
            p["name"] == "obs_state" and p["args"][0]["diff"].get("program_scene") == ONLY_ON_STANDBY_2
            for p in received
        )

    assert wait_for(both, 3), received
    states = [p["args"][0] for p in received if p["name"] == "obs_state"]
    assert states and all(s["side"] == "backup" for s in states), states
    links = [p["args"][0]["primary"] for p in received if p["name"] == "standby_state" and "primary" in p["args"][0]]
    assert links[-1]["program_scene"] == ONLY_ON_PRIMARY_2

    # and back: the primary's picture again
    r = client.post(f"/api/v1/events/{event.slug}/standby/switch", json={"to": "primary"}, headers=bearer())
    assert r.status_code == 200 and r.get_json()["on_air"] == "primary"
    full = [m for m in named(sio, "obs_state") if m.get("full")]
    assert full and full[-1]["side"] == "primary" and full[-1]["diff"]["program_scene"] == ONLY_ON_PRIMARY_2
    monitors(sio, "primary", ONLY_ON_PRIMARY_2)


def test_the_side_on_air_is_stored_shared_and_survives_a_restart(
    app, app_config, event, distinct, backup_obs, runtime, monkeypatch
):
    from server import create_app

    standby.switch(event.slug, "backup", None)
    db.session.expire_all()
    assert db.session.get(Event, event.id).obs_on_air == "backup"

    restarted = create_app(app_config)  # a second (or restarted) process on the same database
    other = restarted.extensions["obs"]
    try:
        with restarted.app_context():
            assert other.on_air(event.slug) == "backup" and standby.view(event.slug)["on_air"] == "backup"
            conn = other.backup_for(event.slug)
            assert wait_for(lambda: conn.connected, 5), conn.state["error"]
            side, state = other.on_air_state(event.slug)
            assert side == "backup" and state["program_scene"] == ONLY_ON_STANDBY
            primary = other.connection_for(event.slug)
            assert wait_for(lambda: primary.connected, 5), primary.state["error"]
            # that process switches back; this one sees it at once when asked fresh...
            assert standby.switch(event.slug, "primary", None)["on_air"] == "primary"
            db.session.remove()
    finally:
        other.manager.stop_all()
        other.backups.stop_all()
    assert runtime.on_air(event.slug, fresh=True) == "primary"
    # ...and on its hot paths within ON_AIR_TTL_S
    db.session.execute(db.update(Event).where(Event.id == event.id).values(obs_on_air="backup"))
    db.session.commit()
    monkeypatch.setattr(obs_runtime_module, "ON_AIR_TTL_S", 0.0)
    assert runtime.on_air(event.slug) == "backup"


def test_removing_the_standby_puts_the_primary_back_on_air(client, event, distinct, runtime):
    standby.switch(event.slug, "backup", None)
    r = client.put(f"/api/v1/events/{event.slug}/standby/settings", json={"host": ""}, headers=bearer("admin"))
    assert r.status_code == 200 and r.get_json()["standby"]["on_air"] == "primary"
    db.session.expire_all()
    assert db.session.get(Event, event.id).obs_on_air == "primary"
    assert runtime.on_air(event.slug) == "primary"


def test_a_process_that_does_not_own_the_event_broadcasts_no_state(
    socket_client, event, distinct, backup_obs, runtime, monkeypatch
):
    standby.switch(event.slug, "backup", None)
    sio = socket_client("/crew", role="crew")
    sio.get_received("/crew")
    monkeypatch.setattr(ownership, "runs_here", lambda slug: False)
    runtime._on_backup_change(event.slug, {"program_scene": "Scene"})
    runtime._on_change(event.slug, {"program_scene": "Scene"})
    assert not [p for p in sio.get_received("/crew") if p["name"] in ("obs_state", "standby_state")]
    monkeypatch.setattr(ownership, "runs_here", lambda slug: True)
    runtime._on_backup_change(event.slug, {"program_scene": "Scene"})
    runtime._on_change(event.slug, {"status": "connected"})
    received = sio.get_received("/crew")
    states = [p["args"][0] for p in received if p["name"] == "obs_state"]
    assert states == [{"event": event.slug, "diff": {"program_scene": "Scene"}, "side": "backup"}]
    links = [p["args"][0] for p in received if p["name"] == "standby_state"]
    assert {"event": event.slug, "primary": {"status": "connected"}} in links
