"""The mirrored OBS state of one event, and how obs-websocket events change it.

Owns the snapshot shape sent to the control panel and the pure functions that fold OBS events
and polled status into it. No I/O here: ``connection.py`` feeds it and broadcasts the diffs.
The stream key never enters this state (only a masked form does).
"""

import copy
import math

STREAM_STATES = {
    "OBS_WEBSOCKET_OUTPUT_STARTING": "starting",
    "OBS_WEBSOCKET_OUTPUT_STARTED": "live",
    "OBS_WEBSOCKET_OUTPUT_RECONNECTING": "reconnecting",
    "OBS_WEBSOCKET_OUTPUT_RECONNECTED": "live",
    "OBS_WEBSOCKET_OUTPUT_STOPPING": "stopping",
    "OBS_WEBSOCKET_OUTPUT_STOPPED": "stopped",
}
RECORD_STATES = {
    "OBS_WEBSOCKET_OUTPUT_STARTING": "starting",
    "OBS_WEBSOCKET_OUTPUT_STARTED": "recording",
    "OBS_WEBSOCKET_OUTPUT_PAUSED": "paused",
    "OBS_WEBSOCKET_OUTPUT_RESUMED": "recording",
    "OBS_WEBSOCKET_OUTPUT_STOPPING": "stopping",
    "OBS_WEBSOCKET_OUTPUT_STOPPED": "stopped",
}
MEDIA_KINDS = {"ffmpeg_source", "vlc_source"}
MEDIA_STATES = {
    "OBS_MEDIA_STATE_PLAYING": "playing",
    "OBS_MEDIA_STATE_PAUSED": "paused",
    "OBS_MEDIA_STATE_STOPPED": "stopped",
    "OBS_MEDIA_STATE_ENDED": "ended",
    "OBS_MEDIA_STATE_OPENING": "opening",
    "OBS_MEDIA_STATE_BUFFERING": "buffering",
    "OBS_MEDIA_STATE_ERROR": "error",
    "OBS_MEDIA_STATE_NONE": "none",
}
UNKNOWN = "unknown"
LOW_DISK_MB = 2048
CONGESTION_WARN = 0.3


def empty_state():
    return {
        "status": "disconnected",  # not_configured | connecting | connected | disconnected
        "error": None,  # {"code", "message_vi", "message_en"} while not connected
        "obs_version": None,
        "program_scene": None,
        "preview_scene": None,
        "studio_mode": False,
        "scenes": [],  # names, top of OBS's list first
        "transition": {"name": None, "duration": None},
        "transitions": [],
        # stream/record "unknown" (active None) while OBS is not connected: never claim "live"
        # or "stopped" without OBS saying so
        "stream": {
            "state": UNKNOWN,
            "active": None,
            "reconnecting": False,
            "timecode": None,
            "bitrate_kbps": 0,
            "congestion": 0.0,
            "skipped_frames": 0,
            "total_frames": 0,
        },
        "record": {"state": UNKNOWN, "active": None, "timecode": None, "path": None},
        "stream_target": {"service": None, "server": None, "key_masked": None},
        "audio": [],  # [{"name", "kind", "muted", "volume_db"}]
        "media": [],  # [{"name", "kind", "state", "duration_ms", "cursor_ms"}]
        "stats": {
            "fps": None,
            "cpu": None,
            "memory_mb": None,
            "disk_free_mb": None,
            "render_skipped": 0,
            "render_total": 0,
            "output_skipped": 0,
            "output_total": 0,
        },
        "warnings": [],
    }


def outputs_unknown(state):
    """The link to OBS is gone: whether it still streams or records is unknown (mutates)."""
    state["stream"] = dict(
        state["stream"], state=UNKNOWN, active=None, reconnecting=False, timecode=None, bitrate_kbps=0, congestion=0.0
    )
    state["record"] = dict(state["record"], state=UNKNOWN, active=None, timecode=None)
    state["warnings"] = compute_warnings(state)


def mask_key(key):
    """'live_1234567890abcd' -> '••••••••abcd'; short keys are fully masked."""
    if not key:
        return ""
    return "•" * 8 + (key[-4:] if len(key) >= 12 else "")


def diff(old, new):
    """Top-level keys whose value changed."""
    return {k: copy.deepcopy(v) for k, v in new.items() if old.get(k) != v}


def scene_names(scene_list):
    """GetSceneList/SceneListChanged scenes -> names top-first (as OBS's UI shows them)."""
    scenes = sorted(scene_list or [], key=lambda s: s.get("sceneIndex", 0), reverse=True)
    return [s.get("sceneName") for s in scenes]


def compute_warnings(state):
    warnings = []
    stats, stream = state["stats"], state["stream"]
    if stream["active"] and stream["congestion"] and stream["congestion"] >= CONGESTION_WARN:
        warnings.append("congestion")
    if stream["skipped_frames"]:
        warnings.append("dropped_frames")
    if (
        stats["render_skipped"]
        and stats["render_total"]
        and stats["render_skipped"] / max(stats["render_total"], 1) > 0.01
    ):
        warnings.append("render_lag")
    if stats["disk_free_mb"] is not None and stats["disk_free_mb"] < LOW_DISK_MB:
        warnings.append("low_disk")
    if stream["state"] == "reconnecting":
        warnings.append("stream_reconnecting")
    return warnings


def apply_event(state, event_type, data):
    """Fold one obs-websocket event into ``state`` (mutated). Returns a refresh hint or None.

    The hint names a section the connection should re-read from OBS ("scenes", "inputs",
    "preview"), for events that do not carry the full new state.
    """
    if event_type == "CurrentProgramSceneChanged":
        state["program_scene"] = data.get("sceneName")
    elif event_type == "SceneTransitionStarted":
        # Tally at the start of the transition, not at its end: the connection adds the scene
        # it is going to (``toScene``) when it knows it (our own switch, or studio-mode TAKE).
        if data.get("toScene"):
            state["program_scene"] = data["toScene"]
    elif event_type == "CurrentPreviewSceneChanged":
        state["preview_scene"] = data.get("sceneName")
    elif event_type == "StudioModeStateChanged":
        state["studio_mode"] = bool(data.get("studioModeEnabled"))
        if not state["studio_mode"]:
            state["preview_scene"] = None
            return None
        return "preview"
    elif event_type == "SceneListChanged":
        state["scenes"] = scene_names(data.get("scenes"))
    elif event_type in ("SceneCreated", "SceneRemoved", "SceneNameChanged"):
        return "scenes"
    elif event_type == "CurrentSceneTransitionChanged":
        state["transition"] = dict(state["transition"], name=data.get("transitionName"))
        return "transition"
    elif event_type == "CurrentSceneTransitionDurationChanged":
        state["transition"] = dict(state["transition"], duration=data.get("transitionDuration"))
    elif event_type == "StreamStateChanged":
        stream = dict(state["stream"])
        stream["state"] = STREAM_STATES.get(data.get("outputState"), stream["state"])
        stream["active"] = bool(data.get("outputActive"))
        stream["reconnecting"] = stream["state"] == "reconnecting"
        if not stream["active"]:
            stream["bitrate_kbps"] = 0
        state["stream"] = stream
    elif event_type == "RecordStateChanged":
        record = dict(state["record"])
        record["state"] = RECORD_STATES.get(data.get("outputState"), record["state"])
        record["active"] = bool(data.get("outputActive"))
        if data.get("outputPath"):
            record["path"] = data["outputPath"]
        state["record"] = record
    elif event_type == "InputMuteStateChanged":
        state["audio"] = [
            dict(a, muted=bool(data.get("inputMuted"))) if a["name"] == data.get("inputName") else a
            for a in state["audio"]
        ]
    elif event_type == "InputVolumeChanged":
        state["audio"] = [
            dict(a, volume_db=volume_db(data.get("inputVolumeDb"))) if a["name"] == data.get("inputName") else a
            for a in state["audio"]
        ]
    elif event_type in ("InputCreated", "InputRemoved", "InputNameChanged"):
        return "inputs"
    elif event_type in ("MediaInputPlaybackStarted", "MediaInputPlaybackEnded"):
        new = "playing" if event_type.endswith("Started") else "ended"
        state["media"] = [dict(m, state=new) if m["name"] == data.get("inputName") else m for m in state["media"]]
    elif event_type == "MediaInputActionTriggered":
        return "media"
    state["warnings"] = compute_warnings(state)
    return None


METER_FLOOR_DB = -60.0


def volume_db(value):
    """OBS's fader value in dB (-100..26), rounded; None stays None."""
    if value is None:
        return None
    return round(max(-100.0, min(26.0, float(value))), 1)


def level_db(multiplier):
    """A linear level (0..1) as dBFS, floored at -60 dB."""
    if not multiplier or multiplier <= 0:
        return METER_FLOOR_DB
    return round(max(METER_FLOOR_DB, 20 * math.log10(multiplier)), 1)


def meter_levels(inputs):
    """InputVolumeMeters ``inputs`` -> {name: {"mag": dB, "peak": dB}} (loudest channel).

    Each input's ``inputLevelsMul`` is one [magnitude, peak, input peak] triple per channel."""
    out = {}
    for item in inputs or []:
        channels = [c for c in (item.get("inputLevelsMul") or []) if isinstance(c, (list, tuple)) and len(c) >= 2]
        mag = max((c[0] for c in channels), default=0.0)
        peak = max((c[1] for c in channels), default=0.0)
        out[item.get("inputName")] = {"mag": level_db(mag), "peak": level_db(peak)}
    return out


def media_status(data):
    """GetMediaInputStatus -> the media entry's {"state", "duration_ms", "cursor_ms"}."""
    return {
        "state": MEDIA_STATES.get(data.get("mediaState"), "none"),
        "duration_ms": data.get("mediaDuration"),
        "cursor_ms": data.get("mediaCursor"),
    }


class BitrateMeter:
    """Bitrate from successive ``outputBytes`` samples (kbit/s); resets when bytes go down."""

    def __init__(self):
        self._last = None

    def sample(self, output_bytes, now):
        last, self._last = self._last, (output_bytes, now)
        if last is None or output_bytes < last[0] or now <= last[1]:
            return 0
        return int(round((output_bytes - last[0]) * 8 / 1000 / (now - last[1])))

    def reset(self):
        self._last = None


def apply_stats(state, stats, stream_status, record_status, meter, now):
    """Fold GetStats/GetStreamStatus/GetRecordStatus responses into ``state`` (mutated)."""
    if stats:
        state["stats"] = {
            "fps": round(stats.get("activeFps") or 0, 2),
            "cpu": round(stats.get("cpuUsage") or 0, 1),
            "memory_mb": round(stats.get("memoryUsage") or 0, 1),
            "disk_free_mb": round(stats.get("availableDiskSpace") or 0, 1),
            "render_skipped": stats.get("renderSkippedFrames", 0),
            "render_total": stats.get("renderTotalFrames", 0),
            "output_skipped": stats.get("outputSkippedFrames", 0),
            "output_total": stats.get("outputTotalFrames", 0),
        }
    if stream_status:
        stream = dict(state["stream"])
        active = bool(stream_status.get("outputActive"))
        stream.update(
            active=active,
            reconnecting=bool(stream_status.get("outputReconnecting")),
            timecode=stream_status.get("outputTimecode") if active else None,
            congestion=round(stream_status.get("outputCongestion") or 0, 3),
            skipped_frames=stream_status.get("outputSkippedFrames", 0),
            total_frames=stream_status.get("outputTotalFrames", 0),
        )
        if active:
            stream["bitrate_kbps"] = meter.sample(stream_status.get("outputBytes", 0), now)
        else:
            meter.reset()
            stream["bitrate_kbps"] = 0
        # Polled truth wins over a missed event (e.g. after a reconnect).
        if active and stream["state"] in ("stopped", UNKNOWN):
            stream["state"] = "live"
        if not active and stream["state"] in ("live", "reconnecting", UNKNOWN):
            stream["state"] = "stopped"
        if stream["reconnecting"]:
            stream["state"] = "reconnecting"
        state["stream"] = stream
    if record_status:
        record = dict(state["record"])
        active = bool(record_status.get("outputActive"))
        record.update(active=active, timecode=record_status.get("outputTimecode") if active else None)
        if active and record["state"] in ("stopped", UNKNOWN):
            record["state"] = "paused" if record_status.get("outputPaused") else "recording"
        if not active and record["state"] in ("recording", "paused", UNKNOWN):
            record["state"] = "stopped"
        state["record"] = record
    state["warnings"] = compute_warnings(state)
