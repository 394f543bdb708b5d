"""Pure OBS service pieces: state folding, bitrate, masking, settings, errors, scene packs."""

import pytest

from server.services.obs import ObsError, ObsSettings, load_scene_pack, mask_key
from server.services.obs.scene_pack import resolve_source, validate_pack
from server.services.obs.settings import settings_for_event
from server.services.obs.state import BitrateMeter, apply_event, apply_stats, empty_state, outputs_unknown


def test_mask_key_keeps_only_last_four_characters():
    assert mask_key("live_abcdefgh1234") == "••••••••1234"
    assert "abc" not in mask_key("abcdef")
    assert mask_key("") == ""


def test_settings_repr_never_shows_password():
    s = ObsSettings.from_url("ws://10.0.0.5:4456", "hunter2")
    assert (s.host, s.port) == ("10.0.0.5", 4456)
    assert "hunter2" not in repr(s) and "hunter2" not in str(s.public())
    assert s.public()["password_set"] is True


@pytest.mark.parametrize("bad", ["", "http://x:1", "ws://"])
def test_settings_reject_bad_urls(bad):
    with pytest.raises(ValueError):
        ObsSettings.from_url(bad)


def test_event_settings_override_env_default():
    env = {"BRIDGECAST_OBS_URL": "ws://obs-main:4455", "BRIDGECAST_OBS_PASSWORD": "envpw"}

    class Event:
        obs_url, obs_password = "ws://forum2:4460", "forumpw"

    assert settings_for_event(None, env) == ObsSettings("obs-main", 4455, "envpw")
    assert settings_for_event(Event(), env) == ObsSettings("forum2", 4460, "forumpw")
    assert settings_for_event(None, {}) is None


def test_bitrate_comes_from_byte_deltas():
    meter = BitrateMeter()
    assert meter.sample(0, 10.0) == 0
    assert meter.sample(250_000, 12.0) == 1000  # 250 kB in 2 s = 1000 kbit/s
    assert meter.sample(100, 13.0) == 0  # counter reset (new stream)


def test_stream_state_follows_events_and_polling():
    s = empty_state()
    for state, expected in [
        ("OBS_WEBSOCKET_OUTPUT_STARTING", "starting"),
        ("OBS_WEBSOCKET_OUTPUT_STARTED", "live"),
        ("OBS_WEBSOCKET_OUTPUT_RECONNECTING", "reconnecting"),
        ("OBS_WEBSOCKET_OUTPUT_RECONNECTED", "live"),
        ("OBS_WEBSOCKET_OUTPUT_STOPPING", "stopping"),
        ("OBS_WEBSOCKET_OUTPUT_STOPPED", "stopped"),
    ]:
        apply_event(
            s, "StreamStateChanged", {"outputState": state, "outputActive": expected in ("live", "reconnecting")}
        )
        assert s["stream"]["state"] == expected
    apply_stats(
        s,
        None,
        {"outputActive": True, "outputBytes": 0, "outputCongestion": 0.5, "outputSkippedFrames": 3},
        None,
        BitrateMeter(),
        1.0,
    )
    assert s["stream"]["state"] == "live"
    assert {"congestion", "dropped_frames"} <= set(s["warnings"])


def test_low_disk_warning():
    s = empty_state()
    apply_stats(s, {"availableDiskSpace": 500.0}, None, None, BitrateMeter(), 0)
    assert "low_disk" in s["warnings"]


def test_obs_error_speaks_vietnamese_and_english():
    err = ObsError("obs_disconnected")
    assert err.text("vi").startswith("Mất kết nối")
    assert err.text("en").startswith("OBS is disconnected")
    assert err.describe()["code"] == "obs_disconnected"
    as_service = err.to_service_error()
    assert as_service.status == 503 and as_service.to_dict()["error"] == "obs_disconnected"


def test_obs_errors_map_to_one_status_each():
    statuses = {
        code: ObsError(code).to_service_error().status
        for code in (
            "obs_not_found",
            "obs_invalid",
            "obs_studio_mode_off",
            "obs_request_failed",
            "stream_failed",
            "obs_not_configured",
            "obs_disconnected",
            "obs_auth_failed",
            "obs_timeout",
        )
    }
    assert statuses == {
        "obs_not_found": 404,
        "obs_invalid": 422,
        "obs_studio_mode_off": 409,
        "obs_request_failed": 502,
        "stream_failed": 502,
        "obs_not_configured": 503,
        "obs_disconnected": 503,
        "obs_auth_failed": 503,
        "obs_timeout": 503,
    }


def test_outputs_are_unknown_until_obs_says_and_after_the_link_drops():
    s = empty_state()
    assert s["stream"]["state"] == s["record"]["state"] == "unknown"
    apply_stats(s, None, {"outputActive": True}, {"outputActive": False}, BitrateMeter(), 0)
    assert s["stream"]["state"] == "live" and s["record"]["state"] == "stopped"
    outputs_unknown(s)
    assert s["stream"]["state"] == s["record"]["state"] == "unknown" and s["stream"]["active"] is None


def test_congress_pack_declares_the_congress_scenes():
    pack = load_scene_pack("congress")
    names = [s["name"] for s in pack["scenes"]]
    assert names == ["Opening", "Speaker", "Panel", "Slides", "Bridge grid", "Q&A", "Break"]


def test_pack_with_undeclared_source_is_rejected():
    with pytest.raises(ValueError):
        validate_pack({"sources": {}, "scenes": [{"name": "A", "sources": ["Nope"]}]})


def test_overlay_is_browser_source_when_available_else_text():
    spec = {"kind": "overlay", "path": "lower-third", "fallback": "text", "settings": {"text": "x", "size": 40}}
    kind, settings, mode = resolve_source(
        spec, {"browser_source", "text_ft2_source_v2"}, "http://bc:5000", "forum-1", (1920, 1080)
    )
    assert (kind, mode) == ("browser_source", "browser")
    assert settings["url"] == "http://bc:5000/overlay/forum-1/lower-third"
    kind, settings, mode = resolve_source(spec, {"text_ft2_source_v2"}, "http://bc:5000", "forum-1", (1920, 1080))
    assert (kind, mode) == ("text_ft2_source_v2", "native")
    assert settings["text"] == "x" and settings["font"]["size"] == 40  # 1080p canvas: size as declared
