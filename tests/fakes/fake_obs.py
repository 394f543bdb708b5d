"""A protocol-faithful fake obs-websocket v5 server for fast tests.

Owns: the v5 handshake (Hello / Identify / Identified, salted SHA-256 authentication), op codes
(Request 6 / RequestResponse 7, RequestBatch 8 / 9, Reidentify 3, Event 5), RequestStatus codes,
event delivery filtered by each session's ``eventSubscriptions`` mask, close codes (4002 decode,
4004 unknown op, 4007 not identified, 4008 already identified, 4009 auth failed, 4010 rpc
version, 4011 kicked), and a scriptable OBS state (scenes, inputs, transitions, outputs).
It runs ``websockets`` on its own asyncio loop in a background thread.
"""

import asyncio
import base64
import hashlib
import json
import secrets
import socket
import threading
import time

from websockets.asyncio.server import serve

# EventSubscription bits (obs-websocket protocol)
GENERAL, CONFIG, SCENES, INPUTS, TRANSITIONS, FILTERS, OUTPUTS, SCENEITEMS, MEDIAINPUTS, VENDORS, UI = (
    1 << i for i in range(11)
)
ALL_LOW_VOLUME = (1 << 11) - 1
EVENT_INTENT = {
    "ExitStarted": GENERAL,
    "CurrentProgramSceneChanged": SCENES,
    "CurrentPreviewSceneChanged": SCENES,
    "SceneListChanged": SCENES,
    "SceneCreated": SCENES,
    "SceneRemoved": SCENES,
    "InputCreated": INPUTS,
    "InputRemoved": INPUTS,
    "InputMuteStateChanged": INPUTS,
    "InputSettingsChanged": INPUTS,
    "InputVolumeChanged": INPUTS,
    "InputVolumeMeters": 1 << 16,
    "CurrentSceneTransitionChanged": TRANSITIONS,
    "CurrentSceneTransitionDurationChanged": TRANSITIONS,
    "SceneTransitionStarted": TRANSITIONS,
    "SceneTransitionEnded": TRANSITIONS,
    "StreamStateChanged": OUTPUTS,
    "RecordStateChanged": OUTPUTS,
    "SceneItemCreated": SCENEITEMS,
    "MediaInputPlaybackStarted": MEDIAINPUTS,
    "MediaInputPlaybackEnded": MEDIAINPUTS,
    "MediaInputActionTriggered": MEDIAINPUTS,
    "StudioModeStateChanged": UI,
}
AUDIO_KINDS = {"pulse_input_capture", "pulse_output_capture", "alsa_input_capture", "ffmpeg_source", "vlc_source"}
MEDIA_KINDS = {"ffmpeg_source", "vlc_source"}
DEFAULT_KINDS = [
    "image_source",
    "color_source_v3",
    "slideshow",
    "pulse_input_capture",
    "pulse_output_capture",
    "ffmpeg_source",
    "text_ft2_source_v2",
    "vlc_source",
]
PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


class RequestError(Exception):
    def __init__(self, code, comment=None):
        self.code, self.comment = code, comment
        super().__init__(comment or str(code))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def auth_string(password, salt, challenge):
    secret = base64.b64encode(hashlib.sha256((password + salt).encode()).digest())
    return base64.b64encode(hashlib.sha256(secret + challenge.encode()).digest()).decode()


class FakeObsState:
    """The scriptable OBS model. Methods named like requests return (data, events)."""

    def __init__(self, input_kinds=None):
        self.scenes = ["Scene"]  # OBS UI order, top first
        self.items = {"Scene": []}  # scene -> [source names], bottom first
        self.inputs = {}  # name -> {"kind", "settings", "muted"}
        self.program = "Scene"
        self.preview = "Scene"
        self.studio = False
        self.transitions = [
            {
                "transitionName": "Cut",
                "transitionKind": "cut_transition",
                "transitionFixed": True,
                "transitionConfigurable": False,
            },
            {
                "transitionName": "Fade",
                "transitionKind": "fade_transition",
                "transitionFixed": False,
                "transitionConfigurable": False,
            },
        ]
        self.transition = "Fade"
        self.duration = 300
        self.stream_service = {"streamServiceType": "rtmp_common", "streamServiceSettings": {}}
        self.stream_started = None
        self.record_started = None
        self.record_count = 0
        self.failing_outputs = set()  # "Stream"/"Record": accepted, then stops (no receiver)
        self.media_state = {}
        self.input_kinds = list(input_kinds or DEFAULT_KINDS)
        self.item_ids = 0

    # helpers ----------------------------------------------------------------
    def _scene(self, d, field="sceneName"):
        name = (d or {}).get(field)
        if name is None:
            raise RequestError(300, f"Your request is missing the `{field}` field.")
        if name not in self.scenes:
            raise RequestError(600, "No source was found by the name of `%s`." % name)
        return name

    def _input(self, d):
        name = (d or {}).get("inputName")
        if name is None:
            raise RequestError(300, "Your request is missing the `inputName` field.")
        if name not in self.inputs:
            raise RequestError(600, "No source was found by the name of `%s`." % name)
        return name

    def scene_list(self):
        n = len(self.scenes)
        return [{"sceneIndex": n - 1 - i, "sceneName": s} for i, s in enumerate(self.scenes)]

    def add_input(self, name, kind, settings=None, scene=None):
        self.inputs[name] = {"kind": kind, "settings": dict(settings or {}), "muted": False}
        if kind in MEDIA_KINDS:
            self.media_state[name] = "OBS_MEDIA_STATE_STOPPED"
        if scene:
            self.items.setdefault(scene, []).append(name)

    # requests ---------------------------------------------------------------
    def GetVersion(self, d):
        return {
            "obsVersion": "29.0.2-fake",
            "obsWebSocketVersion": "5.1.0",
            "rpcVersion": 1,
            "availableRequests": sorted(n for n in dir(self) if n[0].isupper()),
            "supportedImageFormats": ["jpg", "png"],
            "platform": "fake",
            "platformDescription": "fake",
        }, []

    def GetStats(self, d):
        return {
            "cpuUsage": 3.5,
            "memoryUsage": 120.0,
            "availableDiskSpace": 50000.0,
            "activeFps": 30.0,
            "averageFrameRenderTime": 1.0,
            "renderSkippedFrames": 0,
            "renderTotalFrames": 1000,
            "outputSkippedFrames": 0,
            "outputTotalFrames": 100,
            "webSocketSessionIncomingMessages": 0,
            "webSocketSessionOutgoingMessages": 0,
        }, []

    def GetVideoSettings(self, d):
        return {
            "baseWidth": 1280,
            "baseHeight": 720,
            "outputWidth": 1280,
            "outputHeight": 720,
            "fpsNumerator": 30,
            "fpsDenominator": 1,
        }, []

    def GetSceneList(self, d):
        return {
            "currentProgramSceneName": self.program,
            "currentPreviewSceneName": self.preview if self.studio else None,
            "scenes": self.scene_list(),
        }, []

    def GetCurrentProgramScene(self, d):
        return {"currentProgramSceneName": self.program}, []

    def SetCurrentProgramScene(self, d):
        self.program = self._scene(d)
        return {}, [("CurrentProgramSceneChanged", {"sceneName": self.program})]

    def GetCurrentPreviewScene(self, d):
        if not self.studio:
            raise RequestError(506, "Studio mode is not active.")
        return {"currentPreviewSceneName": self.preview}, []

    def SetCurrentPreviewScene(self, d):
        if not self.studio:
            raise RequestError(506, "Studio mode is not active.")
        self.preview = self._scene(d)
        return {}, [("CurrentPreviewSceneChanged", {"sceneName": self.preview})]

    def GetStudioModeEnabled(self, d):
        return {"studioModeEnabled": self.studio}, []

    def SetStudioModeEnabled(self, d):
        on = bool((d or {}).get("studioModeEnabled"))
        if on == self.studio:
            return {}, []
        self.studio = on
        if on:
            self.preview = self.program
        return {}, [("StudioModeStateChanged", {"studioModeEnabled": on})]

    def TriggerStudioModeTransition(self, d):
        if not self.studio:
            raise RequestError(506, "Studio mode is not active.")
        self.program, self.preview = self.preview, self.program
        return {}, [
            ("SceneTransitionStarted", {"transitionName": self.transition}),
            ("CurrentProgramSceneChanged", {"sceneName": self.program}),
            ("CurrentPreviewSceneChanged", {"sceneName": self.preview}),
            ("SceneTransitionEnded", {"transitionName": self.transition}),
        ]

    def GetSceneTransitionList(self, d):
        kind = next(t["transitionKind"] for t in self.transitions if t["transitionName"] == self.transition)
        return {
            "currentSceneTransitionName": self.transition,
            "currentSceneTransitionKind": kind,
            "transitions": self.transitions,
        }, []

    def GetCurrentSceneTransition(self, d):
        t = next(t for t in self.transitions if t["transitionName"] == self.transition)
        return {
            "transitionName": t["transitionName"],
            "transitionKind": t["transitionKind"],
            "transitionFixed": t["transitionFixed"],
            "transitionDuration": None if t["transitionFixed"] else self.duration,
            "transitionConfigurable": False,
            "transitionSettings": None,
        }, []

    def SetCurrentSceneTransition(self, d):
        name = (d or {}).get("transitionName")
        if name not in [t["transitionName"] for t in self.transitions]:
            raise RequestError(600, "No transition was found by that name.")
        self.transition = name
        return {}, [("CurrentSceneTransitionChanged", {"transitionName": name})]

    def SetCurrentSceneTransitionDuration(self, d):
        dur = (d or {}).get("transitionDuration")
        if not isinstance(dur, (int, float)) or not 50 <= dur <= 20000:
            raise RequestError(402, "The field value of `transitionDuration` is out of range.")
        self.duration = int(dur)
        return {}, [("CurrentSceneTransitionDurationChanged", {"transitionDuration": self.duration})]

    def GetStreamServiceSettings(self, d):
        return json.loads(json.dumps(self.stream_service)), []

    def SetStreamServiceSettings(self, d):
        if not (d or {}).get("streamServiceType"):
            raise RequestError(300, "Your request is missing the `streamServiceType` field.")
        self.stream_service = {
            "streamServiceType": d["streamServiceType"],
            "streamServiceSettings": dict(d.get("streamServiceSettings") or {}),
        }
        return {}, []

    def _output_status(self, started, bytes_per_s=125000):
        active = started is not None
        elapsed = (time.monotonic() - started) if active else 0
        ms = int(elapsed * 1000)
        return {
            "outputActive": active,
            "outputBytes": int(elapsed * bytes_per_s),
            "outputDuration": ms,
            "outputTimecode": "%02d:%02d:%06.3f" % (ms // 3_600_000, ms // 60_000 % 60, ms % 60_000 / 1000),
            "outputCongestion": 0.0,
            "outputReconnecting": False,
            "outputSkippedFrames": 0,
            "outputTotalFrames": int(elapsed * 30),
        }

    def GetStreamStatus(self, d):
        return self._output_status(self.stream_started), []

    def _failed_start(self, event_type):
        """Like OBS with no RTMP receiver: the request succeeds, the output stops at once."""
        states = ("OBS_WEBSOCKET_OUTPUT_STARTING", "OBS_WEBSOCKET_OUTPUT_STOPPING", "OBS_WEBSOCKET_OUTPUT_STOPPED")
        return {}, [(event_type, {"outputActive": False, "outputState": s}) for s in states]

    def StartStream(self, d):
        if self.stream_started is not None:
            raise RequestError(500, "The stream output is already running.")
        if "Stream" in self.failing_outputs:
            return self._failed_start("StreamStateChanged")
        self.stream_started = time.monotonic()
        return {}, [
            ("StreamStateChanged", {"outputActive": False, "outputState": "OBS_WEBSOCKET_OUTPUT_STARTING"}),
            ("StreamStateChanged", {"outputActive": True, "outputState": "OBS_WEBSOCKET_OUTPUT_STARTED"}),
        ]

    def StopStream(self, d):
        if self.stream_started is None:
            raise RequestError(501, "The stream output is not running.")
        self.stream_started = None
        return {}, [
            ("StreamStateChanged", {"outputActive": False, "outputState": "OBS_WEBSOCKET_OUTPUT_STOPPING"}),
            ("StreamStateChanged", {"outputActive": False, "outputState": "OBS_WEBSOCKET_OUTPUT_STOPPED"}),
        ]

    def GetRecordStatus(self, d):
        status = self._output_status(self.record_started)
        status["outputPaused"] = False
        return status, []

    def StartRecord(self, d):
        if self.record_started is not None:
            raise RequestError(500, "The record output is already running.")
        if "Record" in self.failing_outputs:
            return self._failed_start("RecordStateChanged")
        self.record_started = time.monotonic()
        return {}, [
            (
                "RecordStateChanged",
                {"outputActive": False, "outputPath": None, "outputState": "OBS_WEBSOCKET_OUTPUT_STARTING"},
            ),
            (
                "RecordStateChanged",
                {"outputActive": True, "outputPath": None, "outputState": "OBS_WEBSOCKET_OUTPUT_STARTED"},
            ),
        ]

    def StopRecord(self, d):
        if self.record_started is None:
            raise RequestError(501, "The record output is not running.")
        self.record_started = None
        self.record_count += 1
        path = f"/tmp/fake-obs-recording-{self.record_count}.mkv"
        return {"outputPath": path}, [
            (
                "RecordStateChanged",
                {"outputActive": False, "outputPath": None, "outputState": "OBS_WEBSOCKET_OUTPUT_STOPPING"},
            ),
            (
                "RecordStateChanged",
                {"outputActive": False, "outputPath": path, "outputState": "OBS_WEBSOCKET_OUTPUT_STOPPED"},
            ),
        ]

    def GetInputKindList(self, d):
        return {"inputKinds": list(self.input_kinds)}, []

    def GetInputList(self, d):
        kind = (d or {}).get("inputKind")
        return {
            "inputs": [
                {"inputName": n, "inputKind": i["kind"], "unversionedInputKind": i["kind"].rsplit("_v", 1)[0]}
                for n, i in self.inputs.items()
                if not kind or i["kind"] == kind
            ]
        }, []

    def GetInputMute(self, d):
        name = self._input(d)
        if self.inputs[name]["kind"] not in AUDIO_KINDS:
            raise RequestError(604, "The specified input does not support audio.")
        return {"inputMuted": self.inputs[name]["muted"]}, []

    def SetInputMute(self, d):
        name = self._input(d)
        if self.inputs[name]["kind"] not in AUDIO_KINDS:
            raise RequestError(604, "The specified input does not support audio.")
        self.inputs[name]["muted"] = bool(d.get("inputMuted"))
        return {}, [("InputMuteStateChanged", {"inputName": name, "inputMuted": self.inputs[name]["muted"]})]

    def GetInputVolume(self, d):
        name = self._input(d)
        if self.inputs[name]["kind"] not in AUDIO_KINDS:
            raise RequestError(604, "The specified input does not support audio.")
        return {"inputVolumeDb": self.inputs[name].get("volume_db", 0.0), "inputVolumeMul": 1.0}, []

    def SetInputVolume(self, d):
        name = self._input(d)
        if self.inputs[name]["kind"] not in AUDIO_KINDS:
            raise RequestError(604, "The specified input does not support audio.")
        self.inputs[name]["volume_db"] = d.get("inputVolumeDb")
        return {}, [("InputVolumeChanged", {"inputName": name, "inputVolumeDb": d.get("inputVolumeDb")})]

    def GetInputSettings(self, d):
        name = self._input(d)
        return {"inputKind": self.inputs[name]["kind"], "inputSettings": dict(self.inputs[name]["settings"])}, []

    def SetInputSettings(self, d):
        name = self._input(d)
        settings = d.get("inputSettings")
        if not isinstance(settings, dict):
            raise RequestError(300, "Your request is missing the `inputSettings` field.")
        if d.get("overlay", True):
            self.inputs[name]["settings"].update(settings)
        else:
            self.inputs[name]["settings"] = dict(settings)
        return {}, [("InputSettingsChanged", {"inputName": name, "inputSettings": self.inputs[name]["settings"]})]

    def CreateScene(self, d):
        name = (d or {}).get("sceneName")
        if not name:
            raise RequestError(300, "Your request is missing the `sceneName` field.")
        if name in self.scenes or name in self.inputs:
            raise RequestError(601, "A source already exists by that scene name.")
        self.scenes.append(name)
        self.items[name] = []
        return {}, [
            ("SceneCreated", {"sceneName": name, "isGroup": False}),
            ("SceneListChanged", {"scenes": self.scene_list()}),
        ]

    def CreateInput(self, d):
        scene = self._scene(d)
        name, kind = d.get("inputName"), d.get("inputKind")
        if not name or not kind:
            raise RequestError(300, "Your request is missing a field.")
        if name in self.inputs or name in self.scenes:
            raise RequestError(601, "A source already exists by that input name.")
        if kind not in self.input_kinds:
            raise RequestError(605, "Your specified input kind is not supported by OBS.")
        self.add_input(name, kind, d.get("inputSettings"), scene)
        self.item_ids += 1
        return {"sceneItemId": self.item_ids}, [
            ("InputCreated", {"inputName": name, "inputKind": kind, "inputSettings": d.get("inputSettings") or {}})
        ]

    def GetSceneItemList(self, d):
        scene = self._scene(d)
        return {
            "sceneItems": [
                {"sourceName": s, "sceneItemIndex": i, "sceneItemId": i + 1}
                for i, s in enumerate(self.items.get(scene, []))
            ]
        }, []

    def CreateSceneItem(self, d):
        scene = self._scene(d)
        src = d.get("sourceName")
        if src not in self.inputs and src not in self.scenes:
            raise RequestError(600, "No source was found by that name.")
        self.items.setdefault(scene, []).append(src)
        self.item_ids += 1
        return {"sceneItemId": self.item_ids}, [("SceneItemCreated", {"sceneName": scene, "sourceName": src})]

    def SetSceneItemTransform(self, d):
        self._scene(d)
        return {}, []

    def GetMediaInputStatus(self, d):
        name = self._input(d)
        if self.inputs[name]["kind"] not in MEDIA_KINDS:
            raise RequestError(602, "The input is not a media input.")
        return {
            "mediaState": self.media_state.get(name, "OBS_MEDIA_STATE_NONE"),
            "mediaDuration": self.inputs[name].get("duration_ms"),
            "mediaCursor": self.inputs[name].get("cursor_ms"),
        }, []

    def TriggerMediaInputAction(self, d):
        name = self._input(d)
        action = d.get("mediaAction", "")
        state = {
            "OBS_WEBSOCKET_MEDIA_INPUT_ACTION_PLAY": "OBS_MEDIA_STATE_PLAYING",
            "OBS_WEBSOCKET_MEDIA_INPUT_ACTION_RESTART": "OBS_MEDIA_STATE_PLAYING",
            "OBS_WEBSOCKET_MEDIA_INPUT_ACTION_STOP": "OBS_MEDIA_STATE_STOPPED",
            "OBS_WEBSOCKET_MEDIA_INPUT_ACTION_PAUSE": "OBS_MEDIA_STATE_PAUSED",
        }.get(action)
        if state is None:
            raise RequestError(400, "Invalid mediaAction.")
        self.media_state[name] = state
        events = [("MediaInputActionTriggered", {"inputName": name, "mediaAction": action})]
        if state == "OBS_MEDIA_STATE_PLAYING":
            events.append(("MediaInputPlaybackStarted", {"inputName": name}))
        return {}, events

    def GetSourceScreenshot(self, d):
        src = (d or {}).get("sourceName")
        if src not in self.scenes and src not in self.inputs:
            raise RequestError(600, "No source was found by that name.")
        fmt = d.get("imageFormat", "png")
        return {"imageData": f"data:image/{fmt};base64,{PNG_1PX}"}, []


class FakeObs:
    """The fake server. ``start()``, ``stop()`` (abrupt, like a crash), ``kick()``, ``emit()``."""

    def __init__(self, password="fake-secret", port=None, input_kinds=None):
        self.password = password
        self.port = port or free_port()
        self.state = FakeObsState(input_kinds)
        self.lock = threading.RLock()
        self.request_delay = 0.0  # seconds each request takes
        self.fail = {}  # requestType -> (code, comment)
        self.identify_attempts = 0
        self.failed_identifies = 0
        self.connections = 0
        self.requests = []  # request types received, in order
        self.in_flight = 0
        self.max_in_flight = 0
        self._sessions = set()
        self._loop = None
        self._thread = None
        self._server = None

    @property
    def url(self):
        return f"ws://127.0.0.1:{self.port}"

    # lifecycle ---------------------------------------------------------------
    def start(self):
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()

        def run():
            asyncio.set_event_loop(self._loop)

            async def main():
                self._server = await serve(self._session, "127.0.0.1", self.port, max_size=2**24, ping_interval=None)
                ready.set()
                await self._server.serve_forever()

            try:
                self._loop.run_until_complete(main())
            except asyncio.CancelledError:
                pass
            finally:
                pending = [t for t in asyncio.all_tasks(self._loop) if not t.done()]
                if pending:
                    self._loop.run_until_complete(asyncio.wait(pending, timeout=1))
                self._loop.close()

        self._thread = threading.Thread(target=run, daemon=True, name="fake-obs")
        self._thread.start()
        if not ready.wait(5):
            raise RuntimeError("fake OBS did not start")
        return self

    def stop(self):
        """Vanish like a killed OBS: drop every TCP connection without a close frame."""
        if self._loop is None:
            return

        def down():
            self._server.close(close_connections=False)
            for ws in list(self._sessions):
                ws.transport.abort()
            self._sessions.clear()
            for task in asyncio.all_tasks(self._loop):
                task.cancel()

        self._loop.call_soon_threadsafe(down)
        self._thread.join(5)
        self._loop = None

    def kick(self, code=4011, reason="You have been kicked."):
        """Close every identified session with ``code`` (4011 = SessionInvalidated)."""

        async def close_all():
            for ws in list(self._sessions):
                await ws.close(code, reason)

        asyncio.run_coroutine_threadsafe(close_all(), self._loop).result(5)

    def emit(self, event_type, data=None):
        """Send an event (respecting subscriptions) as if OBS produced it."""
        asyncio.run_coroutine_threadsafe(self._broadcast([(event_type, data or {})]), self._loop).result(5)

    @property
    def session_count(self):
        return sum(1 for ws in self._sessions if getattr(ws, "identified", False))

    # protocol ----------------------------------------------------------------
    async def _broadcast(self, events):
        for event_type, data in events:
            intent = EVENT_INTENT.get(event_type, GENERAL)
            msg = json.dumps({"op": 5, "d": {"eventType": event_type, "eventIntent": intent, "eventData": data}})
            for ws in list(self._sessions):
                if getattr(ws, "identified", False) and ws.subs & intent:
                    try:
                        await ws.send(msg)
                    except Exception:
                        pass

    def _execute(self, rtype, rdata):
        """Run one request against the state: (status dict, data, events)."""
        if not rtype:
            return {"result": False, "code": 203, "comment": "Missing requestType."}, None, []
        if rtype in self.fail:
            code, comment = self.fail[rtype]
            return {"result": False, "code": code, "comment": comment}, None, []
        handler = getattr(self.state, rtype, None) if rtype[0].isupper() else None
        if handler is None:
            return {"result": False, "code": 204, "comment": "Your request type is not valid."}, None, []
        with self.lock:
            try:
                data, events = handler(rdata or {})
            except RequestError as err:
                return {"result": False, "code": err.code, "comment": err.comment}, None, []
        return {"result": True, "code": 100}, data, events

    async def _request(self, d):
        self.requests.append(d.get("requestType"))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.request_delay:
                await asyncio.sleep(self.request_delay)
            return self._execute(d.get("requestType"), d.get("requestData"))
        finally:
            self.in_flight -= 1

    async def _session(self, ws):
        self.connections += 1
        ws.identified = False
        ws.subs = 0
        self._sessions.add(ws)
        salt, challenge = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        hello = {"obsWebSocketVersion": "5.1.0", "rpcVersion": 1}
        if self.password:
            hello["authentication"] = {"challenge": challenge, "salt": salt}
        try:
            await ws.send(json.dumps({"op": 0, "d": hello}))
            async for raw in ws:
                try:
                    msg = json.loads(raw)
                    op, d = msg["op"], msg.get("d") or {}
                except (ValueError, KeyError, TypeError):
                    await ws.close(4002, "Unable to decode message.")
                    return
                if op == 1:
                    self.identify_attempts += 1
                    if ws.identified:
                        await ws.close(4008, "You are already identified with the obs-websocket server.")
                        return
                    if d.get("rpcVersion") != 1:
                        await ws.close(4010, "Your requested RPC version is not supported.")
                        return
                    if self.password and d.get("authentication") != auth_string(self.password, salt, challenge):
                        self.failed_identifies += 1
                        await ws.close(4009, "Authentication failed.")
                        return
                    ws.subs = d.get("eventSubscriptions", ALL_LOW_VOLUME)
                    ws.identified = True
                    await ws.send(json.dumps({"op": 2, "d": {"negotiatedRpcVersion": 1}}))
                elif not ws.identified:
                    await ws.close(4007, "You attempted to send a non-Identify message while not identified.")
                    return
                elif op == 3:
                    ws.subs = d.get("eventSubscriptions", ws.subs)
                    await ws.send(json.dumps({"op": 2, "d": {"negotiatedRpcVersion": 1}}))
                elif op == 6:
                    status, data, events = await self._request(d)
                    resp = {
                        "requestType": d.get("requestType"),
                        "requestId": d.get("requestId"),
                        "requestStatus": status,
                    }
                    if data is not None:
                        resp["responseData"] = data
                    await ws.send(json.dumps({"op": 7, "d": resp}))
                    await self._broadcast(events)
                elif op == 8:
                    results, events = [], []
                    for item in d.get("requests") or []:
                        rtype = item.get("requestType")
                        if rtype == "Sleep":
                            await asyncio.sleep((item.get("requestData") or {}).get("sleepMillis", 0) / 1000)
                            status, data, evs = {"result": True, "code": 100}, None, []
                        else:
                            status, data, evs = await self._request(item)
                        res = {"requestType": rtype, "requestStatus": status}
                        if item.get("requestId") is not None:
                            res["requestId"] = item["requestId"]
                        if data is not None:
                            res["responseData"] = data
                        results.append(res)
                        events += evs
                        if d.get("haltOnFailure") and not status["result"]:
                            break
                    await ws.send(json.dumps({"op": 9, "d": {"requestId": d.get("requestId"), "results": results}}))
                    await self._broadcast(events)
                else:
                    await ws.close(4004, "Unknown op code.")
                    return
        except Exception:
            pass
        finally:
            self._sessions.discard(ws)
