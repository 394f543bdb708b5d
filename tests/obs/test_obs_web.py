"""OBS control through the app: crew sockets, REST with bearer tokens, admin settings, the
panel page, thumbnails and the overlay-text sink, all against the fake obs-websocket server."""

import time

import pytest

from server.extensions import db
from server.services.accounts import users as accounts
from server.services.overlays.native_text import push_text
from server.services.secrets import unseal
from tests.fakes.fake_obs import FakeObs
from tests.fakes.obs_fixtures import FAST, wait_for


@pytest.fixture
def app_config(app_config):
    return {**app_config, "OBS_CONNECTION_OPTIONS": FAST}


@pytest.fixture
def obs_event(app, event, fake_obs):
    event.obs_url = fake_obs.url
    event.obs_password = fake_obs.password
    db.session.commit()
    yield event
    app.extensions["obs"].manager.stop_all()


@pytest.fixture
def connected(app, obs_event):
    conn = app.extensions["obs"].connection_for(obs_event.slug)
    assert wait_for(lambda: conn.connected, 5), conn.state
    return conn


def bearer(role="crew"):
    _token, plain = accounts.create_token(role)
    return {"Authorization": f"Bearer {plain}"}


def states(sio):
    return [p["args"][0] for p in sio.get_received("/crew") if p["name"] == "obs_state"]


# -- Socket.IO ------------------------------------------------------------------------------------


def test_crew_gets_full_state_on_join_and_takes_a_scene(socket_client, connected, fake_obs):
    fake_obs.state.scenes.append("Speaker")
    fake_obs.state.items["Speaker"] = []
    sio = socket_client("/crew", role="crew")
    first = states(sio)
    assert first and first[0]["full"] is True and first[0]["diff"]["status"] == "connected"
    ack = sio.emit("obs_take_scene", {"scene": "Speaker"}, namespace="/crew", callback=True)
    assert ack == {"ok": True, "program_scene": "Speaker"}
    assert fake_obs.state.program == "Speaker"
    seen = []
    assert wait_for(
        lambda: seen.extend(states(sio)) or any(s["diff"].get("program_scene") == "Speaker" for s in seen), 3
    )


def test_crew_socket_errors_are_clear_acks(socket_client, connected, fake_obs):
    sio = socket_client("/crew", role="crew")
    ack = sio.emit("obs_take_scene", {"scene": "Nope"}, namespace="/crew", callback=True)
    assert ack["ok"] is False and ack["error"] == "obs_not_found"
    assert "Không tìm thấy" in ack["message"]
    ack = sio.emit("obs_stream", {"action": "toggle"}, namespace="/crew", callback=True)
    assert ack["error"] == "invalid" and ack["fields"] == ["action"]
    fake_obs.stop()
    assert wait_for(lambda: not connected.connected, 2)
    t0 = time.monotonic()
    ack = sio.emit("obs_stream", {"action": "start"}, namespace="/crew", callback=True)
    assert ack["error"] == "obs_disconnected" and time.monotonic() - t0 < 0.5


def test_stream_target_key_never_reaches_the_crew(socket_client, connected, fake_obs):
    sio = socket_client("/crew", role="crew")
    ack = sio.emit(
        "obs_stream_target",
        {"server": "rtmp://x.example/live", "key": "fb-secret-123456"},
        namespace="/crew",
        callback=True,
    )
    assert ack["ok"] and ack["target"]["key_masked"].endswith("3456")
    assert fake_obs.state.stream_service["streamServiceSettings"]["key"] == "fb-secret-123456"
    time.sleep(0.3)
    assert "fb-secret" not in repr(ack) + repr(sio.get_received("/crew"))


def test_moderator_cannot_join_the_crew_namespace(socket_client, connected):
    sio = socket_client("/crew", role="moderator")
    assert not sio.is_connected("/crew")


def test_scene_pack_over_socket_is_idempotent(socket_client, connected, fake_obs):
    sio = socket_client("/crew", role="admin")
    first = sio.emit("obs_apply_scene_pack", {}, namespace="/crew", callback=True)
    assert first["ok"] and len(first["report"]["created_scenes"]) == 7
    second = sio.emit("obs_apply_scene_pack", {}, namespace="/crew", callback=True)
    assert second["ok"] and second["report"]["created"] is False


def test_thumbnails_flow_only_while_watched(socket_client, connected, fake_obs):
    sio = socket_client("/crew", role="crew")
    bystander = socket_client("/crew", role="crew")  # same room, not watching
    sio.get_received("/crew")
    assert sio.emit("obs_watch_thumbnails", {"scenes": ["Scene"]}, namespace="/crew", callback=True)["ok"]
    got = []

    def thumbs():
        got.extend(p["args"][0] for p in sio.get_received("/crew") if p["name"] == "obs_thumbnails")
        return got

    assert wait_for(lambda: thumbs(), 3)
    assert got[0]["images"]["Scene"].startswith("data:image/")
    # sent to the sockets that asked (so other processes' panels never get copies), not to the room
    assert not [p for p in bystander.get_received("/crew") if p["name"] == "obs_thumbnails"]
    sio.emit("obs_unwatch_thumbnails", {}, namespace="/crew", callback=True)
    time.sleep(1.3)
    got.clear()
    time.sleep(1.5)
    assert not thumbs()


# -- REST -----------------------------------------------------------------------------------------


def test_rest_scene_stream_and_state_with_a_bearer_token(client, connected, fake_obs, obs_event):
    headers = bearer("crew")
    base = f"/api/v1/events/{obs_event.slug}/obs"
    r = client.post(base + "/scene", json={"scene": "Scene"}, headers=headers)
    assert r.status_code == 200 and r.json["ok"] is True
    r = client.post(base + "/stream", json={"action": "start"}, headers=headers)
    assert r.status_code == 200 and r.json["changed"] is True
    assert client.post(base + "/stream", json={"action": "start"}, headers=headers).json["changed"] is False
    assert wait_for(lambda: client.get(base, headers=headers).json["stream"]["state"] == "live", 3)
    r = client.post(base + "/stream", json={"action": "stop"}, headers=headers)
    assert r.json["changed"] is True
    r = client.post(base + "/scene", json={}, headers=headers)
    assert r.status_code == 422 and r.json["error"] == "invalid"


def test_rest_refuses_without_token_or_with_the_wrong_role(client, obs_event):
    base = f"/api/v1/events/{obs_event.slug}/obs"
    assert client.get(base).status_code == 401
    assert client.post(base + "/scene", json={"scene": "Scene"}, headers=bearer("moderator")).status_code == 403


def test_rest_says_503_in_the_request_language_when_obs_is_down(client, connected, fake_obs, obs_event):
    fake_obs.stop()
    assert wait_for(lambda: not connected.connected, 2)
    base = f"/api/v1/events/{obs_event.slug}/obs"
    r = client.post(base + "/scene", json={"scene": "Scene"}, headers=bearer())
    assert r.status_code == 503 and r.json["error"] == "obs_disconnected"
    assert r.json["message"].startswith("Mất kết nối")
    r = client.post(base + "/scene", json={"scene": "Scene"}, headers={**bearer(), "Accept-Language": "en"})
    assert r.json["message"].startswith("OBS is disconnected")


def test_rest_not_configured_is_503(client, event):
    r = client.post(f"/api/v1/events/{event.slug}/obs/scene", json={"scene": "A"}, headers=bearer())
    assert r.status_code == 503 and r.json["error"] == "obs_not_configured"
    assert client.get(f"/api/v1/events/{event.slug}/obs", headers=bearer()).json["status"] == "not_configured"
    assert client.get("/api/v1/events/nope/obs", headers=bearer()).status_code == 404


# -- pages ----------------------------------------------------------------------------------------


def test_admin_sets_obs_password_write_only(app, client, auth, event, fake_obs):
    auth.login("admin")
    page = client.get(f"/admin/events/{event.slug}/obs")
    assert page.status_code == 200
    csrf = auth.csrf(f"/admin/events/{event.slug}/obs")
    r = client.post(
        f"/admin/events/{event.slug}/obs",
        data={"host": "127.0.0.1", "port": str(fake_obs.port), "password": fake_obs.password, "csrf_token": csrf},
    )
    assert r.status_code == 302
    try:
        db.session.refresh(event)
        assert event.obs_url == fake_obs.url and unseal(event.obs_password) == fake_obs.password
        assert fake_obs.password not in event.obs_password  # sealed at rest
        html = client.get(f"/admin/events/{event.slug}/obs").get_data(as_text=True)
        assert fake_obs.password not in html and "127.0.0.1" in html
        conn = app.extensions["obs"].manager.peek(event.slug)
        assert wait_for(lambda: conn.connected, 5)
        # an empty password keeps the stored one
        client.post(
            f"/admin/events/{event.slug}/obs",
            data={"host": "127.0.0.1", "port": str(fake_obs.port), "password": "", "csrf_token": csrf},
        )
        db.session.refresh(event)
        assert unseal(event.obs_password) == fake_obs.password
        r = client.post(
            f"/admin/events/{event.slug}/obs",
            data={"host": "bad host/x", "port": "1", "csrf_token": csrf},
            follow_redirects=True,
        )
        assert "không hợp lệ" in r.get_data(as_text=True)
    finally:
        app.extensions["obs"].manager.stop_all()


def test_crew_sees_the_control_panel_and_moderators_do_not(client, auth, event):
    auth.login("crew")
    html = client.get(f"/control/{event.slug}").get_data(as_text=True)
    assert 'id="scenes"' in html and "js/control." in html and "CHUYỂN (TAKE)" in html
    other = client.application.test_client()
    from tests.conftest import AuthActions

    AuthActions(other).login("moderator")
    assert other.get(f"/control/{event.slug}").status_code == 403


def test_overlay_text_sink_sets_native_text_sources(connected, fake_obs, obs_event):
    fake_obs.state.add_input("BC Lower third", "text_ft2_source_v2", {"text": ""}, "Scene")
    assert push_text(obs_event.slug, "BC Lower third", "Trần Thị B — Phó Chủ tịch") is True
    assert fake_obs.state.inputs["BC Lower third"]["settings"]["text"] == "Trần Thị B — Phó Chủ tịch"


# -- one command, both transports -----------------------------------------------------------------


def test_unknown_scene_pack_is_the_same_translated_error_on_rest_and_socket(
    client, socket_client, connected, obs_event
):
    url = f"/api/v1/events/{obs_event.slug}/obs/scene-pack"
    r = client.post(url, json={"pack": "nope"}, headers=bearer())
    assert r.status_code == 422 and r.json["error"] == "obs_invalid"
    assert r.json["message"].startswith("Tham số không hợp lệ")
    r = client.post(url, json={"pack": "nope"}, headers={**bearer(), "Accept-Language": "en"})
    assert r.json["error"] == "obs_invalid" and r.json["message"].startswith("Invalid parameter")
    sio = socket_client("/crew", role="crew")
    ack = sio.emit("obs_apply_scene_pack", {"pack": "nope"}, namespace="/crew", callback=True)
    assert ack == {"ok": False, **dict(client.post(url, json={"pack": "nope"}, headers=bearer()).json.items())}


def test_socket_only_commands_now_have_rest_routes(client, connected, fake_obs, obs_event):
    fake_obs.state.add_input("Mic", "pulse_input_capture", {}, "Scene")
    fake_obs.state.add_input("Clip", "ffmpeg_source", {}, "Scene")
    fake_obs.state.add_input("Lower", "text_ft2_source_v2", {"text": ""}, "Scene")
    headers, base = bearer(), f"/api/v1/events/{obs_event.slug}/obs"
    r = client.post(base + "/studio-mode", json={"enabled": True}, headers=headers)
    assert r.status_code == 200 and r.json == {"ok": True, "studio_mode": True} and fake_obs.state.studio
    r = client.post(base + "/transition", json={"name": "Cut", "duration": 500}, headers=headers)
    assert r.status_code == 200 and fake_obs.state.transition == "Cut" and fake_obs.state.duration == 500
    r = client.post(base + "/transition", json={"duration": 5}, headers=headers)
    assert r.status_code == 422 and r.json["fields"] == ["duration"]
    assert client.post(base + "/mute", json={"input": "Mic", "muted": True}, headers=headers).json["muted"] is True
    assert fake_obs.state.inputs["Mic"]["muted"] is True
    assert client.post(base + "/media", json={"input": "Clip", "action": "play"}, headers=headers).status_code == 200
    assert client.post(base + "/text", json={"input": "Lower", "text": "Xin chào"}, headers=headers).status_code == 200
    assert fake_obs.state.inputs["Lower"]["settings"]["text"] == "Xin chào"
    r = client.post(base + "/text", json={"input": "Nope", "text": "x"}, headers=headers)
    assert r.status_code == 404 and r.json["error"] == "obs_not_found"
    r = client.post(
        base + "/stream-target", json={"server": "rtmp://x.example/live", "key": "k-secret-123456"}, headers=headers
    )
    assert r.status_code == 200 and r.json["target"]["key_masked"].endswith("3456") and "k-secret" not in r.text
    r = client.post(base + "/preview", json={"scene": "Scene"}, headers=headers)
    assert r.status_code == 200 and r.json["preview_scene"] == "Scene"
    client.post(base + "/studio-mode", json={"enabled": False}, headers=headers)
    r = client.post(base + "/preview", json={"scene": "Scene"}, headers=headers)
    assert r.status_code == 409 and r.json["error"] == "obs_studio_mode_off"


def test_state_has_the_same_shape_on_both_transports(client, socket_client, connected, obs_event):
    rest = client.get(f"/api/v1/events/{obs_event.slug}/obs", headers=bearer()).json
    ack = socket_client("/crew", role="crew").emit("obs_state", {}, namespace="/crew", callback=True)
    assert rest["ok"] is True and rest["status"] == "connected"
    assert set(ack) == set(rest) and ack["scenes"] == rest["scenes"]


# -- on-air truth ---------------------------------------------------------------------------------


def test_stream_start_answers_with_the_outcome_obs_reports(client, socket_client, connected, fake_obs, obs_event):
    headers, base = bearer(), f"/api/v1/events/{obs_event.slug}/obs"
    r = client.post(base + "/stream", json={"action": "start"}, headers=headers)
    assert r.status_code == 200 and r.json == {"ok": True, "changed": True, "active": True, "state": "live"}
    r = client.post(base + "/stream", json={"action": "stop"}, headers=headers)
    assert r.status_code == 200 and r.json["state"] == "stopped"
    fake_obs.state.failing_outputs.add("Stream")  # like OBS with no RTMP receiver listening
    client.post(base + "/stream-target", json={"server": "rtmp://127.0.0.1:9/live", "key": "k"}, headers=headers)
    r = client.post(base + "/stream", json={"action": "start"}, headers=headers)
    assert r.status_code == 502 and r.json["error"] == "stream_failed"
    assert r.json["message"].startswith("OBS không phát được") and "rtmp://127.0.0.1:9/live" in r.json["message"]
    r = client.post(base + "/stream", json={"action": "start"}, headers={**headers, "Accept-Language": "en"})
    assert r.json["message"].startswith("OBS could not start the live stream")
    ack = socket_client("/crew", role="crew").emit("obs_stream", {"action": "start"}, namespace="/crew", callback=True)
    assert ack["ok"] is False and ack["error"] == "stream_failed"
    assert wait_for(lambda: client.get(base, headers=headers).json["stream"]["state"] == "stopped", 2)


def test_record_stop_returns_the_file_and_a_failed_record_is_502(client, connected, fake_obs, obs_event):
    headers, base = bearer(), f"/api/v1/events/{obs_event.slug}/obs"
    r = client.post(base + "/record", json={"action": "start"}, headers=headers)
    assert r.status_code == 200 and r.json["state"] == "recording"
    r = client.post(base + "/record", json={"action": "stop"}, headers=headers)
    assert r.status_code == 200 and r.json["state"] == "stopped" and r.json["path"].endswith(".mkv")
    fake_obs.state.failing_outputs.add("Record")
    r = client.post(base + "/record", json={"action": "start"}, headers=headers)
    assert r.status_code == 502 and r.json["error"] == "record_failed"


def test_when_obs_dies_the_outputs_are_unknown_not_live(client, connected, fake_obs, obs_event):
    headers, base = bearer(), f"/api/v1/events/{obs_event.slug}/obs"
    assert client.post(base + "/stream", json={"action": "start"}, headers=headers).json["state"] == "live"
    assert client.post(base + "/record", json={"action": "start"}, headers=headers).json["state"] == "recording"
    t0 = time.monotonic()
    fake_obs.stop()
    assert wait_for(lambda: client.get(base, headers=headers).json["status"] != "connected", 3)
    assert time.monotonic() - t0 < 3
    state = client.get(base, headers=headers).json
    assert state["stream"]["state"] == "unknown" and state["stream"]["active"] is None
    assert state["record"]["state"] == "unknown" and state["record"]["active"] is None
    r = client.post(base + "/stream", json={"action": "start"}, headers=headers)
    assert r.status_code == 503 and r.json["error"] == "obs_disconnected"


# -- the current overlay texts after every (re)connect ----------------------------------------------

TEXT_SOURCES = {
    "BC Lower third": "Phụ đề tên — Chức danh",
    "BC Question": "Câu hỏi đang lên sóng",
    "BC Agenda clock": "00:00",
    "BC Bridge counter": "0/0 điểm cầu đã kết nối",
}


def texts(fake):
    return {name: fake.state.inputs[name]["settings"]["text"] for name in TEXT_SOURCES if name in fake.state.inputs}


def test_a_restarted_obs_gets_the_current_texts_and_empty_stays_empty(app, connected, fake_obs, obs_event):
    from server.models.agenda import AgendaLive
    from server.models.question import Question
    from tests.support import factories

    fake_obs.stop()
    assert wait_for(lambda: not connected.connected, 2)
    db.session.add(
        AgendaLive(
            event_id=obs_event.id,
            timer_duration_s=0,
            warning_s=120,
            danger_s=30,
            slide_index=0,
            lower_third="Nguyễn Văn A — Chủ tịch",
            logo_path="",
        )
    )
    factories.make_site(obs_event)
    db.session.commit()
    restarted = FakeObs(password=fake_obs.password, port=fake_obs.port)
    for name, placeholder in TEXT_SOURCES.items():  # what a fresh OBS shows: the pack's placeholders
        restarted.state.add_input(name, "text_ft2_source_v2", {"text": placeholder}, "Scene")
    restarted.start()
    try:
        expected = {
            "BC Lower third": "Nguyễn Văn A\nChủ tịch",
            "BC Question": "",
            "BC Agenda clock": "",
            "BC Bridge counter": "0/1 điểm cầu đã kết nối",
        }
        assert wait_for(lambda: texts(restarted) == expected, 5), texts(restarted)
        # a question goes on air while OBS is away: the next reconnect shows it
        restarted.stop()
        assert wait_for(lambda: not connected.connected, 2)
        db.session.add(
            Question(event_id=obs_event.id, client_id="c-1", text="Hỏi về ngân sách", author="Trần B", status="on_air")
        )
        db.session.commit()
        restarted.start()
        assert wait_for(
            lambda: restarted.state.inputs["BC Question"]["settings"]["text"] == "Hỏi về ngân sách\nTrần B", 5
        ), texts(restarted)
    finally:
        restarted.stop()


def test_the_scene_pack_sources_start_with_the_current_texts_not_placeholders(socket_client, connected, fake_obs):
    ack = socket_client("/crew", role="crew").emit("obs_apply_scene_pack", {}, namespace="/crew", callback=True)
    assert ack["ok"]
    assert texts(fake_obs) == {
        "BC Lower third": "",
        "BC Question": "",
        "BC Agenda clock": "",
        "BC Bridge counter": "0/0 điểm cầu đã kết nối",
    }


def test_settings_page_says_the_link_status_in_words(client, auth, event):
    auth.login("admin")
    html = client.get(f"/admin/events/{event.slug}/obs").get_data(as_text=True)
    assert 'data-status="' in html
    status = html.split('id="obs-status"', 1)[1].split("</span>", 1)[0]
    assert ">disconnected" not in status and ">not_configured" not in status
    assert any(words in status for words in ("Mất kết nối", "Chưa cấu hình OBS", "Đang kết nối"))


def test_volume_command_sets_the_fader(socket_client, connected, fake_obs):
    fake_obs.state.add_input("Mic", "pulse_input_capture")
    sio = socket_client("/crew", role="crew")
    ack = sio.emit("obs_volume", {"input": "Mic", "volume_db": -6}, namespace="/crew", callback=True)
    assert ack == {"ok": True, "volume_db": -6.0}
    assert fake_obs.state.inputs["Mic"]["volume_db"] == -6.0
    ack = sio.emit("obs_volume", {"input": "Mic", "volume_db": 40}, namespace="/crew", callback=True)
    assert ack["ok"] is False and ack["error"] == "invalid"


def test_overlays_page_lists_every_overlay_and_says_obs_has_no_browser_source(client, auth, connected, obs_event):
    auth.login("crew")
    html = client.get(f"/events/{obs_event.slug}/overlays").get_data(as_text=True)
    for label in (
        "Phụ đề tên",
        "Câu hỏi lên sóng",
        "Đồng hồ và đếm ngược",
        "Dải chữ chương trình",
        "Trình chiếu",
        "Số điểm cầu đã kết nối",
        "Đồng hồ diễn giả",
    ):
        assert f"<h2>{label}</h2>" in html
    for path in ("lower-third", "question", "clock", "ticker", "slides", "counter", "speaker"):
        assert f'value="http://localhost/overlay/{obs_event.slug}/{path}"' in html
    assert "<th>lower-third</th>" not in html  # no raw keys
    assert 'id="no-browser-source"' in html  # the fake OBS has no browser_source kind


def test_overlays_page_without_obs_says_it_does_not_know(client, auth, event):
    auth.login("crew")
    html = client.get(f"/events/{event.slug}/overlays").get_data(as_text=True)
    assert 'id="no-browser-source"' not in html and 'id="obs-unknown"' in html
