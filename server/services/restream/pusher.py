"""One fan page: one supervised ``ffmpeg -i <ingest> -c copy -f flv <page>`` and its health.

Owns the ffmpeg command line, the supervision loop (restart with capped exponential backoff,
a stall watchdog, give up after too many failures), reading ``-progress pipe:1`` (bitrate,
out_time, speed) and stderr (the last error, classified into a reason), and the state
machine: idle → connecting → live, retrying between attempts, failed when it gave up, and
waiting while the program is absent from the ingest (OBS stopped, crashed or not yet streaming:
the ingest refuses readers of a stream nobody publishes and drops them when the publisher goes,
see ``ingest.py``). Waiting never counts toward ``failed``: the input is polled every
``INPUT_POLL_S`` and the page resumes by itself when the program is back.

The stream key never leaves this object: the target URL is only handed to ffmpeg, and every
text kept from ffmpeg is scrubbed of the key and the URL that carries it before it is stored,
shown or logged. Nothing here touches Flask: the relay passes ``spawn``/``sleep`` (Socket.IO's
background tasks) and receives changes through ``on_change``.
"""

import logging
import re
import subprocess
import threading
import time
from collections import deque

from server.logs import redact
from server.services.restream.subprocesses import reap, terminate, thread_spawn

log = logging.getLogger(__name__)

IDLE, CONNECTING, LIVE, RETRYING, WAITING, FAILED = "idle", "connecting", "live", "retrying", "waiting", "failed"
STATES = (IDLE, CONNECTING, LIVE, RETRYING, WAITING, FAILED)

# Reasons an attempt ended, from ffmpeg's stderr (first match wins; lower-case text).
REASONS = (
    ("no_video", ("matches no streams",)),  # -map 0:v:0 found no picture in the program (yet)
    (
        "auth_refused",
        (
            "unauthorized",
            "authentication",
            "forbidden",
            "badname",
            "publish.denied",
            "access denied",
            "server error: 40",
            "403",
            "401",
        ),
    ),
    (
        "dns",
        (
            "failed to resolve",
            "name or service not known",
            "temporary failure in name resolution",
            "no address associated",
        ),
    ),
    ("connection_refused", ("connection refused",)),
    ("tls", ("tls", "ssl", "certificate", "handshake")),
    ("timeout", ("timed out", "timeout")),
    ("bad_url", ("protocol not found", "invalid argument", "no such file", "unknown protocol")),
    (
        "connection_lost",
        ("broken pipe", "connection reset", "end of file", "input/output error", "error writing", "error muxing"),
    ),
)
PERMANENT = {"auth_refused", "dns", "bad_url"}  # retrying rarely helps: give up sooner
INPUT_REASONS = {"input_lost", "source_unavailable"}  # the program is not at the ingest: wait for it
INPUT_POLL_S = 2.0  # while waiting, one ffmpeg probe per page this often (about 70 ms of CPU each)
STALL_S = 12.0  # no progress for this long while live: the source or the page is stuck
POLL_S = 0.25


def classify(text, source_url=""):
    """The reason an ffmpeg run ended, from its stderr."""
    low = text.lower()
    if source_url:
        # a line about the ingest's URL (ffmpeg opens the input before the page, and names the
        # input when it ends): our nginx is down (refused) or it has no program (no such stream,
        # or the publisher left and the reader was dropped); the stream name may be masked by the
        # log redaction, so the application's URL is what identifies it
        ingest = source_url.lower().rsplit("/", 1)[0] + "/"
        for line in low.splitlines():
            if line.startswith(ingest):
                return "source_unavailable" if "refused" in line else "input_lost"
    for reason, needles in REASONS:
        if any(n in low for n in needles):
            return reason
    return "ffmpeg_error"


def backoff_delay(failures, initial, cap):
    """1, 2, 4... seconds (``initial`` doubled per consecutive failure), never above ``cap``."""
    return min(cap, initial * (2 ** max(0, failures - 1)))


class Pusher:
    """Pushes one stream to one destination until stopped; thread/greenlet-safe snapshot."""

    def __init__(
        self,
        dest_id,
        source_url,
        target_url,
        key,
        *,
        on_change=None,
        spawn=None,
        sleep=time.sleep,
        ffmpeg="ffmpeg",
        backoff_initial=1.0,
        backoff_max=8.0,
        max_failures=50,
        permanent_failures=3,
        stall_s=STALL_S,
        input_poll_s=INPUT_POLL_S,
        clock=time.monotonic,
    ):
        self.dest_id = dest_id
        self.source_url = source_url
        self._target = target_url
        self._key = key or ""
        self._on_change = on_change or (lambda pusher, fields: None)
        self._spawn = spawn or thread_spawn
        self._sleep = sleep
        self.ffmpeg = ffmpeg
        self.backoff_initial, self.backoff_max = backoff_initial, backoff_max
        self.max_failures, self.permanent_failures = max_failures, permanent_failures
        self.stall_s = stall_s
        self.input_poll_s = input_poll_s
        self._clock = clock
        self._lock = threading.Lock()
        self._stop = True
        self._generation = 0
        self._proc = None
        self._stderr = deque(maxlen=20)
        self.state = IDLE
        self.restarts = 0
        self.bitrate_kbps = 0
        self.speed = None
        self.out_time_s = 0.0
        self.live_since = None
        self.last_error = None  # {"reason", "detail"} with the key scrubbed

    # public ------------------------------------------------------------------------------
    def command(self):
        """The ffmpeg argv (contains the key: never log it; see ``scrub``). RTMP(S) carries FLV,
        SRT carries MPEG-TS."""
        muxer = (
            ["-f", "mpegts"]
            if self._target.startswith("srt://")
            else ["-f", "flv", "-flvflags", "no_duration_filesize"]
        )
        return [
            self.ffmpeg,
            "-hide_banner",
            "-nostdin",
            "-nostats",
            "-loglevel",
            "warning",
            "-i",
            self.source_url,
            "-map",
            "0:v:0",
            "-map",
            "0:a?",
            "-c",
            "copy",
            *muxer,
            "-progress",
            "pipe:1",
            self._target,
        ]

    @property
    def running(self):
        return not self._stop

    def aims_at(self, source_url, target_url):
        return self.source_url == source_url and self._target == target_url

    def snapshot(self):
        with self._lock:
            uptime = int(self._clock() - self.live_since) if self.live_since is not None else 0
            return {
                "state": self.state,
                "restarts": self.restarts,
                "bitrate_kbps": self.bitrate_kbps,
                "uptime_s": uptime,
                "speed": self.speed,
                "last_error": dict(self.last_error or {}) or None,
            }

    def start(self):
        """Start pushing (idempotent); counters start again from zero."""
        with self._lock:
            if not self._stop:
                return False
            self._stop = False
            self._generation += 1
            generation = self._generation
            self.restarts, self.last_error = 0, None
        self._set(state=CONNECTING)
        self._spawn(self._supervise, generation)
        return True

    def stop(self):
        """Stop pushing now (idempotent): the page goes idle."""
        with self._lock:
            self._stop = True
            self._generation += 1
            proc = self._proc
        terminate(proc)
        self._set(state=IDLE, bitrate_kbps=0, speed=None, live_since=None)

    def scrub(self, text):
        """``text`` without the key, the URL that carries it, or anything that looks like a secret."""
        text = text.replace(self._target, "<destination>")
        if len(self._key) >= 3:
            text = text.replace(self._key, "***")
        return redact(text)

    # supervision -------------------------------------------------------------------------
    def _current(self, generation):
        return not self._stop and generation == self._generation

    def _supervise(self, generation):
        failures = 0
        try:
            while self._current(generation):
                went_live, reason = self._attempt(generation)
                if not self._current(generation):
                    return
                if reason in INPUT_REASONS:
                    failures = 0
                    self._wait_for_input(generation, went_live)
                    continue
                failures = 1 if went_live else failures + 1
                if reason == "no_video":
                    failures = min(failures, 2)  # waiting for a keyframe is not the page's fault
                limit = self.permanent_failures if reason in PERMANENT else self.max_failures
                if limit and failures >= limit:
                    self._set(state=FAILED, bitrate_kbps=0, speed=None, live_since=None)
                    log.warning(
                        "restream destination %s gave up after %s failures (%s)", self.dest_id, failures, reason
                    )
                    with self._lock:
                        if generation == self._generation:
                            self._stop = True
                    return
                delay = backoff_delay(failures, self.backoff_initial, self.backoff_max)
                self._set(state=RETRYING, bitrate_kbps=0, speed=None, live_since=None)
                log.info("restream destination %s: %s, retrying in %.0fs", self.dest_id, reason, delay)
                self._pause(generation, delay)
                if self._current(generation):
                    with self._lock:
                        self.restarts += 1
                    self._set(state=CONNECTING)
        except Exception:  # a background task: report, never raise into the hub
            log.exception("restream destination %s: supervisor crashed", self.dest_id)
            self._set(state=FAILED, last_error={"reason": "internal", "detail": ""})

    def _wait_for_input(self, generation, went_live):
        """The program is not at the ingest: show ``waiting`` (once, no flapping between
        attempts), poll again after ``input_poll_s``. A page that was live counts one restart."""
        if self.state != WAITING:
            log.info("restream destination %s: no program at the ingest, waiting for it", self.dest_id)
        if went_live:
            with self._lock:
                self.restarts += 1
        self._set(state=WAITING, bitrate_kbps=0, speed=None, live_since=None)
        self._pause(generation, self.input_poll_s)

    def _pause(self, generation, delay):
        deadline = self._clock() + delay
        while self._current(generation) and self._clock() < deadline:
            self._sleep(POLL_S)

    def _attempt(self, generation):
        """One ffmpeg run: ``(went_live, reason)``."""
        self._stderr.clear()
        try:
            proc = subprocess.Popen(
                self.command(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
        except OSError as exc:
            self._set(last_error={"reason": "ffmpeg_missing", "detail": self.scrub(str(exc.strerror))})
            return False, "ffmpeg_missing"
        with self._lock:
            self._proc = proc
            stopped = not self._current(generation)
        if stopped:
            terminate(proc)
            return False, "stopped"
        progress = _Progress(self._clock)
        self._spawn(self._read_stderr, proc)
        self._spawn(self._read_progress, proc, progress, generation)
        stalled = False
        while proc.poll() is None:
            self._sleep(POLL_S)
            if not self._current(generation):
                terminate(proc)
                break
            if progress.live and self._clock() - progress.last_at > self.stall_s:
                stalled = True
                terminate(proc)
                break
        reap(proc)
        self._sleep(0.05)  # let the readers drain the last lines
        progress.closed = True
        text = "\n".join(self._stderr)
        reason = "stalled" if stalled else classify(text, self.source_url)
        detail = self._last_line(text)
        if self._current(generation):
            self._set(last_error={"reason": reason, "detail": detail})
        return progress.live, reason

    @staticmethod
    def _last_line(text):
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        return (lines[-1] if lines else "")[:300]

    def _read_stderr(self, proc):
        try:
            for raw in iter(proc.stderr.readline, b""):
                line = self.scrub(raw.decode("utf-8", "replace").rstrip())
                if line:
                    self._stderr.append(line)
        except (OSError, ValueError):
            pass

    def _read_progress(self, proc, progress, generation):
        try:
            for raw in iter(proc.stdout.readline, b""):
                block = progress.feed(raw.decode("ascii", "replace").strip())
                if block is None or progress.closed or not self._current(generation):
                    continue
                fields = {
                    "bitrate_kbps": block["bitrate_kbps"],
                    "speed": block["speed"],
                    "out_time_s": block["out_time_s"],
                }
                if progress.live and self.state != LIVE:
                    fields.update(state=LIVE, live_since=self._clock(), last_error=None)
                self._set(**fields)
        except (OSError, ValueError):
            pass

    def _set(self, **fields):
        with self._lock:
            changed = {k: v for k, v in fields.items() if getattr(self, k) != v}
            for k, v in changed.items():
                setattr(self, k, v)
        if changed:
            try:
                self._on_change(self, changed)
            except Exception:
                log.exception("restream destination %s: change listener failed", self.dest_id)


class _Progress:
    """Reads ffmpeg's ``-progress`` key=value blocks; our own bitrate from the size deltas."""

    def __init__(self, clock):
        self._clock = clock
        self._block = {}
        self._prev = None  # (time, total_size)
        self.live = False
        self.closed = False  # the run is over: late lines change nothing
        self.last_at = clock()

    def feed(self, line):
        key, sep, value = line.partition("=")
        if not sep:
            return None
        self._block[key] = value
        if key != "progress":
            return None
        block, self._block = self._block, {}
        now = self._clock()
        size = _int(block.get("total_size"))
        out_us = _int(block.get("out_time_us"))
        kbps = 0
        if self._prev is not None and size is not None and now > self._prev[0]:
            kbps = max(0, int((size - self._prev[1]) * 8 / 1000 / (now - self._prev[0])))
        elif block.get("bitrate", "").endswith("kbits/s"):
            kbps = int(float(_number(block["bitrate"]) or 0))
        if size is not None:
            if self._prev is None or size != self._prev[1]:
                self.last_at = now
            self._prev = (now, size)
        if out_us and out_us > 0 and size:
            self.live = True
        speed = block.get("speed", "").rstrip("x").strip()
        return {"bitrate_kbps": kbps, "speed": _float(speed), "out_time_s": round((out_us or 0) / 1e6, 1)}


def _number(text):
    match = re.match(r"\s*([0-9.]+)", text or "")
    return match.group(1) if match else None


def _int(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _float(text):
    try:
        return round(float(text), 2)
    except (TypeError, ValueError):
        return None
