"""OBS service against the protocol-faithful fake obs-websocket server (fast, no real OBS)."""

import json
import logging
import threading
import time

import pytest
import websocket

from server.services.obs import ObsConnection, ObsError, ObsManager, ObsSettings, apply_scene_pack, load_scene_pack
from tests.fakes.fake_obs import FakeObs, auth_string
from tests.fakes.obs_fixtures import FAST, wait_for


def connect(fake, password=None, **opts):
    conn = ObsConnection(
        ObsSettings("127.0.0.1", fake.port, fake.password if password is None else password),
        name="t",
        **{**FAST, **opts},
    )
    conn.start()
    return conn


# -- the fake itself speaks the protocol -------------------------------------------------------


def raw_identify(fake, subs, password=None):
    ws = websocket.create_connection(fake.url, timeout=2)
    hello = json.loads(ws.recv())
    auth = hello["d"]["authentication"]
    ws.send(
        json.dumps(
            {
                "op": 1,
                "d": {
                    "rpcVersion": 1,
                    "eventSubscriptions": subs,
                    "authentication": auth_string(password or fake.password, auth["salt"], auth["challenge"]),
                },
            }
        )
    )
    return ws


def test_fake_rejects_bad_auth_with_4009_and_requests_before_identify_with_4007(fake_obs):
    ws = raw_identify(fake_obs, 0, password="wrong")
    opcode, frame = ws.recv_data_frame(True)
    assert opcode == websocket.ABNF.OPCODE_CLOSE and int.from_bytes(frame.data[:2], "big") == 4009
    ws = websocket.create_connection(fake_obs.url, timeout=2)
    ws.recv()
    ws.send(json.dumps({"op": 6, "d": {"requestType": "GetVersion", "requestId": "1"}}))
    opcode, frame = ws.recv_data_frame(True)
    assert int.from_bytes(frame.data[:2], "big") == 4007


def test_fake_delivers_events_only_to_subscribed_sessions(fake_obs):
    scenes_only = raw_identify(fake_obs, 1 << 2)
    outputs_only = raw_identify(fake_obs, 1 << 6)
    for ws in (scenes_only, outputs_only):
        assert json.loads(ws.recv())["op"] == 2
    fake_obs.emit("CurrentProgramSceneChanged", {"sceneName": "Scene"})
    fake_obs.emit("StreamStateChanged", {"outputActive": False, "outputState": "x"})
    assert json.loads(scenes_only.recv())["d"]["eventType"] == "CurrentProgramSceneChanged"
    assert json.loads(outputs_only.recv())["d"]["eventType"] == "StreamStateChanged"
    scenes_only.settimeout(0.2)
    with pytest.raises(websocket.WebSocketTimeoutException):
        scenes_only.recv()


# -- connection --------------------------------------------------------------------------------


def test_connects_with_password_and_mirrors_state(obs, fake_obs):
    s = obs.state
    assert s["status"] == "connected" and s["error"] is None
    assert s["scenes"] == ["Scene"] and s["program_scene"] == "Scene"
    assert s["transition"] == {"name": "Fade", "duration": 300}
    assert s["stream"]["state"] == "stopped"
    assert any(c.get("status") == "connected" for c in obs.changes)


def test_wrong_password_gives_clear_error_and_no_retry_storm(fake_obs):
    conn = connect(fake_obs, password="wrong")
    try:
        assert wait_for(lambda: (conn.state["error"] or {}).get("code") == "obs_auth_failed")
        time.sleep(1.5)  # many backoff periods with FAST settings
        assert fake_obs.failed_identifies <= 2  # obsws-python's try + our close-code probe
        assert conn.connect_attempts == 1
        assert "mật khẩu" in conn.state["error"]["message_vi"]
        t0 = time.monotonic()
        with pytest.raises(ObsError) as exc:
            conn.set_program_scene("Scene")
        assert exc.value.code == "obs_auth_failed" and time.monotonic() - t0 < 0.1
    finally:
        conn.stop()


def test_kicked_session_4011_is_not_retried(obs, fake_obs):
    connections = fake_obs.connections
    fake_obs.kick(4011)
    assert wait_for(lambda: (obs.state["error"] or {}).get("code") == "obs_kicked", 2)
    time.sleep(1.0)
    assert fake_obs.connections == connections
    assert obs.state["status"] == "disconnected"


def test_obs_vanishing_is_seen_fast_and_reconnect_backs_off(fake_obs):
    conn = connect(fake_obs)
    try:
        assert wait_for(lambda: conn.connected)
        t0 = time.monotonic()
        fake_obs.stop()
        assert wait_for(lambda: conn.state["status"] != "connected", 2)
        assert time.monotonic() - t0 < 2
        assert conn.state["error"]["code"] in ("obs_disconnected", "obs_unreachable")
        attempts = conn.connect_attempts
        time.sleep(2.0)
        # backoff 0.1, 0.2, 0.4, 0.8, 0.8 ...: a handful of tries, not a storm
        assert 2 <= conn.connect_attempts - attempts <= 7
        restarted = FakeObs(password=fake_obs.password, port=fake_obs.port).start()
        try:
            restarted.state.scenes.append("Fresh")
            restarted.state.items["Fresh"] = []
            assert wait_for(lambda: conn.connected, 3)
            assert "Fresh" in conn.state["scenes"]  # resynced after reconnect
        finally:
            conn.stop()
            restarted.stop()
    finally:
        conn.stop()


def test_command_while_disconnected_fails_fast(fake_obs):
    fake_obs.stop()
    conn = connect(fake_obs)
    try:
        t0 = time.monotonic()
        with pytest.raises(ObsError) as exc:
            conn.start_stream()
        assert exc.value.code == "obs_disconnected" and time.monotonic() - t0 < 0.1
        assert "Mất kết nối" in exc.value.text("vi") and "disconnected" in exc.value.text("en")
    finally:
        conn.stop()


def test_callback_exceptions_do_not_kill_mirroring(fake_obs):
    def explode(_diff):
        raise RuntimeError("broken broadcaster")

    conn = ObsConnection(ObsSettings("127.0.0.1", fake_obs.port, fake_obs.password), explode, name="t", **FAST)
    conn.add_listener(lambda *_: 1 / 0)
    conn.start()
    try:
        assert wait_for(lambda: conn.connected)
        fake_obs.state.scenes.append("B")
        fake_obs.emit("CurrentProgramSceneChanged", {"sceneName": "B"})
        fake_obs.emit("CurrentProgramSceneChanged", {"sceneName": "Scene"})
        fake_obs.emit("CurrentProgramSceneChanged", {"sceneName": "B"})
        assert wait_for(lambda: conn.state["program_scene"] == "B")
        assert conn.connected and conn._events.alive
    finally:
        conn.stop()


def test_concurrent_callers_are_serialised_and_each_gets_its_own_answer(obs, fake_obs):
    for i in range(8):
        fake_obs.state.add_input(f"T{i}", "text_ft2_source_v2", {"text": f"text {i}"}, "Scene")
    fake_obs.request_delay = 0.01
    results, errors = {}, []

    def worker(i):
        try:
            for _ in range(5):
                results.setdefault(i, []).append(obs.get_input_settings(f"T{i}")["inputSettings"]["text"])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert not errors
    assert all(results[i] == [f"text {i}"] * 5 for i in range(8))
    assert fake_obs.max_in_flight == 1


def test_late_answer_after_timeout_is_not_taken_for_the_next_one(obs, fake_obs):
    fake_obs.request_delay = 0.4
    with pytest.raises(ObsError) as exc:
        obs.call("GetStudioModeEnabled", timeout=0.1)
    assert exc.value.code == "obs_timeout"
    fake_obs.request_delay = 0
    assert obs.call("GetCurrentProgramScene")["currentProgramSceneName"] == "Scene"


def test_request_errors_map_to_codes(obs):
    with pytest.raises(ObsError) as exc:
        obs.set_program_scene("Nope")
    assert exc.value.code == "obs_not_found" and exc.value.status == 600
    with pytest.raises(ObsError) as exc:
        obs.set_preview_scene("Scene")
    assert exc.value.code == "obs_studio_mode_off"


def test_batch_returns_results_in_order(obs):
    res = obs.batch([("GetVersion",), ("SetCurrentProgramScene", {"sceneName": "Nope"}), ("GetStudioModeEnabled",)])
    assert [r["type"] for r in res] == ["GetVersion", "SetCurrentProgramScene", "GetStudioModeEnabled"]
    assert [r["ok"] for r in res] == [True, False, True] and res[1]["code"] == 600


# -- commands ----------------------------------------------------------------------------------


def test_scene_take_and_cut_are_mirrored(obs, fake_obs):
    apply_scene_pack(obs, load_scene_pack())
    obs.set_program_scene("Speaker")
    assert wait_for(lambda: obs.state["program_scene"] == "Speaker")
    obs.set_studio_mode(True)
    assert wait_for(lambda: obs.state["studio_mode"])
    obs.set_preview_scene("Q&A")
    assert wait_for(lambda: obs.state["preview_scene"] == "Q&A")
    obs.take()
    assert wait_for(lambda: obs.state["program_scene"] == "Q&A")
    obs.set_preview_scene("Break")
    obs.cut()
    assert wait_for(lambda: obs.state["program_scene"] == "Break")
    assert wait_for(lambda: obs.state["transition"]["name"] == "Fade")  # restored after the cut
    obs.set_transition("Fade", 800)
    assert wait_for(lambda: obs.state["transition"]["duration"] == 800)
    with pytest.raises(ObsError):
        obs.set_transition(duration_ms=5)


def test_stream_and_record_start_stop_are_idempotent(obs, fake_obs):
    assert obs.start_stream()["changed"] is True
    assert obs.start_stream()["changed"] is False
    assert wait_for(lambda: obs.state["stream"]["state"] == "live")
    assert wait_for(lambda: obs.state["stream"]["bitrate_kbps"] > 500, 3)  # fake sends 1000 kbit/s
    assert obs.stop_stream()["changed"] is True
    assert obs.stop_stream()["changed"] is False
    assert wait_for(lambda: obs.state["stream"]["state"] == "stopped")
    assert obs.start_record()["changed"] is True
    assert wait_for(lambda: obs.state["record"]["state"] == "recording")
    stopped = obs.stop_record()
    assert stopped["path"].endswith(".mkv")
    assert wait_for(lambda: obs.state["record"]["path"] == stopped["path"])


def test_stream_key_goes_to_obs_but_never_comes_back(obs, fake_obs):
    target = obs.set_stream_target("rtmp://live.example/app", "secret-key-123456")
    assert fake_obs.state.stream_service["streamServiceSettings"]["key"] == "secret-key-123456"
    assert "secret-key" not in json.dumps(target)
    assert "secret-key" not in json.dumps(obs.get_stream_target())
    assert "secret-key" not in json.dumps(obs.state) and "secret-key" not in json.dumps(obs.changes)
    assert target["key_masked"].endswith("3456")


def test_mute_media_text_and_screenshot(obs, fake_obs):
    fake_obs.state.add_input("Mic", "pulse_input_capture", {}, "Scene")
    fake_obs.state.add_input("Clip", "ffmpeg_source", {}, "Scene")
    fake_obs.state.add_input("Lower", "text_ft2_source_v2", {"text": ""}, "Scene")
    fake_obs.emit("InputCreated", {"inputName": "Mic"})
    assert wait_for(lambda: [a["name"] for a in obs.state["audio"]] == ["Mic", "Clip"])
    obs.set_mute("Mic", True)
    assert wait_for(lambda: obs.state["audio"][0]["muted"] is True)
    obs.media("Clip", "play")
    assert wait_for(lambda: obs.state["media"][0]["state"] == "playing")
    obs.set_text("Lower", "Nguyễn Văn A — Chủ tịch")
    assert obs.get_input_settings("Lower")["inputSettings"]["text"] == "Nguyễn Văn A — Chủ tịch"
    assert obs.screenshot("Scene").startswith("data:image/jpg;base64,")
    assert obs.screenshots(["Scene", "Nope"])["Nope"] is None


def test_scene_pack_second_apply_creates_nothing(obs, fake_obs):
    first = apply_scene_pack(obs, load_scene_pack(), slug="forum-1")
    assert first["overlay_mode"] == "native" and len(first["created_scenes"]) == 7
    kinds = {i["name"]: i["kind"] for i in first["created_inputs"]}
    assert kinds["BC Lower third"] == "text_ft2_source_v2"
    assert fake_obs.state.items["Speaker"] == ["BC Camera", "BC Lower third plate", "BC Lower third", "BC Agenda clock"]
    second = apply_scene_pack(obs, load_scene_pack(), slug="forum-1")
    assert second["created"] is False
    assert not (second["created_scenes"] or second["created_inputs"] or second["created_items"])


def test_scene_pack_uses_browser_sources_when_obs_has_them():
    fake = FakeObs(
        input_kinds=["browser_source", "color_source_v3", "image_source", "ffmpeg_source", "text_ft2_source_v2"]
    ).start()
    conn = connect(fake)
    try:
        assert wait_for(lambda: conn.connected)
        report = apply_scene_pack(conn, load_scene_pack(), base_url="http://bc.local:5000", slug="forum-1")
        assert report["overlay_mode"] == "browser"
        lower = fake.state.inputs["BC Lower third"]
        assert lower["kind"] == "browser_source"
        assert lower["settings"]["url"] == "http://bc.local:5000/overlay/forum-1/lower-third"
    finally:
        conn.stop()
        fake.stop()


# -- manager and secrets -----------------------------------------------------------------------


def test_manager_one_connection_per_event_with_env_default(fake_obs):
    changes = []
    mgr = ObsManager(
        lambda slug, d: changes.append((slug, d)),
        connection_options=FAST,
        default_settings=ObsSettings.from_env(
            {"BRIDGECAST_OBS_URL": fake_obs.url, "BRIDGECAST_OBS_PASSWORD": fake_obs.password}
        ),
    )
    try:
        a, b = mgr.get("forum-1"), mgr.get("forum-2")
        assert a is not b and mgr.get("forum-1") is a
        assert wait_for(lambda: a.connected and b.connected)
        assert {slug for slug, _ in changes} == {"forum-1", "forum-2"}
        assert mgr.state("forum-1")["status"] == "connected"
    finally:
        mgr.stop_all()
    empty = ObsManager()
    assert empty.state("x")["status"] == "not_configured"
    with pytest.raises(ObsError) as exc:
        empty.require("x")
    assert exc.value.code == "obs_not_configured"


def test_password_never_reaches_the_logs(fake_obs, caplog):
    caplog.set_level(logging.DEBUG)
    for pw in (fake_obs.password, "wrong-password-xyz"):
        conn = connect(fake_obs, password=pw)
        wait_for(lambda conn=conn: conn.state["status"] != "connecting" and conn.connect_attempts, 2)
        time.sleep(0.3)
        repr(conn._req)
        conn.stop()
    assert fake_obs.password not in caplog.text and "wrong-password-xyz" not in caplog.text
    assert logging.getLogger("obsws_python").getEffectiveLevel() >= logging.WARNING


# -- outputs answer with OBS's outcome ---------------------------------------------------------


def test_failed_output_start_is_stream_failed_and_the_mirror_says_stopped(obs, fake_obs):
    fake_obs.state.failing_outputs.add("Stream")
    with pytest.raises(ObsError) as exc:
        obs.start_stream()
    assert exc.value.code == "stream_failed"
    assert wait_for(lambda: obs.state["stream"]["state"] == "stopped")
    fake_obs.state.failing_outputs.clear()
    assert obs.start_stream() == {"changed": True, "active": True, "state": "live"}


def test_connection_lost_while_waiting_for_the_outcome_is_obs_disconnected(obs, fake_obs):
    fake_obs.state.StartStream = lambda d: ({}, [])  # accepted, then OBS says nothing
    threading.Timer(0.3, fake_obs.stop).start()
    t0 = time.monotonic()
    with pytest.raises(ObsError) as exc:
        obs.start_stream()
    assert exc.value.code == "obs_disconnected" and time.monotonic() - t0 < 3
    assert wait_for(lambda: obs.state["stream"]["state"] == "unknown", timeout=3), obs.state["stream"]


def test_an_obs_that_stays_away_is_logged_once_not_at_every_retry(caplog):
    """3,017 log lines in 40 minutes of OBS being away: now one line per change of reason."""
    import logging

    from server.logs import setup_logging
    from tests.support.processes import free_port

    setup_logging("INFO", json_lines=False)
    caplog.set_level(logging.INFO)
    conn = ObsConnection(ObsSettings("127.0.0.1", free_port(), "x"), lambda diff: None, name="away", **FAST)
    conn.start()
    try:
        assert wait_for(lambda: conn.connect_attempts >= 8, timeout=10)
    finally:
        conn.stop()
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert conn.connect_attempts >= 8
    assert len(lines) == 1, [r.getMessage() for r in lines]
    assert "obs_unreachable" in lines[0].getMessage()
