"""Run a real OBS Studio (under xvfb-run) and an ffmpeg RTMP receiver for end-to-end tests.

Owns process lifecycle only: a temp HOME with obs-websocket enabled on a free port and a
password, start (waiting for the port), SIGINT stop by pid with a process-group cleanup, and
restart on the same port. Nothing here knows about Bridgecast.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

OBS_START_TIMEOUT = 60.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout, proc=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited early with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listening on {port} after {timeout}s")


def is_listening(port):
    """True when something LISTENs on ``port`` (read from /proc, without connecting to it:
    ``ffmpeg -listen 1`` accepts exactly one connection, a probe would consume it)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                return True
    return False


def port_closed(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.3):
            return False
    except OSError:
        return True


GLOBAL_INI = """[General]
FirstRun=true
LastVersion=486539266
EnableAutoUpdates=false
ConfirmOnExit=false

[BasicWindow]
SysTrayEnabled=false
WarnBeforeStartingStream=false
WarnBeforeStoppingStream=false
WarnBeforeStoppingRecord=false
RecordWhenStreaming=false
KeepRecordingWhenStreamStops=false

[OBSWebSocket]
FirstLoad=false
ServerEnabled=true
ServerPort={port}
AlertsEnabled=false
AuthRequired={auth}
ServerPassword={password}
"""


class RealObs:
    """One OBS process. ``start()``/``kill()``/``stop()``; ``home`` keeps config across restarts."""

    def __init__(self, password="bridgecast-test", port=None, home=None, canvas=(640, 360)):
        self.password = password
        self.canvas = canvas  # base and output size (the congress layout is designed for 1920x1080)
        self.port = port or free_port()
        self._own_home = home is None
        self.home = Path(home or tempfile.mkdtemp(prefix="bc-obs-"))
        self.record_dir = self.home / "recordings"
        self.proc = None
        self.log_path = self.home / "obs.log"
        self._write_config()

    @property
    def url(self):
        return f"ws://127.0.0.1:{self.port}"

    def _write_config(self):
        cfg = self.home / ".config" / "obs-studio"
        cfg.mkdir(parents=True, exist_ok=True)
        (cfg / "global.ini").write_text(
            GLOBAL_INI.format(port=self.port, auth="true" if self.password else "false", password=self.password)
        )
        self.record_dir.mkdir(exist_ok=True)
        profile = cfg / "basic" / "profiles" / "Untitled"
        profile.mkdir(parents=True, exist_ok=True)
        basic = profile / "basic.ini"
        if not basic.exists():
            basic.write_text(
                "[General]\nName=Untitled\n\n[Output]\nMode=Simple\n\n"
                f"[SimpleOutput]\nFilePath={self.record_dir}\nRecFormat=mkv\n"
                "VBitrate=800\nPreset=ultrafast\n\n"
                "[Video]\nBaseCX={0}\nBaseCY={1}\nOutputCX={0}\nOutputCY={1}\n".format(*self.canvas)
                + "FPSType=1\nFPSInt=30\n"
            )

    def start(self, timeout=OBS_START_TIMEOUT):
        env = dict(os.environ, HOME=str(self.home), LIBGL_ALWAYS_SOFTWARE="1", QT_QPA_PLATFORM="xcb")
        env.pop("XDG_CONFIG_HOME", None)
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [
                "xvfb-run",
                "-a",
                "-s",
                "-screen 0 1280x720x24",
                "obs",
                "--minimize-to-tray",
                "--multi",
                "--disable-shutdown-check",
                "--disable-updater",
                "--disable-missing-files-check",
            ],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=str(self.home),
        )
        wait_port(self.port, timeout, self.proc)
        return self

    def _obs_pid(self):
        """The obs child of xvfb-run (found through /proc children, never by name)."""
        if self.proc is None:
            return None
        try:
            kids = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            return None
        for pid in kids:
            try:
                if Path(f"/proc/{pid}/comm").read_text().strip() == "obs":
                    return int(pid)
            except OSError:
                continue
        return None

    def kill(self):
        """Simulate a crash: SIGKILL obs, then clean the process group."""
        pid = self._obs_pid()
        if pid:
            os.kill(pid, signal.SIGKILL)
        self._reap()

    def stop(self, timeout=15.0):
        """Graceful stop: SIGINT to obs, wait, then clean the whole xvfb-run group."""
        pid = self._obs_pid()
        if pid:
            try:
                os.kill(pid, signal.SIGINT)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
                try:
                    with open(f"/proc/{pid}/stat") as f:
                        if f.read().split()[2] == "Z":
                            break
                except OSError:
                    break
                time.sleep(0.1)
        self._reap()

    def _reap(self):
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(5)
        self.proc = None
        self._log.close()

    def cleanup(self):
        self.stop()
        if self._own_home:
            shutil.rmtree(self.home, ignore_errors=True)

    def log_tail(self, n=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""


class RtmpReceiver:
    """``ffmpeg -listen 1`` RTMP server writing what it receives to an FLV file."""

    def __init__(self, directory, port=None, key="testkey"):
        self.port = port or free_port()
        self.key = key
        self.path = Path(directory) / f"rtmp-{self.port}.flv"
        self.proc = None

    @property
    def server(self):
        return f"rtmp://127.0.0.1:{self.port}/live"

    def start(self):
        self.proc = subprocess.Popen(
            [
                "ffmpeg",
                "-hide_banner",
                "-loglevel",
                "error",
                "-y",
                "-listen",
                "1",
                "-i",
                f"{self.server}/{self.key}",
                "-c",
                "copy",
                str(self.path),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while not is_listening(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "ffmpeg RTMP listener did not start: " + self.proc.stderr.read().decode(errors="replace")[-500:]
                )
            time.sleep(0.05)
        return self

    def stop(self, timeout=10):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.proc = None

    def codecs(self):
        """Codec names ffprobe sees in the received file."""
        out = subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", str(self.path)],
            capture_output=True,
            text=True,
            timeout=30,
        )
        return [line.strip() for line in out.stdout.splitlines() if line.strip()]
