"""The program feed of an event with a standby OBS: two OBS in, one unbroken stream out.

Both OBS publish to the ingest under their own names (``<slug>~primary``, ``<slug>~backup``);
this feed republishes ONE of them as ``live/<slug>``, the stream every fan-page pusher reads.
Switching OBS is a cut inside this feed: its publisher to ``live/<slug>`` never disconnects, so
the pushers and the fan pages keep their connections (measured: a pusher reading nginx-rtmp
stays connected when its publisher goes away and resumes with the next one, but the new
publisher's timestamps start again at 0, and ffmpeg then clamps every packet to the last time
seen — a frozen stream — so a plain "publish again" is not enough).

How: one ``ffmpeg -i rtmp://…/live/<slug>~<side> -c copy -f flv pipe:1`` reader per side
(restarted when it ends or goes silent: each run is a new segment), FLV tags parsed here, the
on-air side's tags written with their timestamps moved so that the output time keeps running
(offset = last output time + the wall-clock gap − the segment's own time), the cut made on the
next video keyframe of the side switched to (its codec headers sent first when they differ),
into one ``ffmpeg -f flv -i pipe:0 -c copy -f flv rtmp://…/live/<slug>`` publisher. Pages see a
short freeze at the cut, never an ended live video.

No Flask here: the restream runtime passes ``spawn``/``sleep`` and the ingest's port.
"""

import logging
import struct
import subprocess
import threading
import time

from server.services.restream.subprocesses import reap, terminate, thread_spawn

log = logging.getLogger(__name__)

SIDES = ("primary", "backup")
FLV_HEADER = b"FLV\x01\x05\x00\x00\x00\x09" + b"\x00\x00\x00\x00"
AUDIO, VIDEO, SCRIPT = 8, 9, 18
SILENCE_S = 2.0  # a reader that had data and got none this long: its publisher left, start afresh
RESTART_S = 0.5
MAX_GAP_MS = 10_000  # the clock jump at a cut is the wall-clock gap, at most this


def stream_name(slug, side):
    """What each OBS publishes to (its stream key at the ingest)."""
    return f"{slug}~{side}"


class Tag:
    """One FLV tag: ``kind`` (8 audio, 9 video, 18 script), ``ts`` (ms), ``data``."""

    __slots__ = ("kind", "ts", "data")

    def __init__(self, kind, ts, data):
        self.kind, self.ts, self.data = kind, ts, data

    @property
    def is_header(self):
        """An AVC/AAC sequence header (codec configuration), not media."""
        if self.kind == VIDEO:
            return len(self.data) > 1 and self.data[0] & 0x0F == 7 and self.data[1] == 0
        if self.kind == AUDIO:
            return len(self.data) > 1 and self.data[0] >> 4 == 10 and self.data[1] == 0
        return False

    @property
    def is_keyframe(self):
        return self.kind == VIDEO and len(self.data) > 1 and self.data[0] >> 4 == 1 and self.data[1] == 1

    @property
    def is_end_of_sequence(self):
        return self.kind == VIDEO and len(self.data) > 1 and self.data[0] & 0x0F == 7 and self.data[1] == 2

    def encode(self, ts):
        ts = max(0, int(ts)) & 0xFFFFFFFF
        size = len(self.data)
        head = struct.pack(">B", self.kind) + size.to_bytes(3, "big") + (ts & 0xFFFFFF).to_bytes(3, "big")
        head += bytes([ts >> 24]) + b"\x00\x00\x00"
        return head + self.data + struct.pack(">I", 11 + size)


class FlvReader:
    """Parses an FLV byte stream (header, then tags) from a file object's ``read``."""

    def __init__(self, read):
        self._read = read

    def _exactly(self, n):
        chunks, left = [], n
        while left:
            chunk = self._read(left)
            if not chunk:
                return None
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def tags(self):
        header = self._exactly(9)
        if header is None or header[:3] != b"FLV":
            return
        skip = int.from_bytes(header[5:9], "big") - 9 + 4  # rest of the header + PreviousTagSize0
        if skip and self._exactly(skip) is None:
            return
        while True:
            head = self._exactly(11)
            if head is None:
                return
            size = int.from_bytes(head[1:4], "big")
            ts = int.from_bytes(head[4:7], "big") | (head[7] << 24)
            body = self._exactly(size + 4)
            if body is None:
                return
            yield Tag(head[0] & 0x1F, ts, body[:size])


class _Segment:
    """One reader run of one side: its codec headers and, once on air, its time offset."""

    def __init__(self):
        self.headers = {}  # kind -> Tag
        self.offset = None  # output ts = input ts + offset, set at the cut


class ProgramFeed:
    """Republishes the on-air side to ``live/<slug>``; ``switch(side)`` cuts on its next keyframe."""

    def __init__(
        self, slug, port, *, ffmpeg="ffmpeg", spawn=None, sleep=time.sleep, clock=time.monotonic, side="primary"
    ):
        self.slug, self.port, self.ffmpeg = slug, port, ffmpeg
        self._spawn = spawn or thread_spawn
        self._sleep, self._clock = sleep, clock
        self._lock = threading.RLock()  # also serialises the writes to the publisher
        self.on_air = side  # the side whose tags are written
        self.wanted = side  # the side to cut to on its next keyframe
        self._segments = dict.fromkeys(SIDES)
        self._last_data = dict.fromkeys(SIDES)  # clock of each side's last tag
        self._procs = {}
        self._sink = None
        self._running = False
        self._generation = 0
        self._last_out = {AUDIO: -1, VIDEO: -1}
        self._last_write = None  # clock of the last tag written
        self._sent_headers = {}  # kind -> bytes of the codec header the output has
        self.cuts = 0  # completed cuts (switches that reached the output)
        self.written = 0  # media tags written

    # urls ----------------------------------------------------------------------------------
    def source_url(self, side):
        return f"rtmp://127.0.0.1:{self.port}/live/{stream_name(self.slug, side)}"

    @property
    def output_url(self):
        return f"rtmp://127.0.0.1:{self.port}/live/{self.slug}"

    # control -------------------------------------------------------------------------------
    @property
    def running(self):
        return self._running

    def start(self):
        """Start the publisher and both readers (idempotent)."""
        with self._lock:
            if self._running:
                return False
            self._running = True
            self._generation += 1
            generation = self._generation
        self._start_sink()
        for side in SIDES:
            self._spawn(self._read_loop, side, generation)
        return True

    def stop(self):
        with self._lock:
            self._running = False
            self._generation += 1
            procs, self._procs = list(self._procs.values()), {}
            sink, self._sink = self._sink, None
        for proc in procs:
            terminate(proc)
        if sink is not None:
            try:
                sink.stdin.close()
            except OSError:
                pass
            terminate(sink)

    def switch(self, side):
        """Cut to ``side`` on its next keyframe (at once when it is already on air)."""
        if side not in SIDES:
            raise ValueError(side)
        with self._lock:
            self.wanted = side

    def silent_s(self, side):
        """Seconds since ``side`` last sent anything (None: never, since the start)."""
        last = self._last_data[side]
        return None if last is None else self._clock() - last

    def snapshot(self):
        return {
            "running": self._running,
            "on_air": self.on_air,
            "wanted": self.wanted,
            "cuts": self.cuts,
            "silent_s": {s: (None if (v := self.silent_s(s)) is None else round(v, 1)) for s in SIDES},
        }

    # the publisher to live/<slug> -----------------------------------------------------------
    def _start_sink(self):
        argv = [
            self.ffmpeg,
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            "-f",
            "flv",
            "-i",
            "pipe:0",
            "-map",
            "0",
            "-c",
            "copy",
            "-f",
            "flv",
            "-flvflags",
            "no_duration_filesize",
            self.output_url,
        ]
        sink = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sink.stdin.write(FLV_HEADER)
        with self._lock:
            self._sink = sink
            self._sent_headers = {}
            for segment in self._segments.values():  # the new publisher starts on a keyframe
                if segment is not None:
                    segment.offset = None

    def _write(self, data):
        sink = self._sink
        if sink is None:
            return
        try:
            sink.stdin.write(data)
            sink.stdin.flush()
        except (OSError, ValueError):
            log.warning("restream program feed %s: the publisher ended; starting it again", self.slug)
            terminate(sink)
            if self._running:
                self._start_sink()

    # the readers -----------------------------------------------------------------------------
    def _read_loop(self, side, generation):
        try:
            while self._running and generation == self._generation:
                self._read_once(side, generation)
                if self._running and generation == self._generation:
                    self._sleep(RESTART_S)
        except Exception:  # a background task: report, never raise into the hub
            log.exception("restream program feed %s: the %s reader crashed", self.slug, side)

    def _read_once(self, side, generation):
        argv = [
            self.ffmpeg,
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            "-i",
            self.source_url(side),
            "-map",
            "0",
            "-c",
            "copy",
            "-f",
            "flv",
            "pipe:1",
        ]
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        with self._lock:
            if not self._running or generation != self._generation:
                terminate(proc)
                return
            self._procs[side] = proc
            self._segments[side] = segment = _Segment()
        started = {"data": False}
        self._spawn(self._watch_silence, side, proc, started)
        try:
            for tag in FlvReader(proc.stdout.read).tags():
                started["data"] = True
                self._last_data[side] = self._clock()
                self._take(side, segment, tag)
        finally:
            terminate(proc)
            reap(proc)
            with self._lock:
                if self._procs.get(side) is proc:
                    del self._procs[side]
                if self._segments[side] is segment:
                    self._segments[side] = None

    def _watch_silence(self, side, proc, started):
        while proc.poll() is None:
            self._sleep(0.25)
            last = self._last_data[side]
            if started["data"] and last is not None and self._clock() - last > SILENCE_S:
                terminate(proc)  # its publisher left: the next one starts a new segment
                return

    # splicing ---------------------------------------------------------------------------------
    def _take(self, side, segment, tag):
        if tag.kind == SCRIPT or tag.is_end_of_sequence:
            return  # metadata is the publisher's; an end-of-sequence would end the pages' video
        if tag.is_header:
            segment.headers[tag.kind] = tag
            return
        out = []
        with self._lock:
            if segment is not self._segments[side]:
                return
            if side != self.wanted and segment.offset is None:
                return  # not on air and not being cut to
            if side != self.on_air and side != self.wanted:
                return
            if segment.offset is None:
                # the cut (or the first start, or the on-air side came back): on a keyframe only
                if not tag.is_keyframe or VIDEO not in segment.headers:
                    return
                now = self._clock()
                gap = 33 if self._last_write is None else (now - self._last_write) * 1000
                gap = int(min(max(gap, 33), MAX_GAP_MS))
                last = max(self._last_out.values())
                segment.offset = (last + gap if last >= 0 else 0) - tag.ts
                for other in SIDES:  # the side cut away from must cut in again on a keyframe
                    seg = self._segments[other]
                    if other != side and seg is not None:
                        seg.offset = None
                cut = self.on_air != side
                self.on_air = side
                self.wanted = side
                for kind in (VIDEO, AUDIO):
                    header = segment.headers.get(kind)
                    if header is not None and self._sent_headers.get(kind) != header.data:
                        self._sent_headers[kind] = header.data
                        out.append(header.encode(tag.ts + segment.offset))
                if cut:
                    self.cuts += 1
                    log.info("restream program feed %s: on air from the %s OBS", self.slug, side)
            if side != self.on_air or segment.offset is None:
                return
            ts = max(tag.ts + segment.offset, self._last_out[tag.kind], 0)
            self._last_out[tag.kind] = ts
            self._last_write = self._clock()
            self.written += 1
            out.append(tag.encode(ts))
            self._write(b"".join(out))
