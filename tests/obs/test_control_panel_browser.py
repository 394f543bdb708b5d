"""The control panel in Chromium against the fake obs-websocket server and a real Bridgecast
server: stopping the stream or the recording takes a second press (one stray click never ends
a broadcast), the record stop says where the file went, and the outputs are above the fold."""

import pytest

from tests.fakes.fake_obs import FakeObs
from tests.fakes.obs_fixtures import wait_for
from tests.support.browser import screenshot

pytestmark = [pytest.mark.timeout(120), pytest.mark.browser]
SLUG = "demo-plenary"


@pytest.fixture
def fake_obs():
    server = FakeObs().start()
    yield server
    server.stop()


@pytest.fixture
def server(start_server, fake_obs):
    return start_server(env={"BRIDGECAST_OBS_URL": fake_obs.url, "BRIDGECAST_OBS_PASSWORD": fake_obs.password})


def login(page, server):
    page.goto(server.url + "/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", server.admin_password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def open_panel(page, server):
    login(page, server)
    page.goto(f"{server.url}/control/{SLUG}")
    page.wait_for_selector("#obs-badge[data-status=connected]", timeout=20000)


def test_one_click_does_not_stop_the_stream_two_clicks_do(server, fake_obs, page):
    open_panel(page, server)
    page.click("#stream-start")
    page.wait_for_selector("#stream-state[data-state=live]", timeout=10000)
    stop = page.locator("#stream-stop")
    box = stop.bounding_box()
    assert box["y"] + box["height"] <= 900, "stream controls must be above the fold at 1440×900"

    page.evaluate("""() => { window.stoppingSeen = 0;
        document.addEventListener('bc:stream-stopping', () => { window.stoppingSeen += 1; }); }""")
    stop.click()
    assert stop.inner_text() == "Bấm lần nữa để dừng phát"
    page.wait_for_timeout(600)
    assert fake_obs.state.stream_started is not None  # still live
    assert page.evaluate("window.stoppingSeen") == 0

    stop.click()
    page.wait_for_selector("#stream-state[data-state=stopped]", timeout=10000)
    assert fake_obs.state.stream_started is None
    assert page.evaluate("window.stoppingSeen") == 1
    assert stop.inner_text() == "Dừng phát"


def test_an_armed_stop_disarms_after_four_seconds(server, fake_obs, page):
    open_panel(page, server)
    page.click("#stream-start")
    page.wait_for_selector("#stream-state[data-state=live]", timeout=10000)
    page.click("#stream-stop")
    page.wait_for_selector("#stream-stop:not([data-armed])", timeout=6000)
    page.click("#stream-stop")  # a fresh first press again
    page.wait_for_timeout(500)
    assert fake_obs.state.stream_started is not None


def test_record_stop_needs_two_presses_and_shows_the_file(server, fake_obs, page):
    open_panel(page, server)
    page.click("#record-start")
    page.wait_for_selector("#record-state[data-state=recording]", timeout=10000)
    page.click("#record-stop")
    assert page.locator("#record-stop").inner_text() == "Bấm lần nữa để dừng ghi"
    assert fake_obs.state.record_started is not None
    page.click("#record-stop")
    page.wait_for_selector("#toast:not([hidden])", timeout=10000)
    assert "/tmp/fake-obs-recording-1.mkv" in page.locator("#toast").inner_text()
    assert wait_for(lambda: fake_obs.state.record_started is None, 5)


def test_mixer_shows_levels_faders_and_media_in_words(server, fake_obs, page):
    fake_obs.state.add_input("Mic chủ toạ", "pulse_input_capture")
    fake_obs.state.add_input("Phóng sự khai mạc", "ffmpeg_source")
    fake_obs.state.inputs["Phóng sự khai mạc"].update(duration_ms=125_000, cursor_ms=5_000)
    fake_obs.emit("InputCreated", {"inputName": "Phóng sự khai mạc"})  # the server is already connected
    open_panel(page, server)
    strip = page.locator('.strip[data-input="Mic chủ toạ"]')
    strip.wait_for()
    assert strip.locator(".mute").inner_text() == "Tắt tiếng"  # words, not an emoji box

    # live levels reach the meter
    for _ in range(5):
        fake_obs.emit(
            "InputVolumeMeters", {"inputs": [{"inputName": "Mic chủ toạ", "inputLevelsMul": [[0.5, 0.7, 0.7]]}]}
        )
        page.wait_for_timeout(120)
    vu = strip.locator(".vu")
    assert float(vu.get_attribute("aria-valuenow")) > -6

    # the fader sets OBS's volume
    strip.locator(".fader").fill("-12")
    strip.locator(".fader").dispatch_event("change")
    assert wait_for(lambda: fake_obs.state.inputs["Mic chủ toạ"].get("volume_db") == -12, 5)

    media = page.locator('.media-item[data-input="Phóng sự khai mạc"]')
    media.wait_for()
    assert "(stopped)" not in media.inner_text()
    assert media.locator(".media-state").inner_text() == "Đã dừng"
    assert "2:00" in media.locator(".media-left").inner_text()
    assert media.locator("button[data-action=pause]").inner_text() == "Tạm dừng"
    media.locator("button[data-action=play]").click()
    page.wait_for_selector('.media-item[data-input="Phóng sự khai mạc"][data-state=playing]', timeout=5000)


@pytest.fixture
def congress_obs():
    """A fake OBS dressed like the congress: the scene pack's scenes with camera-like frames,
    mics, a reportage, studio mode, live and recording."""
    from tests.support.demo_frames import LOOKS, frame

    server = FakeObs()
    st = server.state
    st.scenes = list(LOOKS)
    st.items = {s: [] for s in st.scenes}
    st.program, st.preview, st.studio = "Speaker", "Slides", True
    st.add_input("Mic chủ toạ", "pulse_input_capture")
    st.add_input("Mic bục phát biểu", "alsa_input_capture")
    st.add_input("Âm thanh máy tính", "pulse_output_capture")
    st.add_input("Phóng sự khai mạc", "ffmpeg_source")
    st.inputs["Phóng sự khai mạc"].update(duration_ms=272_000, cursor_ms=95_000, volume_db=-6.0)
    st.inputs["Âm thanh máy tính"]["muted"] = True
    st.inputs["Mic bục phát biểu"]["volume_db"] = -3.5
    st.media_state["Phóng sự khai mạc"] = "OBS_MEDIA_STATE_PLAYING"
    st.stream_service = {
        "streamServiceType": "rtmp_custom",
        "streamServiceSettings": {"server": "rtmps://live-api-s.facebook.com:443/rtmp/", "key": "FB-1234567890-abcd"},
    }
    frames = {s: frame(s) for s in st.scenes}
    st.GetSourceScreenshot = lambda d: ({"imageData": frames.get((d or {}).get("sourceName"), frames["Break"])}, [])
    import time as _time

    st.stream_started = st.record_started = _time.monotonic() - 3725
    server.start()
    yield server
    server.stop()


def test_control_panel_screenshot(start_server, congress_obs, page):
    import threading

    server = start_server(
        env={"BRIDGECAST_OBS_URL": congress_obs.url, "BRIDGECAST_OBS_PASSWORD": congress_obs.password}
    )
    open_panel(page, server)
    page.wait_for_selector("#stream-state[data-state=live]", timeout=10000)
    page.wait_for_selector("#program-img[src^='data:image/']", timeout=10000)
    page.wait_for_selector('.scene[data-scene="Break"] img:not([hidden])', timeout=10000)
    stop = threading.Event()

    def meters():
        import math

        t = 0
        while not stop.is_set():
            t += 1
            congress_obs.emit(
                "InputVolumeMeters",
                {
                    "inputs": [
                        {"inputName": "Mic chủ toạ", "inputLevelsMul": [[0.05, 0.08, 0.08]]},
                        {
                            "inputName": "Mic bục phát biểu",
                            "inputLevelsMul": [[0.3 + 0.1 * math.sin(t), 0.55, 0.55]] * 2,
                        },
                        {"inputName": "Âm thanh máy tính", "inputLevelsMul": [[0.0, 0.0, 0.0]]},
                        {"inputName": "Phóng sự khai mạc", "inputLevelsMul": [[0.2, 0.35, 0.35]] * 2},
                    ]
                },
            )
            stop.wait(0.05)

    feeder = threading.Thread(target=meters, daemon=True)
    feeder.start()
    try:
        page.wait_for_selector('.strip[data-input="Mic bục phát biểu"] .vu[aria-valuenow]', timeout=5000)
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(800)
        expect_strip = page.locator(".live-strip, [data-live-strip], #live-strip")
        assert expect_strip.count() >= 1, "the live strip is on the control panel"
        screenshot(page, "control-panel")
    finally:
        stop.set()
        feeder.join(2)


def test_a_stream_that_cannot_connect_is_said_and_obs_loss_alarms(server, fake_obs, page):
    """A start whose output fails (no RTMP receiver) is reported in the panel with OBS's outcome,
    never shown live; OBS dying while live turns the outputs to "unknown" and raises the strip's alarm."""
    open_panel(page, server)
    page.wait_for_selector('#live-strip [data-part="obs"][data-tone="ok"]', timeout=10000)
    fake_obs.state.failing_outputs.add("Stream")
    page.click("#stream-start")
    toast = page.locator("#toast")
    toast.wait_for(state="visible", timeout=15000)
    assert "OBS không phát được luồng trực tiếp" in toast.inner_text()
    assert page.locator("#stream-state").get_attribute("data-state") != "live"
    assert page.locator('#live-strip [data-part="air"]').get_attribute("data-tone") != "live"

    fake_obs.state.failing_outputs.clear()
    page.click("#stream-start")
    page.wait_for_selector("#stream-state[data-state=live]", timeout=10000)
    page.wait_for_selector('#live-strip [data-part="air"][data-tone="live"]', timeout=5000)
    page.evaluate(
        "() => { window.beeps = 0; const o = AudioContext.prototype.createOscillator;"
        " AudioContext.prototype.createOscillator = function () { window.beeps += 1; return o.call(this); }; }"
    )
    fake_obs.stop()
    page.wait_for_selector('#live-strip [data-part="obs"][data-tone="danger"]', timeout=5000)
    page.wait_for_selector("#stream-state[data-state=unknown]", timeout=5000)
    assert page.locator('#live-strip [data-part="air"]').get_attribute("data-tone") == "warn"
    assert page.locator("#live-strip").get_attribute("data-alarm")
    assert page.evaluate("window.beeps") > 0
