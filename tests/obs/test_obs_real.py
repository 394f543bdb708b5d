"""The OBS service against a real OBS Studio (Debian obs-studio under xvfb-run).

One OBS process serves the whole module (started once, ~2 s); the crash test runs last and
restarts it on the same port. Streaming is checked with an ffmpeg RTMP listener + ffprobe.
"""

import time
from pathlib import Path

import obsws_python
import pytest

from server.services.obs import ObsConnection, ObsError, ObsSettings, apply_scene_pack, load_scene_pack
from tests.fakes.obs_fixtures import wait_for
from tests.support.real_obs import RealObs, RtmpReceiver, port_closed

pytestmark = [pytest.mark.timeout(120), pytest.mark.obs]
OPTS = dict(probe_interval=1.0, backoff_initial=0.3, backoff_max=2.0, request_timeout=5.0, connect_timeout=3.0)


@pytest.fixture(scope="module")
def real_obs():
    server = RealObs(password="bc-e2e-pw")
    server.start()
    yield server
    server.cleanup()


@pytest.fixture(scope="module")
def conn(real_obs):
    events = []
    c = ObsConnection(ObsSettings("127.0.0.1", real_obs.port, real_obs.password), name="e2e", **OPTS)
    c.add_listener(lambda t, d: events.append((time.monotonic(), t, d)))
    c.events = events
    c.start()
    assert wait_for(lambda: c.connected, 15), (c.state["error"], real_obs.log_tail())
    yield c
    c.stop()


@pytest.fixture(scope="module")
def pack_applied(conn):
    first = apply_scene_pack(conn, load_scene_pack(), slug="e2e")
    return first


def bare_client(real_obs):
    return obsws_python.ReqClient(host="127.0.0.1", port=real_obs.port, password=real_obs.password, timeout=5)


def test_connects_with_password_and_mirrors_obs(conn, real_obs):
    s = conn.state
    assert s["status"] == "connected"
    assert s["obs_version"].startswith("29.")
    assert "Cut" in s["transitions"] and s["program_scene"] in s["scenes"]


def test_wrong_password_is_a_clear_error_without_retry_storm(real_obs):
    bad = ObsConnection(ObsSettings("127.0.0.1", real_obs.port, "not-the-password"), **OPTS)
    bad.start()
    try:
        assert wait_for(lambda: (bad.state["error"] or {}).get("code") == "obs_auth_failed", 10)
        time.sleep(2)
        assert bad.connect_attempts == 1
        assert "password" in bad.state["error"]["message_en"]
        with pytest.raises(ObsError) as exc:
            bad.set_program_scene("Scene")
        assert exc.value.code == "obs_auth_failed"
    finally:
        bad.stop()


def test_scene_pack_applied_twice_creates_nothing_the_second_time(conn, pack_applied):
    assert pack_applied["overlay_mode"] == "native"  # Debian's OBS has no browser source
    assert set(pack_applied["created_scenes"]) == {
        "Opening",
        "Speaker",
        "Panel",
        "Slides",
        "Bridge grid",
        "Q&A",
        "Break",
    }
    kinds = {i["name"]: i["kind"] for i in pack_applied["created_inputs"]}
    assert kinds["BC Lower third"] == "text_ft2_source_v2"
    second = apply_scene_pack(conn, load_scene_pack(), slug="e2e")
    assert second["created"] is False, second
    assert wait_for(lambda: "Bridge grid" in conn.state["scenes"])


def test_taking_scenes_is_reported_back_by_obs(conn, pack_applied):
    conn.set_studio_mode(False)
    assert wait_for(lambda: not conn.state["studio_mode"])
    for scene in ("Speaker", "Slides", "Opening"):
        t0 = time.monotonic()
        conn.set_program_scene(scene)
        assert wait_for(
            lambda scene=scene, t0=t0: any(
                t == "CurrentProgramSceneChanged" and d["sceneName"] == scene and ts >= t0 for ts, t, d in conn.events
            ),
            5,
        )
        assert wait_for(lambda scene=scene: conn.state["program_scene"] == scene, 2)


def test_studio_mode_take(conn, pack_applied):
    conn.set_program_scene("Opening")
    assert wait_for(lambda: conn.state["program_scene"] == "Opening", 5)
    conn.set_studio_mode(True)
    assert wait_for(lambda: conn.state["studio_mode"], 5)
    conn.set_preview_scene("Q&A")
    assert wait_for(lambda: conn.state["preview_scene"] == "Q&A", 5)
    conn.take()
    assert wait_for(lambda: conn.state["program_scene"] == "Q&A", 5)
    conn.set_preview_scene("Break")
    conn.cut()
    assert wait_for(lambda: conn.state["program_scene"] == "Break", 5), "\n".join(map(repr, conn.events[-14:]))
    assert wait_for(lambda: conn.state["transition"]["name"] == "Fade", 5)
    conn.set_studio_mode(False)
    assert wait_for(lambda: not conn.state["studio_mode"], 5)


def test_lower_third_text_is_set_in_obs(conn, pack_applied, real_obs):
    conn.set_text("BC Lower third", "Nguyễn Văn A — Chủ tịch UBMTTQ tỉnh")
    with bare_client(real_obs) as c:
        settings = c.send("GetInputSettings", {"inputName": "BC Lower third"}, raw=True)
    assert settings["inputSettings"]["text"] == "Nguyễn Văn A — Chủ tịch UBMTTQ tỉnh"
    assert conn.screenshot("Speaker").startswith("data:image/jpg;base64,")


def test_stream_reaches_a_local_rtmp_receiver_as_h264(conn, pack_applied, tmp_path):
    rtmp = RtmpReceiver(tmp_path, key="e2e-secret-key").start()
    try:
        target = conn.set_stream_target(rtmp.server, rtmp.key)
        assert "e2e-secret" not in str(target) and "e2e-secret" not in str(conn.state)
        assert conn.start_stream()["changed"] is True
        assert wait_for(lambda: conn.state["stream"]["state"] == "live", 15), conn.state["stream"]
        assert conn.start_stream()["changed"] is False  # idempotent
        assert wait_for(lambda: conn.state["stream"]["bitrate_kbps"] > 0, 10)
        time.sleep(1.5)
        assert conn.stop_stream()["changed"] is True
        assert wait_for(lambda: conn.state["stream"]["state"] == "stopped", 15)
        assert conn.stop_stream()["changed"] is False
        rtmp.proc.wait(15)
    finally:
        rtmp.stop()
    assert "h264" in rtmp.codecs()


def test_record_start_stop_gives_a_file(conn, pack_applied):
    assert conn.start_record()["changed"] is True
    assert wait_for(lambda: conn.state["record"]["state"] == "recording", 15)
    time.sleep(1.5)
    result = conn.stop_record()
    assert result["changed"] is True
    assert wait_for(lambda: conn.state["record"]["state"] == "stopped", 15)
    path = Path(result["path"])
    assert wait_for(lambda: path.exists() and path.stat().st_size > 1000, 10), result


def test_obs_killed_and_restarted_reconnects_and_resyncs(conn, real_obs):
    assert conn.connected
    t0 = time.monotonic()
    real_obs.kill()
    assert wait_for(lambda: conn.state["status"] != "connected", 2)
    assert time.monotonic() - t0 < 2
    assert port_closed(real_obs.port)
    t1 = time.monotonic()
    with pytest.raises(ObsError) as exc:
        conn.set_program_scene("Opening")
    assert exc.value.code == "obs_disconnected" and time.monotonic() - t1 < 0.5
    real_obs.start()
    assert wait_for(lambda: conn.connected, 20), (conn.state["error"], real_obs.log_tail())
    with bare_client(real_obs) as c:
        truth = c.send("GetSceneList", raw=True)
    assert wait_for(lambda: conn.state["program_scene"] == truth["currentProgramSceneName"], 5)
    assert sorted(conn.state["scenes"]) == sorted(s["sceneName"] for s in truth["scenes"])
    conn.set_program_scene(truth["scenes"][0]["sceneName"])  # commands work again
