"""Relay cost: what restreaming one program to N fan pages costs the server, and what it adds.

Real parts, no Bridgecast server process: the restream's own ``Ingest`` (nginx-rtmp) and one
``Pusher`` per destination (the exact ffmpeg command line the app runs), five destinations by
default, each an ``ffmpeg -listen 1`` receiver on loopback; the last one is RTMPS behind a TLS
terminator (nginx ``stream``, self-signed), as Facebook requires. The program is a broadcast-like
feed: a pre-encoded 720p25 H.264 clip at 2.5 Mbit/s with 128 kbit/s AAC, published in real time
(``-re -stream_loop -1 -c copy``, so the feed itself costs almost nothing on the same cores).

Measures, over a window once every page is live:
- **CPU per destination**: user+system time of each pusher ffmpeg from ``/proc/<pid>/stat`` over the
  window, in % of one core; the ingest nginx separately (shared by every page).
- **Added latency**: every receiver and one direct reader of the ingest (a plain ffmpeg reading the
  ingest, the same remux a receiver does) pipe their FLV to this process, which notes when each
  video frame arrives, keyed by a hash of the frame's H.264 bytes. The same frame reaches the
  page ``t_page - t_direct`` later: the pusher's read, remux and RTMP(S) write, and the page-side
  hop. Both sides flush per packet. Reported as p50 / p95 / max over matched frames.
  Also the start-up: from a pusher's start to the first video frame at its page (probing the
  program and waiting for a keyframe, with a 2 s GOP).
- **Nothing re-encoded**: the pushers' real command lines (``/proc/<pid>/cmdline``) carry
  ``-c copy`` and no encoder; the frames at each page are byte-identical to the ingest's (share of
  matched frames); ffprobe's codec parameters of what each page received equal the source's.

Target: < 3 % of one core per destination; "target met" is printed from the same numbers.

    python bench/relay.py [--destinations 5] [--window 30] [--out FILE]
"""

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from server.services.restream.ingest import Ingest  # noqa: E402
from server.services.restream.pusher import LIVE, Pusher  # noqa: E402
from tests.support.processes import free_port  # noqa: E402
from tests.support.real_obs import is_listening  # noqa: E402
from tests.support.tls_terminator import TlsTerminator  # noqa: E402

TARGET_CPU_PCT = 3.0
STREAM = "bench-relay"
VIDEO_KBPS, AUDIO_KBPS, SIZE, GOP = 2500, 128, "1280x720", 50
_TICKS = os.sysconf("SC_CLK_TCK")
PARAMS = "stream=codec_name,profile,width,height,pix_fmt,sample_rate,channels"


def cpu_s(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS
    except (OSError, IndexError, ValueError):
        return None


def pct(values, p):
    values = sorted(values)
    if not values:
        return None
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def codec_params(path):
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", PARAMS, "-of", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    streams = json.loads(out.stdout or "{}").get("streams", [])
    return sorted(({k: v for k, v in s.items() if v not in (None, "")} for s in streams), key=lambda s: s["codec_name"])


def make_clip(path, seconds=20):
    """The program: 720p25 H.264 (2 s GOP, 2.5 Mbit/s) and AAC, encoded once before the run."""
    rate = [f"{VIDEO_KBPS}k", f"{VIDEO_KBPS * 2}k"]
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size={SIZE}:rate=25"]
        + ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", str(seconds)]
        + ["-c:v", "libx264", "-preset", "veryfast", "-g", str(GOP), "-pix_fmt", "yuv420p"]
        + ["-b:v", rate[0], "-maxrate", rate[0], "-bufsize", rate[1], "-c:a", "aac", "-b:a", f"{AUDIO_KBPS}k"]
        + ["-f", "flv", str(path)],
        check=True,
        capture_output=True,
        timeout=300,
    )


def delays_ms(direct, page, t0, t1):
    """``(matched, frames)``: for each video frame the page received in [t0, t1], how much later
    than the direct reader it arrived (the clip loops, so the same bytes recur every loop: the
    nearest direct arrival of the same frame is its match)."""
    out, frames = [], 0
    for digest, times in page.arrivals.items():
        for t in times:
            if not t0 <= t <= t1:
                continue
            frames += 1
            seen = direct.arrivals.get(digest)
            if seen:
                out.append((t - min(seen, key=lambda d: abs(t - d))) * 1000)
    return out, frames


class Tap:
    """An ffmpeg that remuxes an RTMP stream to FLV on a pipe (``listen``: a fake page; else a
    direct reader of the ingest); this process notes each video frame's arrival by content hash
    and keeps the bytes in a file for ffprobe."""

    def __init__(self, directory, name, url, listen):
        self.name, self.url, self.listen = name, url, listen
        self.path = os.path.join(directory, f"{name}.flv")
        self.arrivals = {}  # sha1 of the H.264 frame bytes -> arrivals (monotonic)
        self.first_video_at = None
        self.bytes = 0
        self.proc = None

    def start(self):
        port = int(self.url.split(":")[2].split("/")[0])
        self.proc = subprocess.Popen(
            [
                "ffmpeg",
                "-hide_banner",
                "-loglevel",
                "error",
                *(["-listen", "1"] if self.listen else []),
                "-i",
                self.url,
                "-c",
                "copy",
                "-flush_packets",
                "1",
                "-f",
                "flv",
                "pipe:1",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        if self.listen:
            deadline = time.monotonic() + 10
            while not is_listening(port):
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError(f"receiver {self.name} did not listen")
                time.sleep(0.05)
        return self

    def _read(self):
        src = self.proc.stdout
        with open(self.path, "wb") as out:

            def take(n):
                data = b""
                while len(data) < n:
                    chunk = src.read(n - len(data))
                    if not chunk:
                        raise EOFError
                    data += chunk
                out.write(data)
                self.bytes += len(data)
                return data

            try:
                take(13)  # FLV header + first PreviousTagSize
                while True:
                    head = take(11)
                    kind, size = head[0], int.from_bytes(head[1:4], "big")
                    body = take(size)
                    take(4)
                    now = time.monotonic()
                    if kind == 9 and size > 5 and body[1] == 1:  # an AVC NAL unit (not the sequence header)
                        if self.first_video_at is None:
                            self.first_video_at = now
                        self.arrivals.setdefault(hashlib.sha1(body[5:]).digest(), []).append(now)
            except (EOFError, ValueError, OSError):
                pass

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def run(destinations=5, window_s=30.0, warmup_s=5.0):
    work = tempfile.mkdtemp(prefix="bc-bench-relay-")
    clip = os.path.join(work, "program.flv")
    make_clip(clip)
    source_params = codec_params(clip)
    ingest = Ingest(os.path.join(work, "ingest"))
    ingest.start()
    pages, pushers, terminators = [], [], []
    feed = None
    try:
        for i in range(destinations):
            port = free_port()
            tls = i == destinations - 1  # the last page is RTMPS
            page = Tap(work, f"page{i + 1}{'-rtmps' if tls else ''}", f"rtmp://127.0.0.1:{port}/live/k", True).start()
            pages.append(page)
            if tls:
                terminators.append(TlsTerminator(os.path.join(work, "tls"), port).start())
                target = f"rtmps://127.0.0.1:{terminators[-1].port}/live/bench-key-{i}"
            else:
                target = f"rtmp://127.0.0.1:{port}/live/bench-key-{i}"
            pushers.append(Pusher(i + 1, ingest.source_url(STREAM), target, f"bench-key-{i}"))
        feed = subprocess.Popen(
            ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", clip]
            + ["-c", "copy", "-f", "flv", f"{ingest.server_url}/{STREAM}"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(1.0)  # the program is published before the pushers start (start-up measured from here)
        direct = Tap(work, "direct", ingest.source_url(STREAM), False).start()
        started = time.monotonic()
        for pusher in pushers:
            pusher.start()
        deadline = started + 60
        while time.monotonic() < deadline and not all(p.snapshot()["state"] == LIVE for p in pushers):
            time.sleep(0.2)
        states = [p.snapshot()["state"] for p in pushers]
        if not all(s == LIVE for s in states):
            raise RuntimeError(f"not every page went live: {states}")
        time.sleep(warmup_s)

        procs = [p._proc for p in pushers]  # the running ffmpeg of each pusher
        cmdlines = []
        for proc in procs:
            with open(f"/proc/{proc.pid}/cmdline", "rb") as fh:
                cmdlines.append([a.decode() for a in fh.read().split(b"\0") if a])
        t0, w0 = time.monotonic(), time.time()
        cpu0 = [cpu_s(proc.pid) for proc in procs]
        nginx0 = cpu_s(ingest.proc.pid)
        time.sleep(window_s)
        elapsed = time.monotonic() - t0
        cpu1 = [cpu_s(proc.pid) for proc in procs]
        nginx1 = cpu_s(ingest.proc.pid)
        t1 = time.monotonic()
        bitrates = [p.snapshot()["bitrate_kbps"] for p in pushers]
        restarts = [p.snapshot()["restarts"] for p in pushers]
    finally:
        for pusher in pushers:
            pusher.stop()
        if feed is not None:
            feed.terminate()
            feed.wait(5)
        time.sleep(0.5)
        for tap in [*pages, *([direct] if "direct" in locals() else [])]:
            tap.stop()
        for term in terminators:
            term.stop()
        ingest.stop()
    codec_lists = [codec_params(page.path) for page in pages]
    shutil.rmtree(work, ignore_errors=True)

    per_dest = []
    for i, page in enumerate(pages):
        delays, frames = delays_ms(direct, page, t0, t1)
        cmd = cmdlines[i]
        copy = cmd[cmd.index("-c") + 1] == "copy" if "-c" in cmd else False
        encoders = [a for a in cmd if a in ("-c:v", "-c:a", "-vcodec", "-acodec", "-vf", "-af", "-filter_complex")]
        per_dest.append(
            {
                "page": page.name,
                "cpu_pct_one_core": round((cpu1[i] - cpu0[i]) / elapsed * 100, 2),
                "bitrate_kbps": bitrates[i],
                "restarts": restarts[i],
                "latency_ms_p50": round(pct(delays, 50), 1) if delays else None,
                "latency_ms_p95": round(pct(delays, 95), 1) if delays else None,
                "latency_ms_max": round(max(delays), 1) if delays else None,
                "startup_s": round(page.first_video_at - started, 2) if page.first_video_at else None,
                "frames_in_window": frames,
                "frames_identical_pct": round(100 * len(delays) / frames, 1) if frames else 0.0,
                "command_copy_only": copy and not encoders,
                "codec_params_equal_source": codec_lists[i] == source_params,
                "received_mb": round(page.bytes / 1e6, 1),
            }
        )
    cpus = [d["cpu_pct_one_core"] for d in per_dest]
    all_delays = [d["latency_ms_p50"] for d in per_dest if d["latency_ms_p50"] is not None]
    result = {
        "destinations": destinations,
        "rtmps_destinations": 1,
        "program": {"size": SIZE, "fps": 25, "video_kbps": VIDEO_KBPS, "audio_kbps": AUDIO_KBPS, "gop": GOP},
        "source_codec_params": source_params,
        "window_s": round(elapsed, 1),
        "window_started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(w0)),
        "per_destination": per_dest,
        "cpu_pct_per_destination_mean": round(statistics.mean(cpus), 2),
        "cpu_pct_per_destination_max": round(max(cpus), 2),
        "ingest_nginx_cpu_pct": round((nginx1 - nginx0) / elapsed * 100, 2),
        "latency_ms_p50_median": round(statistics.median(all_delays), 1) if all_delays else None,
        "nothing_reencoded": all(
            d["command_copy_only"] and d["codec_params_equal_source"] and d["frames_identical_pct"] >= 99
            for d in per_dest
        ),
        "target_cpu_pct_per_destination": TARGET_CPU_PCT,
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    result["target_met"] = result["cpu_pct_per_destination_max"] < TARGET_CPU_PCT
    return result


def report(result):
    lines = [
        f"relay: {result['destinations']} destinations ({result['rtmps_destinations']} RTMPS), program "
        f"{result['program']['size']}@{result['program']['fps']} H.264 {result['program']['video_kbps']} kbit/s "
        f"+ AAC {result['program']['audio_kbps']} kbit/s, window {result['window_s']} s",
        f"{'page':<14}{'CPU %core':>10}{'kbit/s':>8}{'lat p50':>9}{'p95':>8}{'max':>8}{'start s':>9}"
        f"{'identical':>11}{'-c copy':>9}{'params=':>9}",
    ]
    for d in result["per_destination"]:
        lines.append(
            f"{d['page']:<14}{d['cpu_pct_one_core']:>10.2f}{d['bitrate_kbps']:>8}{d['latency_ms_p50'] or 0:>9.1f}"
            f"{d['latency_ms_p95'] or 0:>8.1f}{d['latency_ms_max'] or 0:>8.1f}{d['startup_s'] or 0:>9.2f}"
            f"{d['frames_identical_pct']:>10.1f}%{'yes' if d['command_copy_only'] else 'NO':>9}"
            f"{'yes' if d['codec_params_equal_source'] else 'NO':>9}"
        )
    lines += [
        f"ingest nginx CPU % of one core (shared)   {result['ingest_nginx_cpu_pct']:.2f}",
        f"CPU per destination, mean / max           {result['cpu_pct_per_destination_mean']:.2f} / "
        f"{result['cpu_pct_per_destination_max']:.2f} %   target < {result['target_cpu_pct_per_destination']} %: "
        + ("met" if result["target_met"] else "MISSED"),
        f"added latency ingest → page, median p50   {result['latency_ms_p50_median']} ms",
        f"nothing re-encoded                        {'yes' if result['nothing_reencoded'] else 'NO'}",
    ]
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--destinations", type=int, default=5)
    ap.add_argument("--window", type=float, default=30.0, help="seconds of measurement once every page is live")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "relay.json"))
    args = ap.parse_args(argv)
    result = run(args.destinations, args.window)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(result, fh, indent=2, ensure_ascii=False)
    print(report(result))
    print(f"\nwritten: {args.out}")
    return result


if __name__ == "__main__":
    main()
