"""Stand-ins for the restream's outside world, shared by the real-parts tests and ``bench/relay.py``:
``FakePage`` (a fan page: an ``ffmpeg -listen 1`` RTMP receiver on a fixed port, optionally behind
a TLS terminator so its address is ``rtmps://``), ``publish`` (the program feed as OBS would send
it: H.264 + AAC in FLV), and ``size`` / ``codecs`` of what a page received.
"""

import subprocess
from pathlib import Path

from tests.support.processes import free_port
from tests.support.real_obs import RtmpReceiver
from tests.support.tls_terminator import TlsTerminator


def size(path):
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0


def codecs(path):
    """Sorted codec names ffprobe sees in ``path``."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return sorted(line.strip() for line in out.stdout.splitlines() if line.strip())


class FakePage:
    """One fake fan page. Each (re)start writes a new file (``ffmpeg -listen 1`` takes one
    connection and ends with it, as a page's session ends when the pusher disconnects)."""

    def __init__(self, root, name, tls=False):
        self.root, self.name = Path(root), name
        self.port = free_port()  # the plain RTMP receiver
        self.runs = 0
        self.receiver = None
        self.tls = TlsTerminator(self.root / f"{name}-tls", self.port).start() if tls else None

    @property
    def url(self):
        """The server URL a destination is given (the key is appended by the pusher)."""
        if self.tls is not None:
            return f"rtmps://127.0.0.1:{self.tls.port}/live"
        return f"rtmp://127.0.0.1:{self.port}/live"

    def start(self):
        self.runs += 1
        directory = self.root / f"{self.name}-{self.runs}"
        directory.mkdir(parents=True)
        self.receiver = RtmpReceiver(directory, port=self.port, key="anything").start()
        return self

    @property
    def path(self):
        return self.receiver.path

    @property
    def ended(self):
        return self.receiver is None or self.receiver.proc is None or self.receiver.proc.poll() is not None

    def kill(self):
        self.receiver.proc.kill()
        self.receiver.proc.wait(5)

    def stop(self):
        if self.receiver is not None and self.receiver.proc is not None:
            self.receiver.stop()
        if self.tls is not None:
            self.tls.stop()


def feed_command(server_url, stream, size_="640x360", video_kbps=None, gop=50, loglevel="error"):
    """ffmpeg publishing a moving test picture and a tone (H.264 + AAC, FLV) in real time."""
    rate = (
        ["-b:v", f"{video_kbps}k", "-maxrate", f"{video_kbps}k", "-bufsize", f"{video_kbps * 2}k"] if video_kbps else []
    )
    return [
        "ffmpeg",
        "-hide_banner",
        "-loglevel",
        loglevel,
        "-re",
        "-f",
        "lavfi",
        "-i",
        f"testsrc2=size={size_}:rate=25",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=48000",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-g",
        str(gop),
        *rate,
        "-c:a",
        "aac",
        "-b:a",
        "128k",
        "-f",
        "flv",
        f"{server_url}/{stream}",
    ]


def publish(server_url, stream, log_path, **kw):
    """Start the program feed (its own session, so ``stop_process`` ends it cleanly)."""
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            feed_command(server_url, stream, **kw),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
