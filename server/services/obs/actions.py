"""High-level OBS commands the crew uses, as a mixin over ``call``/``batch``/``state``.

Owns the meaning of each control-room action (take, cut, stream start/stop...) in terms of
obs-websocket requests: idempotent start/stop (never toggles), TAKE/CUT in studio mode, stream
target with the key masked on the way out, outputs that answer with the outcome OBS reports,
media actions, text sources, screenshots.
"""

import time

from .errors import ObsError, error_for_status
from .state import mask_key

MEDIA_ACTIONS = {
    "play": "OBS_WEBSOCKET_MEDIA_INPUT_ACTION_PLAY",
    "pause": "OBS_WEBSOCKET_MEDIA_INPUT_ACTION_PAUSE",
    "stop": "OBS_WEBSOCKET_MEDIA_INPUT_ACTION_STOP",
    "restart": "OBS_WEBSOCKET_MEDIA_INPUT_ACTION_RESTART",
}
OUTPUT_RUNNING, OUTPUT_NOT_RUNNING = 500, 501
OUTPUT_EVENTS = {"Stream": "StreamStateChanged", "Record": "RecordStateChanged"}
OUTPUT_FAILED = {"Stream": "stream_failed", "Record": "record_failed"}
LIVE_STATE = {"Stream": "live", "Record": "recording"}
OUTCOME_WAIT_S = 10.0  # how long a start/stop waits for OBS to report the outcome
OUTCOME_POLL_S = 0.02


class _Outcome:
    """Listens to one output's state events: ``final`` becomes "started" or "stopped"."""

    def __init__(self, event_type, action):
        self.event_type, self.action = event_type, action
        self.final = None
        self.path = None

    def __call__(self, event_type, data):
        if event_type != self.event_type or self.final is not None:
            return
        state = data.get("outputState")
        if state == "OBS_WEBSOCKET_OUTPUT_STARTED" and self.action == "start":
            self.final = "started"
        elif state == "OBS_WEBSOCKET_OUTPUT_STOPPED":
            self.path = data.get("outputPath")
            self.final = "stopped"


def _unchanged(kind, active):
    return {"changed": False, "active": active, "state": LIVE_STATE[kind] if active else "stopped"}


def _name(value, what="name"):
    if not isinstance(value, str) or not value.strip() or len(value) > 256:
        raise ObsError("obs_invalid", detail=what)
    return value


class ObsCommands:
    """Mixin: needs ``call(type, data)``, ``batch(requests)`` and ``state``."""

    def _after_transition(self, limit=2.0):
        """OBS drops (or, for the preview, overrides when it swaps at the end) a switch asked
        for while a transition runs: wait for the transition to end (bounded)."""
        busy = getattr(self, "transition_busy", None)
        waited = 0.0
        while busy is not None and busy() and waited < limit:
            self._sleep(0.01)
            waited += 0.01

    # ---------------------------------------------------------------- scenes
    def _transition_begins(self):
        """Mark a transition as started now, before OBS's event arrives (closes a race)."""
        if hasattr(self, "_transition_started"):
            self._transition_started = self._clock()

    def set_program_scene(self, scene):
        self._after_transition()
        before = self.state.get("program_scene")
        self.call("SetCurrentProgramScene", {"sceneName": _name(scene, "scene")})
        if scene != before:
            self._transition_begins()
        return {"program_scene": scene}

    def set_preview_scene(self, scene):
        self._after_transition()
        self.call("SetCurrentPreviewScene", {"sceneName": _name(scene, "scene")})
        return {"preview_scene": scene}

    def set_studio_mode(self, enabled):
        self.call("SetStudioModeEnabled", {"studioModeEnabled": bool(enabled)})
        return {"studio_mode": bool(enabled)}

    def take(self):
        """TAKE: preview -> program with the current transition (studio mode)."""
        self._after_transition()
        self.call("TriggerStudioModeTransition")
        self._transition_begins()
        return {}

    def _cut_transition(self):
        for t in self.call("GetSceneTransitionList").get("transitions", []):
            if t.get("transitionKind") == "cut_transition":
                return t["transitionName"]
        raise ObsError("obs_not_found", detail="Cut transition")

    def cut(self, scene=None, wait=1.0):
        """CUT: switch instantly (preview -> program in studio mode, else to ``scene``).

        OBS runs transitions asynchronously: switching the transition back before the cut has
        happened cancels it, so we wait (bounded) for the program change before restoring.
        """
        self._after_transition()
        current = self.call("GetCurrentSceneTransition").get("transitionName")
        cut_name = self._cut_transition()
        studio = bool(self.call("GetStudioModeEnabled").get("studioModeEnabled"))
        if studio:
            target = self.call("GetCurrentPreviewScene").get("currentPreviewSceneName")
            action = ("TriggerStudioModeTransition", None)
        else:
            target = _name(scene, "scene")
            action = ("SetCurrentProgramScene", {"sceneName": target})
        done = []

        def seen(event_type, data):
            # Only the program change to *our* target counts: a previous transition's late
            # events must not end the wait early (restoring too soon cancels the cut).
            if event_type == "CurrentProgramSceneChanged" and data.get("sceneName") == target:
                done.append(event_type)

        self.add_listener(seen)
        try:
            results = self.batch([("SetCurrentSceneTransition", {"transitionName": cut_name}), action])
            failed = [r for r in results if not r["ok"]]
            if not failed and current != cut_name:
                waited = 0.0
                while not done and waited < wait:
                    self._sleep(0.01)
                    waited += 0.01
        finally:
            self.remove_listener(seen)
            if current != cut_name:
                self.call("SetCurrentSceneTransition", {"transitionName": current})
        if failed:
            raise error_for_status(failed[0]["code"], failed[0]["comment"])
        return {}

    def set_transition(self, name=None, duration_ms=None):
        reqs = []
        if name:
            reqs.append(("SetCurrentSceneTransition", {"transitionName": _name(name, "transition")}))
        if duration_ms is not None:
            try:
                duration = int(duration_ms)
            except (TypeError, ValueError):
                raise ObsError("obs_invalid", detail="duration") from None
            if not 50 <= duration <= 20000:
                raise ObsError("obs_invalid", detail="duration 50–20000 ms")
            reqs.append(("SetCurrentSceneTransitionDuration", {"transitionDuration": duration}))
        if not reqs:
            raise ObsError("obs_invalid", detail="transition")
        for r in self.batch(reqs):
            if not r["ok"]:
                raise error_for_status(r["code"], r["comment"])
        return {}

    # --------------------------------------------------------------- outputs
    def _output(self, kind, action, wait=OUTCOME_WAIT_S):
        """Start or stop an output and answer with OBS's outcome, not with its receipt: OBS
        accepts StartStream at once and reports later (``StreamStateChanged``) whether the
        output started or stopped again (no RTMP receiver, disk full...)."""
        status = self.call(f"Get{kind}Status")
        active = bool(status.get("outputActive"))
        if (action == "start") == active:
            return _unchanged(kind, active)
        outcome = _Outcome(OUTPUT_EVENTS[kind], action)
        self.add_listener(outcome)
        try:
            try:
                data = self.call(f"{'Start' if action == 'start' else 'Stop'}{kind}")
            except ObsError as err:
                if err.status in (OUTPUT_RUNNING, OUTPUT_NOT_RUNNING):
                    return _unchanged(kind, err.status == OUTPUT_RUNNING)
                raise
            final = self._await_outcome(outcome, kind, wait)
        finally:
            self.remove_listener(outcome)
        if action == "start" and final != "started":
            raise ObsError(OUTPUT_FAILED[kind], detail=self._output_target(kind))
        out = {
            "changed": True,
            "active": action == "start",
            "state": LIVE_STATE[kind] if action == "start" else "stopped",
        }
        path = data.get("outputPath") or outcome.path
        if path:
            out["path"] = path
        return out

    def _await_outcome(self, outcome, kind, wait):
        """ "started" or "stopped" as OBS reports it; polled once more when no event came in time.
        A connection lost meanwhile is obs_disconnected (the outcome is unknown)."""
        clock = getattr(self, "_clock", time.monotonic)
        deadline = clock() + wait
        while outcome.final is None and clock() < deadline:
            if getattr(self, "_dead", False):
                raise ObsError("obs_disconnected")
            self._sleep(OUTCOME_POLL_S)
        if outcome.final is not None:
            return outcome.final
        active = bool(self.call(f"Get{kind}Status").get("outputActive"))
        if active == (outcome.action == "start"):
            return "started" if active else "stopped"
        raise ObsError("obs_timeout")

    def _output_target(self, kind):
        """What a failed output aimed at (the stream server, never the key), for the message."""
        if kind != "Stream":
            return None
        return (self.state.get("stream_target") or {}).get("server") or None

    def start_stream(self):
        """Idempotent; answers once OBS reports the stream live (or failed: stream_failed)."""
        return self._output("Stream", "start")

    def stop_stream(self):
        return self._output("Stream", "stop")

    def start_record(self):
        return self._output("Record", "start")

    def stop_record(self):
        """Idempotent; returns ``path`` of the recording when one was stopped."""
        return self._output("Record", "stop")

    def stream(self, action):
        if action not in ("start", "stop"):
            raise ObsError("obs_invalid", detail="action")
        return self.start_stream() if action == "start" else self.stop_stream()

    def record(self, action):
        if action not in ("start", "stop"):
            raise ObsError("obs_invalid", detail="action")
        return self.start_record() if action == "start" else self.stop_record()

    def set_stream_target(self, server, key):
        """Custom RTMP target. The key goes to OBS and never comes back unmasked."""
        server = (server or "").strip()
        if not server.startswith(("rtmp://", "rtmps://", "srt://")) or len(server) > 512:
            raise ObsError("obs_invalid", detail="server")
        if not isinstance(key, str) or len(key) > 512:
            raise ObsError("obs_invalid", detail="key")
        self.call(
            "SetStreamServiceSettings",
            {"streamServiceType": "rtmp_custom", "streamServiceSettings": {"server": server, "key": key}},
        )
        target = {"service": "rtmp_custom", "server": server, "key_masked": mask_key(key)}
        if hasattr(self, "_mutate"):
            self._mutate(stream_target=target)
        return target

    def get_stream_target(self):
        data = self.call("GetStreamServiceSettings")
        ss = data.get("streamServiceSettings") or {}
        return {
            "service": data.get("streamServiceType"),
            "server": ss.get("server"),
            "key_masked": mask_key(ss.get("key")),
        }

    # ---------------------------------------------------------------- inputs
    def set_mute(self, input_name, muted):
        self.call("SetInputMute", {"inputName": _name(input_name, "input"), "inputMuted": bool(muted)})
        return {"muted": bool(muted)}

    def set_volume(self, input_name, volume_db):
        """The input's fader, in dB (-100 = silent .. 26)."""
        try:
            value = float(volume_db)
        except (TypeError, ValueError):
            raise ObsError("obs_invalid", detail="volume") from None
        if not -100 <= value <= 26:
            raise ObsError("obs_invalid", detail="volume -100–26 dB")
        self.call("SetInputVolume", {"inputName": _name(input_name, "input"), "inputVolumeDb": value})
        return {"volume_db": round(value, 1)}

    def media(self, input_name, action):
        if action not in MEDIA_ACTIONS:
            raise ObsError("obs_invalid", detail="media action")
        self.call(
            "TriggerMediaInputAction", {"inputName": _name(input_name, "input"), "mediaAction": MEDIA_ACTIONS[action]}
        )
        return {}

    def set_text(self, input_name, text):
        """Set the text of a native text source (overlay fallback without browser source)."""
        if not isinstance(text, str) or len(text) > 5000:
            raise ObsError("obs_invalid", detail="text")
        self.call(
            "SetInputSettings",
            {"inputName": _name(input_name, "input"), "inputSettings": {"text": text}, "overlay": True},
        )
        return {}

    def set_input_settings(self, input_name, settings):
        """Merge ``settings`` into an input's settings (e.g. an image source's ``file``)."""
        if not isinstance(settings, dict):
            raise ObsError("obs_invalid", detail="settings")
        self.call(
            "SetInputSettings", {"inputName": _name(input_name, "input"), "inputSettings": settings, "overlay": True}
        )
        return {}

    def input_kinds(self):
        """The source kinds this OBS can create (``browser_source`` when it has the browser plugin)."""
        return self.call("GetInputKindList", {"unversioned": True}).get("inputKinds", [])

    def get_input_settings(self, input_name):
        return self.call("GetInputSettings", {"inputName": _name(input_name, "input")})

    def screenshot(self, source, width=320, image_format="jpg", quality=70, timeout=None):
        """GetSourceScreenshot -> data URI string (``data:image/jpg;base64,...``)."""
        data = {
            "sourceName": _name(source, "source"),
            "imageFormat": image_format,
            "imageWidth": int(width),
            "imageCompressionQuality": int(quality),
        }
        return self.call("GetSourceScreenshot", data, timeout=timeout).get("imageData")

    def screenshots(self, sources, width=320, image_format="jpg", quality=60):
        """Several thumbnails in one batch: {source: data URI or None}."""
        sources = [s for s in sources if s]
        if not sources:
            return {}
        res = self.batch(
            [
                (
                    "GetSourceScreenshot",
                    {
                        "sourceName": s,
                        "imageFormat": image_format,
                        "imageWidth": int(width),
                        "imageCompressionQuality": int(quality),
                    },
                )
                for s in sources
            ]
        )
        return {s: (r["data"].get("imageData") if r["ok"] else None) for s, r in zip(sources, res)}
