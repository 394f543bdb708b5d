"""One supervised OBS connection (one event): lifecycle, serialised requests, mirrored state.

Owns the supervisor loop that connects, probes health, notices a dead socket or event thread,
rebuilds both obsws-python clients with exponential backoff, and gives up (with a clear error)
on close codes 4009/4011. Every request goes through one lock because obsws-python's ReqClient
is not safe for concurrent callers. Control-room actions live in ``actions.py``; state folding in
``state.py``. Concurrency primitives are injected (``spawn``/``sleep``) so this runs under
Socket.IO background tasks with eventlet, gevent or plain threads.
"""

import copy
import logging
import random
import threading
import time

from .actions import ObsCommands
from .client import ConnectionClosed, open_clients
from .errors import FATAL_CLOSE_CODES, ObsError, ObsFatalError, error_for_status
from .state import (
    MEDIA_KINDS,
    BitrateMeter,
    apply_event,
    apply_stats,
    diff,
    empty_state,
    mask_key,
    media_status,
    meter_levels,
    outputs_unknown,
    scene_names,
    volume_db,
)

log = logging.getLogger(__name__)


def thread_spawn(fn, *args):
    t = threading.Thread(target=fn, args=args, daemon=True, name="obs-supervisor")
    t.start()
    return t


def error_dict(err):
    return err.describe()


class ObsConnection(ObsCommands):
    """Supervised connection to one OBS. ``on_change(diff)`` gets every state change."""

    TICK = 0.2  # how often the supervisor looks at the connection, seconds
    TRANSITION_SETTLE = 0.15  # seconds after SceneTransitionEnded before the next switch
    TARGET_FRESH_S = 1.0  # how long our own switch's scene may name the transition that starts
    METERS_INTERVAL = 0.1  # audio levels reach the crew at most ~10 times a second

    def __init__(
        self,
        settings,
        on_change=None,
        *,
        spawn=None,
        sleep=None,
        clock=time.monotonic,
        lock=None,
        probe_interval=1.0,
        backoff_initial=0.5,
        backoff_max=5.0,
        request_timeout=5.0,
        connect_timeout=3.0,
        name="obs",
        on_meters=None,
    ):
        self.settings = settings
        self.on_meters = on_meters  # fn(levels) with {input: {"mag", "peak"}} (dBFS), throttled
        self.name = name
        self._on_change = on_change
        self._spawn = spawn or thread_spawn
        self._sleep = sleep or time.sleep
        self._clock = clock
        self._lock = lock or threading.RLock()  # serialises every request
        self._state_lock = threading.RLock()
        self.probe_interval = probe_interval
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.request_timeout = request_timeout
        self.connect_timeout = connect_timeout
        self._state = empty_state()
        self._req = None
        self._events = None
        self._dead = True
        self._close_code = None
        self._running = False
        self._stopping = False
        self._refresh = set()
        self._meter = BitrateMeter()
        self._listeners = []
        self._transition_started = None
        self._transition_settle_until = 0.0
        self._transition_target = None  # the scene our own switch is going to
        self._meters_sent = float("-inf")
        self.connect_attempts = 0

    # ----------------------------------------------------------------- state
    @property
    def state(self):
        with self._state_lock:
            return copy.deepcopy(self._state)

    @property
    def connected(self):
        return self._state["status"] == "connected" and not self._dead

    def add_listener(self, fn):
        """``fn(event_type, data)`` for every raw OBS event (bench/tests); guarded."""
        self._listeners.append(fn)

    def remove_listener(self, fn):
        if fn in self._listeners:
            self._listeners.remove(fn)

    def _mutate(self, fn=None, **changes):
        with self._state_lock:
            old = copy.deepcopy(self._state)
            if fn is not None:
                fn(self._state)
            self._state.update(changes)
            d = diff(old, self._state)
        if d:
            self._notify(d)
        return d

    def _notify(self, d):
        if self._on_change is None:
            return
        try:
            self._on_change(d)
        except Exception:
            log.exception("OBS on_change callback failed (%s)", self.name)

    # ------------------------------------------------------------- lifecycle
    def start(self):
        """Start the supervisor (idempotent)."""
        if self._running:
            return
        self._running = True
        self._stopping = False
        self._spawn(self._run)

    def stop(self):
        """Stop the supervisor and close the sockets; state becomes disconnected."""
        self._stopping = True
        self._teardown()
        self._mutate(outputs_unknown, status="disconnected", error=None)

    def _wait(self, seconds):
        end = self._clock() + seconds
        while not self._stopping and self._clock() < end:
            self._sleep(min(self.TICK, max(end - self._clock(), 0.0)))

    def _run(self):
        backoff = self.backoff_initial
        try:
            while not self._stopping:
                try:
                    self._connect()
                except ObsFatalError as err:
                    self._teardown()
                    self._fail(err)
                    log.warning("OBS %s: %s; not retrying", self.name, err.code)
                    return
                except (ObsError, ConnectionClosed) as err:
                    self._teardown()
                    if not isinstance(err, ObsError):
                        err = ObsError("obs_unreachable")
                    self._fail(err)
                    self._wait(backoff * random.uniform(0.8, 1.2))
                    backoff = min(backoff * 2, self.backoff_max)
                    continue
                backoff = self.backoff_initial
                self._watch()
                code = self._teardown()
                if self._stopping:
                    break
                if code in FATAL_CLOSE_CODES:
                    self._fail(ObsFatalError(FATAL_CLOSE_CODES[code], status=code))
                    log.warning("OBS %s closed the session (%s); not retrying", self.name, code)
                    return
                self._fail(ObsError("obs_disconnected"))
                self._wait(backoff)
        finally:
            self._running = False

    def _fail(self, err):
        """Not connected (any reason): say why, and stop vouching for the outputs. One log line per
        change of reason, not one per retry (an OBS away for an hour is one line, not thousands)."""
        self._mutate(outputs_unknown, status="disconnected", error=error_dict(err))
        if getattr(self, "_logged_failure", None) != err.code:
            self._logged_failure = err.code
            log.warning("OBS %s not connected: %s (retrying quietly)", self.name, err.code)

    def _connect(self):
        self.connect_attempts += 1
        if self._state["status"] != "connecting":
            self._mutate(status="connecting")
        self._close_code = None
        req, events = open_clients(self.settings, self._handle_event, self._handle_close, timeout=self.connect_timeout)
        with self._lock:
            self._req, self._events, self._dead = req, events, False
        self._meter.reset()
        self.resync()
        self._mutate(status="connected", error=None)
        self._logged_failure = None
        log.info("OBS %s connected to %s", self.name, self.settings.url)

    def _teardown(self):
        """Close both clients; return the close code OBS sent, if any."""
        with self._lock:
            req, events = self._req, self._events
            self._req = self._events = None
            self._dead = True
        if req is not None:
            req.close()
        if events is not None:
            events.close()
        return self._close_code

    def _watch(self):
        next_probe = self._clock()
        while not self._stopping:
            if self._dead or self._events is None or not self._events.alive:
                return
            try:
                if self._refresh:
                    with self._state_lock:
                        sections, self._refresh = self._refresh, set()
                    self.resync(sections)
                if self._clock() >= next_probe:
                    next_probe = self._clock() + self.probe_interval
                    self.poll_stats()
            except ObsError as err:
                if self._dead or err.code in ("obs_timeout", "obs_disconnected"):
                    return
                log.warning("OBS %s refresh failed: %s", self.name, err.code)
            self._sleep(self.TICK)

    def _handle_close(self, code):
        """Event thread ended (socket closed): publish 'disconnected' at once."""
        if code is not None or self._close_code not in FATAL_CLOSE_CODES:
            self._close_code = code
        code = self._close_code
        self._dead = True
        if not self._stopping:
            err = (
                ObsFatalError(FATAL_CLOSE_CODES[code], status=code)
                if code in FATAL_CLOSE_CODES
                else ObsError("obs_disconnected")
            )
            self._fail(err)

    def _handle_meters(self, data):
        """InputVolumeMeters (~20/s from OBS): passed on at most every METERS_INTERVAL, never
        folded into the mirrored state (no diff, no deep copy at that rate)."""
        now = self._clock()
        if self.on_meters is None or now - self._meters_sent < self.METERS_INTERVAL:
            return
        self._meters_sent = now
        try:
            self.on_meters(meter_levels(data.get("inputs")))
        except Exception:
            log.exception("OBS meters callback failed (%s)", self.name)

    def _transition_to(self):
        """Where the transition that just started goes: our own switch's scene, else in
        studio mode the preview (TAKE); None when OBS's own UI switched (its event follows)."""
        target, self._transition_target = self._transition_target, None
        # our own switch's scene, if it was asked for just now: a switch to the scene already on
        # program starts no transition, and its stale target must not name the next one (a TAKE)
        if target and self._clock() - target[1] < self.TARGET_FRESH_S:
            return target[0]
        with self._state_lock:
            return self._state["preview_scene"] if self._state["studio_mode"] else None

    def set_program_scene(self, scene):
        self._transition_target = (scene, self._clock())
        try:
            return super().set_program_scene(scene)
        except ObsError:
            self._transition_target = None
            raise

    def cut(self, scene=None, wait=1.0):
        self._transition_target = (scene, self._clock()) if scene else None
        return super().cut(scene, wait)

    def _handle_event(self, event_type, data):
        if event_type == "InputVolumeMeters":
            self._handle_meters(data)
            return
        if event_type == "ExitStarted":
            self._dead = True
        elif event_type == "SceneTransitionStarted":
            self._transition_started = self._clock()
            data = dict(data, toScene=self._transition_to())
        elif event_type == "SceneTransitionEnded":
            # OBS finishes its own bookkeeping (studio-mode swap, program change) just after:
            # keep "busy" a little longer so the next switch is not swallowed.
            self._transition_started = None
            self._transition_settle_until = self._clock() + self.TRANSITION_SETTLE
        hint = None
        with self._state_lock:
            old = copy.deepcopy(self._state)
            hint = apply_event(self._state, event_type, data)
            d = diff(old, self._state)
        if hint:
            with self._state_lock:
                self._refresh.add(hint)
        if d:
            self._notify(d)
        for fn in list(self._listeners):
            try:
                fn(event_type, data)
            except Exception:
                log.exception("OBS listener failed")

    def transition_busy(self):
        """True while OBS runs a scene transition (bounded by its duration + 0.5 s)."""
        started = self._transition_started
        if started is None:
            return self._clock() < self._transition_settle_until
        limit = ((self._state["transition"].get("duration") or 0) / 1000) + 0.5
        return self._clock() - started < limit

    # -------------------------------------------------------------- requests
    def _client(self):
        req = self._req
        if req is None or self._dead:
            err = self._state.get("error") or {}
            code = err.get("code") if err.get("code") in FATAL_CLOSE_CODES.values() else None
            raise (ObsFatalError(code) if code else ObsError("obs_disconnected"))
        return req

    def _locked(self, fn, timeout):
        if not self._lock.acquire(timeout=timeout):
            raise ObsError("obs_timeout")
        try:
            req = self._client()
            return fn(req)
        except ConnectionClosed as exc:
            self._dead = True
            if exc.code in FATAL_CLOSE_CODES:
                self._close_code = exc.code
                raise ObsFatalError(FATAL_CLOSE_CODES[exc.code], status=exc.code) from exc
            raise ObsError("obs_disconnected") from exc
        finally:
            self._lock.release()

    def raw_call(self, request_type, data=None, timeout=None):
        """One request; returns the raw response (requestStatus + responseData)."""
        timeout = timeout or self.request_timeout
        return self._locked(lambda req: req.request(request_type, data, timeout), timeout)

    def call(self, request_type, data=None, timeout=None):
        """One request; returns responseData (dict) or raises ObsError."""
        resp = self.raw_call(request_type, data, timeout)
        status = resp.get("requestStatus") or {}
        if not status.get("result"):
            raise error_for_status(status.get("code"), status.get("comment"))
        return resp.get("responseData") or {}

    def batch(self, requests, halt_on_failure=False, timeout=None):
        """RequestBatch. ``requests``: [(type, data)] or [{"requestType", "requestData"}].

        Returns [{"type", "ok", "code", "comment", "data"}] in order.
        """
        timeout = timeout or max(self.request_timeout, 10.0)
        wire = []
        for r in requests:
            if isinstance(r, dict):
                wire.append(r)
            else:
                rtype, rdata = (r[0], r[1] if len(r) > 1 else None)
                item = {"requestType": rtype}
                if rdata:
                    item["requestData"] = rdata
                wire.append(item)
        results = self._locked(lambda req: req.request_batch(wire, halt_on_failure, timeout), timeout)
        out = []
        for res in results:
            st = res.get("requestStatus") or {}
            out.append(
                {
                    "type": res.get("requestType"),
                    "ok": bool(st.get("result")),
                    "code": st.get("code"),
                    "comment": st.get("comment"),
                    "data": res.get("responseData") or {},
                }
            )
        return out

    # ---------------------------------------------------------------- mirror
    def poll_stats(self):
        """Health probe + stats: one batch of GetStats/GetStreamStatus/GetRecordStatus."""
        media = [m["name"] for m in self._state["media"]]
        res = self.batch(
            [("GetStats",), ("GetStreamStatus",), ("GetRecordStatus",)]
            + [("GetMediaInputStatus", {"inputName": n}) for n in media],
            timeout=max(2.0, self.probe_interval * 2),
        )
        by = {r["type"]: r["data"] for r in res[:3] if r["ok"]}
        statuses = {n: media_status(r["data"]) for n, r in zip(media, res[3:], strict=False) if r["ok"]}
        now = self._clock()

        def fold(s):
            apply_stats(s, by.get("GetStats"), by.get("GetStreamStatus"), by.get("GetRecordStatus"), self._meter, now)
            if statuses:
                s["media"] = [dict(m, **statuses[m["name"]]) if m["name"] in statuses else m for m in s["media"]]

        self._mutate(fold)

    def resync(self, sections=None):
        """Re-read state from OBS (all sections, or some of scenes/inputs/preview/...)."""
        sections = set(sections or ("version", "scenes", "transition", "outputs", "inputs", "target", "studio"))
        reqs = []
        if "version" in sections:
            reqs.append(("GetVersion",))
        if sections & {"scenes", "preview", "studio"}:
            reqs += [("GetSceneList",), ("GetStudioModeEnabled",)]
        if "transition" in sections:
            reqs += [("GetSceneTransitionList",), ("GetCurrentSceneTransition",)]
        if "outputs" in sections:
            reqs += [("GetStreamStatus",), ("GetRecordStatus",), ("GetStats",)]
        if "target" in sections:
            reqs.append(("GetStreamServiceSettings",))
        if sections & {"inputs", "media"}:
            reqs.append(("GetInputList",))
        res = self.batch(reqs) if reqs else []
        by = {r["type"]: r["data"] for r in res if r["ok"]}
        inputs = by.get("GetInputList", {}).get("inputs")
        audio, media = self._probe_inputs(inputs) if inputs is not None else (None, None)
        now = self._clock()

        def fold(s):
            if "GetVersion" in by:
                s["obs_version"] = by["GetVersion"].get("obsVersion")
            if "GetSceneList" in by:
                sl = by["GetSceneList"]
                s["scenes"] = scene_names(sl.get("scenes"))
                s["program_scene"] = sl.get("currentProgramSceneName")
                s["preview_scene"] = sl.get("currentPreviewSceneName")
            if "GetStudioModeEnabled" in by:
                s["studio_mode"] = bool(by["GetStudioModeEnabled"].get("studioModeEnabled"))
                if not s["studio_mode"]:
                    s["preview_scene"] = None
            if "GetSceneTransitionList" in by:
                s["transitions"] = [
                    t.get("transitionName") for t in by["GetSceneTransitionList"].get("transitions", [])
                ]
            if "GetCurrentSceneTransition" in by:
                t = by["GetCurrentSceneTransition"]
                s["transition"] = {"name": t.get("transitionName"), "duration": t.get("transitionDuration")}
            if "GetStreamServiceSettings" in by:
                t = by["GetStreamServiceSettings"]
                ss = t.get("streamServiceSettings") or {}
                s["stream_target"] = {
                    "service": t.get("streamServiceType"),
                    "server": ss.get("server"),
                    "key_masked": mask_key(ss.get("key")),
                }
            if "GetStreamStatus" in by:
                active = bool(by["GetStreamStatus"].get("outputActive"))
                s["stream"] = dict(s["stream"], state="live" if active else "stopped")
            if "GetRecordStatus" in by:
                active = bool(by["GetRecordStatus"].get("outputActive"))
                s["record"] = dict(s["record"], state="recording" if active else "stopped")
            if any(k in by for k in ("GetStats", "GetStreamStatus", "GetRecordStatus")):
                apply_stats(
                    s, by.get("GetStats"), by.get("GetStreamStatus"), by.get("GetRecordStatus"), self._meter, now
                )
            if audio is not None:
                s["audio"], s["media"] = audio, media

        self._mutate(fold)

    def _probe_inputs(self, inputs):
        names = [i.get("inputName") for i in inputs]
        kinds = {i.get("inputName"): i.get("inputKind") for i in inputs}
        count = len(names)
        reqs = [("GetInputMute", {"inputName": n}) for n in names]
        reqs += [("GetInputVolume", {"inputName": n}) for n in names]
        media_names = [n for n in names if kinds[n] in MEDIA_KINDS]
        reqs += [("GetMediaInputStatus", {"inputName": n}) for n in media_names]
        res = self.batch(reqs) if reqs else []
        mutes, volumes, statuses = res[:count], res[count : 2 * count], res[2 * count :]
        audio = [
            {
                "name": n,
                "kind": kinds[n],
                "muted": bool(m["data"].get("inputMuted")),
                "volume_db": volume_db(v["data"].get("inputVolumeDb")) if v["ok"] else None,
            }
            for n, m, v in zip(names, mutes, volumes, strict=False)
            if m["ok"]
        ]
        media = [
            dict({"name": n, "kind": kinds[n]}, **(media_status(r["data"]) if r["ok"] else media_status({})))
            for n, r in zip(media_names, statuses, strict=False)
        ]
        return audio, media
