"""Real processes for tests: free ports, waiting for them, the Bridgecast server,
PostgreSQL and Redis started in temporary directories and stopped afterwards."""

import datetime
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, timeout=20.0, host="127.0.0.1"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listening on {host}:{port} after {timeout}s")


def wait_for_http(url, timeout=30.0, proc=None):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except Exception as exc:  # not up yet
            last = exc
        time.sleep(0.15)
    raise TimeoutError(f"{url} did not answer 200 within {timeout}s: {last}")


def stop_process(proc, sig=signal.SIGTERM, timeout=10):
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        proc.send_signal(sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=5)


ADMIN_PASSWORD = "admin-pass-123"
SEEDING = ("BRIDGECAST_AUTO_MIGRATE", "BRIDGECAST_DEMO")  # either off: no copy of the demo database
_demo_databases = {}  # (day in Vietnam, admin password) -> a migrated, seeded SQLite file


def demo_database(admin_password=ADMIN_PASSWORD):
    """A SQLite file migrated and seeded with the demo congress (and ``admin_password``), made
    once per day (the demo's agenda is for today) and pytest process: a server started on a copy
    finds both done instead of spending a second or two on them."""
    day = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=7))).date().isoformat()
    key = (day, admin_password)
    if key not in _demo_databases:
        from sqlalchemy import text

        from server import create_app
        from server.extensions import db

        directory = tempfile.mkdtemp(prefix="bc-demo-db-")
        path = os.path.join(directory, "server.db")
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                "UPLOAD_FOLDER": os.path.join(directory, "uploads"),
                "ADMIN_PASSWORD": admin_password,
                "AUTO_MIGRATE": True,
                "DEMO_SEED": True,
                "OBS_AUTOSTART": False,
                "ASYNC_MODE": "threading",
                "LOG_JSON": False,
                "LOG_LEVEL": "WARNING",
            }
        )
        with app.app_context():  # fold the WAL into the file so a plain copy is complete
            db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            db.session.remove()
            db.engine.dispose()
        _demo_databases[key] = path
    return _demo_databases[key]


class ServerProcess:
    """``python -m server`` (or gunicorn) on a free port with its own database and uploads.
    ``demo_copy=True``: its SQLite database starts as a copy of ``demo_database()``."""

    def __init__(self, tmpdir, async_mode="gevent", env=None, command=None, database_url=None, demo_copy=False):
        self.tmpdir = str(tmpdir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin_password = ADMIN_PASSWORD
        self.log_path = os.path.join(self.tmpdir, f"server-{self.port}.log")
        self.env = dict(os.environ)
        self.env.update(
            {
                "PORT": str(self.port),
                "BRIDGECAST_ASYNC_MODE": async_mode,
                "BRIDGECAST_ADMIN_PASSWORD": self.admin_password,
                "BRIDGECAST_SECRET_KEY": "test-secret-" + str(self.port),
                "DATABASE_URL": database_url or f"sqlite:///{os.path.join(self.tmpdir, 'server.db')}",
                "BRIDGECAST_UPLOAD_FOLDER": os.path.join(self.tmpdir, "uploads"),
                "BRIDGECAST_LOG_LEVEL": "INFO",
                "PYTHONUNBUFFERED": "1",
            }
        )
        self.env.update(env or {})
        self.command = command or [sys.executable, "-m", "server"]
        self.proc = None
        seeds = all(self.env.get(k, "1").strip().lower() not in ("0", "false", "no", "off") for k in SEEDING)
        self.demo_copy = demo_copy and database_url is None and seeds  # what the server would make itself

    def start(self, timeout=60):
        db_path = os.path.join(self.tmpdir, "server.db")
        if self.demo_copy and not os.path.exists(db_path):  # the first start only: a restart keeps its data
            shutil.copy(demo_database(self.admin_password), db_path)
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_for_http(self.url + "/healthz", timeout=timeout, proc=self.proc)
        except Exception:
            self.stop()
            raise RuntimeError(f"server did not start:\n{self.log()[-4000:]}") from None
        return self

    def stop(self, sig=signal.SIGTERM):
        stop_process(self.proc, sig)
        if getattr(self, "_log", None):
            self._log.close()
            self._log = None

    def kill(self):
        self.stop(signal.SIGKILL)

    def log(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as fh:
                return fh.read()
        except FileNotFoundError:
            return ""


def _pg_bin(name):
    found = shutil.which(name)
    if found:
        return found
    for version in ("17", "16", "15"):
        path = f"/usr/lib/postgresql/{version}/bin/{name}"
        if os.path.exists(path):
            return path
    raise RuntimeError(f"{name} not found: apt-get install postgresql")


class Postgres:
    """A throwaway PostgreSQL cluster on a free port (run as the postgres user when root)."""

    def __init__(self):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="bc-pg-")
        self.data = os.path.join(self.dir, "data")
        self.user = None
        if os.geteuid() == 0:
            self.user = pwd.getpwnam("postgres")
            os.chown(self.dir, self.user.pw_uid, self.user.pw_gid)
        self.proc = None

    def _run(self, args, **kw):
        if self.user is not None:
            args = ["runuser", "-u", "postgres", "--"] + args
        return subprocess.run(args, check=True, capture_output=True, **kw)

    def start(self):
        self._run([_pg_bin("initdb"), "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
        self._launch()
        deadline = time.monotonic() + 30
        while True:
            try:
                self._run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-c", "SELECT 1"])
                break
            except subprocess.CalledProcessError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        return self

    def create_database(self, name):
        self._run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-c", f'CREATE DATABASE "{name}"']
        )
        return self.url(name)

    def url(self, name="postgres"):
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self):
        stop_process(self.proc, signal.SIGINT, timeout=20)
        shutil.rmtree(self.dir, ignore_errors=True)

    def restart(self):
        stop_process(self.proc, signal.SIGINT, timeout=20)
        self._launch()

    def _launch(self):
        cmd = [
            _pg_bin("postgres"),
            "-D",
            self.data,
            "-p",
            str(self.port),
            "-k",
            self.dir,
            "-h",
            "127.0.0.1",
            "-c",
            "fsync=off",
            "-c",
            "max_connections=200",
        ]
        if self.user is not None:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        wait_for_port(self.port, timeout=30)


class Redis:
    """A throwaway redis-server on a free port, without persistence."""

    def __init__(self):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="bc-redis-")
        self.proc = None

    def start(self):
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for_port(self.port, timeout=15)
        return self

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self):
        stop_process(self.proc, signal.SIGTERM)
        shutil.rmtree(self.dir, ignore_errors=True)

    def restart(self):
        stop_process(self.proc, signal.SIGTERM)
        self.start()
