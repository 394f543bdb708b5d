"""The mirror's tally moves when a transition starts (not when it ends), audio levels come
through throttled and never as state diffs, faders and media timing are mirrored — against
the fake obs-websocket server."""

from server.services.obs.state import apply_event, empty_state, level_db, meter_levels
from tests.fakes.obs_fixtures import wait_for


def test_transition_start_with_a_target_moves_the_tally():
    state = empty_state()
    state["program_scene"] = "Opening"
    apply_event(state, "SceneTransitionStarted", {"transitionName": "Fade", "toScene": "Speaker"})
    assert state["program_scene"] == "Speaker"
    apply_event(state, "SceneTransitionStarted", {"transitionName": "Fade", "toScene": None})
    assert state["program_scene"] == "Speaker"


def test_levels_are_dbfs_of_the_loudest_channel():
    levels = meter_levels(
        [
            {"inputName": "Mic", "inputLevelsMul": [[0.1, 0.5, 0.5], [0.01, 1.0, 1.0]]},
            {"inputName": "Silent", "inputLevelsMul": []},
        ]
    )
    assert levels == {"Mic": {"mag": -20.0, "peak": 0.0}, "Silent": {"mag": -60.0, "peak": -60.0}}
    assert level_db(0.0) == -60.0


def test_our_switch_is_program_when_obs_starts_the_transition(obs, fake_obs):
    fake_obs.state.scenes.append("Speaker")
    fake_obs.state.items["Speaker"] = []
    obs._transition_target = ("Speaker", obs._clock())  # as set_program_scene does before asking OBS
    fake_obs.emit("SceneTransitionStarted", {"transitionName": "Fade"})
    assert wait_for(lambda: obs.state["program_scene"] == "Speaker", 2)


def test_a_stale_switch_target_never_names_a_later_transition(obs):
    """A switch to the scene already on program starts no transition; a TAKE a while later must
    tally the preview, not the stale target (the real OBS showed the wrong scene as on air)."""
    with obs._state_lock:
        obs._state.update(studio_mode=True, preview_scene="Q&A", program_scene="Opening")
    obs._transition_target = ("Opening", obs._clock() - 5)
    obs._handle_event("SceneTransitionStarted", {"transitionName": "Fade"})
    assert obs.state["program_scene"] == "Q&A"


def test_studio_take_tallies_the_preview_at_transition_start(obs):
    with obs._state_lock:
        obs._state.update(studio_mode=True, preview_scene="Slides", program_scene="Scene")
    obs._handle_event("SceneTransitionStarted", {"transitionName": "Fade"})
    assert obs.state["program_scene"] == "Slides"


def test_meters_are_throttled_and_stay_out_of_the_state(obs, fake_obs):
    got = []
    obs.on_meters = got.append
    before = len(obs.changes)
    payload = {"inputs": [{"inputName": "Mic/Aux", "inputLevelsMul": [[0.5, 0.5, 0.5]]}]}
    for _ in range(20):  # a burst far above 10/s
        fake_obs.emit("InputVolumeMeters", payload)
    assert wait_for(lambda: got, 2)
    assert len(got) <= 2
    assert got[0] == {"Mic/Aux": {"mag": -6.0, "peak": -6.0}}
    assert len(obs.changes) == before


def test_fader_and_media_timing_are_mirrored(obs, fake_obs):
    fake_obs.state.add_input("Clip", "ffmpeg_source")
    fake_obs.state.inputs["Clip"].update(duration_ms=90_000, cursor_ms=30_000)
    fake_obs.emit("InputCreated", {"inputName": "Clip"})
    assert wait_for(lambda: any(m["name"] == "Clip" for m in obs.state["media"]), 3)
    media = next(m for m in obs.state["media"] if m["name"] == "Clip")
    assert media["duration_ms"] == 90_000 and media["cursor_ms"] == 30_000
    assert obs.set_volume("Clip", -12.5) == {"volume_db": -12.5}
    assert wait_for(lambda: next(a for a in obs.state["audio"] if a["name"] == "Clip")["volume_db"] == -12.5, 2)
