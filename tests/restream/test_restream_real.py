"""Restreaming with real parts: a real Bridgecast server (gevent), its real nginx-rtmp ingest,
real ffmpeg pushers, an ffmpeg test source standing in for OBS and three ``ffmpeg -listen``
RTMP receivers standing in for the fan pages.

Checks: every page receives H.264 + AAC and keeps growing; a page whose receiver dies shows
``retrying`` while the others keep growing, and is ``live`` again within 15 s of its receiver
returning; an unreachable page shows why; no stream key in any answer or in the server log.
"""

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.cluster import http, mint_token
from tests.support.processes import free_port, stop_process
from tests.support.real_obs import RtmpReceiver

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]
EVENT = "demo-plenary"
MODULE = "/usr/lib/nginx/modules/ngx_rtmp_module.so"

if not (shutil.which("nginx") and os.path.exists(MODULE) and shutil.which("ffmpeg") and shutil.which("ffprobe")):
    # never skipped: a missing tool is a failure (.ci/run installs them)
    pytest.fail("needs nginx with libnginx-mod-rtmp, ffmpeg and ffprobe (see .ci/run)", pytrace=False)


def wait_until(predicate, timeout, step=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


def size(path):
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0


def codecs(path):
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return sorted(line.strip() for line in out.stdout.splitlines() if line.strip())


class Page:
    """One fake fan page: an ffmpeg RTMP listener on a fixed port; each (re)start writes a new file."""

    def __init__(self, root, name):
        self.root, self.name = Path(root), name
        self.port = free_port()
        self.runs = 0
        self.receiver = None

    def start(self):
        self.runs += 1
        directory = self.root / f"{self.name}-{self.runs}"
        directory.mkdir(parents=True)
        self.receiver = RtmpReceiver(directory, port=self.port, key="anything").start()
        return self

    @property
    def path(self):
        return self.receiver.path

    def kill(self):
        self.receiver.proc.kill()
        self.receiver.proc.wait(5)

    def stop(self):
        if self.receiver is not None and self.receiver.proc is not None:
            self.receiver.stop()


@pytest.fixture
def server(start_server, tmp_path):
    return start_server(env={"BRIDGECAST_RESTREAM_DIR": str(tmp_path / "restream")})


@pytest.fixture
def pages(tmp_path):
    made = [Page(tmp_path / "pages", f"page{i}").start() for i in range(3)]
    yield made
    for page in made:
        page.stop()


def publish(ingest_server, slug, log_path):
    """The program feed, as OBS would send it."""
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            [
                "ffmpeg",
                "-hide_banner",
                "-loglevel",
                "error",
                "-re",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=640x360:rate=25",
                "-f",
                "lavfi",
                "-i",
                "sine",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-g",
                "50",
                "-c:a",
                "aac",
                "-f",
                "flv",
                f"{ingest_server}/{slug}",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )


def test_one_feed_reaches_every_page_and_a_failing_page_restarts_alone(server, pages, tmp_path):
    admin = mint_token(f"sqlite:///{os.path.join(server.tmpdir, 'server.db')}", "admin")
    base = f"{server.url}/api/v1/events/{EVENT}"
    keys = [f"page{i}-SeCrEtKeY-{os.getpid()}-{i}" for i in range(3)]
    ids = []
    for page, key in zip(pages, keys, strict=True):
        status, body = http(
            "POST",
            f"{base}/destinations",
            {"name": page.name, "url": f"rtmp://127.0.0.1:{page.port}/live", "key": key},
            token=admin,
        )
        assert status == 201, body
        ids.append(body["destination"]["id"])
    bad_key = f"bad-SeCrEtKeY-{os.getpid()}"
    status, body = http(
        "POST",
        f"{base}/destinations",
        {"name": "Closed", "url": f"rtmp://127.0.0.1:{free_port()}/live", "key": bad_key},
        token=admin,
    )
    bad_id = body["destination"]["id"]

    def listing():
        status, body = http("GET", f"{base}/destinations", token=admin)
        assert status == 200, body
        return body

    def state_of(dest_id):
        return next(d for d in listing()["destinations"] if d["id"] == dest_id)

    status, body = http("POST", f"{base}/restream", {"action": "start", "obs": False}, token=admin)
    assert status == 200, body
    ingest = body["ingest"]
    assert ingest["running"] and ingest["stream_key"] == EVENT
    feed = publish(ingest["server"], EVENT, tmp_path / "feed.log")
    try:
        # every page goes live and receives H.264 + AAC
        assert wait_until(lambda: all(state_of(i)["state"] == "live" for i in ids), 30), listing()
        assert wait_until(lambda: all(size(p.path) > 200_000 for p in pages), 20), [size(p.path) for p in pages]
        for page in pages:
            assert codecs(page.path) == ["aac", "h264"], page.name
        live = state_of(ids[0])
        assert live["bitrate_kbps"] > 0 and live["restarts"] == 0 and live["last_error"] is None

        # the unreachable page says why, and nothing else is disturbed by it
        bad = wait_until(
            lambda: (d := state_of(bad_id))["state"] in ("retrying", "failed") and d["last_error"] and d, 20
        )
        assert bad and bad["last_error"]["reason"] == "connection_refused" and bad["last_error"]["message"]

        # one page dies: it retries alone while the other two keep growing
        pages[1].kill()
        assert wait_until(lambda: state_of(ids[1])["state"] == "retrying", 15), state_of(ids[1])
        before = [size(pages[0].path), size(pages[2].path)]
        time.sleep(4)
        assert size(pages[0].path) > before[0] + 50_000 and size(pages[2].path) > before[1] + 50_000
        assert all(state_of(i)["state"] == "live" for i in (ids[0], ids[2]))
        time.sleep(4)  # stays down a while: the backoff grows

        # its receiver returns: live again within 15 s, the others never restarted
        pages[1].start()
        returned = time.monotonic()
        assert wait_until(lambda: state_of(ids[1])["state"] == "live", 15), state_of(ids[1])
        assert time.monotonic() - returned <= 15
        assert wait_until(lambda: size(pages[1].path) > 100_000, 15)
        assert codecs(pages[1].path) == ["aac", "h264"]
        again = state_of(ids[1])
        assert again["restarts"] >= 1
        assert state_of(ids[0])["restarts"] == 0 and state_of(ids[2])["restarts"] == 0

        # no key anywhere a person can see
        seen = str(listing())
        for key in [*keys, bad_key]:
            assert key not in seen
    finally:
        stop_process(feed)

    status, body = http("POST", f"{base}/restream", {"action": "stop", "obs": False}, token=admin)
    assert status == 200 and all(d["state"] == "idle" for d in body["destinations"]), body
    log = server.log()
    assert "restream" in log  # the relay did log its work...
    for key in [*keys, bad_key]:
        assert key not in log  # ...but never a key


@pytest.mark.obs
def test_the_one_press_points_a_real_obs_at_the_ingest_and_the_page_goes_live(app, client, event, tmp_path):
    """The real OBS Studio, pointed at the ingest by ``restream start`` (no hand-set target)."""
    from server.extensions import db
    from server.services.accounts import users as accounts
    from tests.fakes.obs_fixtures import wait_for
    from tests.support.real_obs import RealObs

    app.config["RESTREAM_DIR"] = str(tmp_path / "restream")
    app.config["OBS_CONNECTION_OPTIONS"] = {
        "probe_interval": 1.0,
        "backoff_initial": 0.3,
        "backoff_max": 2.0,
        "request_timeout": 5.0,
        "connect_timeout": 3.0,
    }
    obs = RealObs(password="bc-restream-pw").start()
    page = Page(tmp_path / "pages", "obs-page").start()
    key = f"obs-page-SeCrEtKeY-{os.getpid()}"
    _token, crew = accounts.create_token("admin")
    headers = {"Authorization": f"Bearer {crew}"}
    base = f"/api/v1/events/{event.slug}"
    try:
        event.obs_url, event.obs_password = obs.url, obs.password
        db.session.commit()
        conn = app.extensions["obs"].connection_for(event.slug)
        assert wait_for(lambda: conn.connected, 30), (conn.state["error"], obs.log_tail())
        r = client.post(
            f"{base}/destinations",
            json={"name": "Fanpage", "url": f"rtmp://127.0.0.1:{page.port}/live", "key": key},
            headers=headers,
        )
        dest_id = r.get_json()["destination"]["id"]

        r = client.post(f"{base}/restream", json={"action": "start"}, headers=headers)
        assert r.status_code == 200, r.get_json()
        body = r.get_json()
        assert body["obs"]["state"] == "live", body
        target = conn.get_stream_target()
        assert target["server"] == body["ingest"]["server"] and target["service"] == "rtmp_custom"

        def state():
            listed = client.get(f"{base}/destinations", headers=headers).get_json()
            return next(d for d in listed["destinations"] if d["id"] == dest_id)

        assert wait_for(lambda: state()["state"] == "live", 30), state()
        assert state()["bitrate_kbps"] > 0
        assert key not in str(client.get(f"{base}/destinations", headers=headers).get_json())
        time.sleep(6)  # OBS's empty scene is black: a few kbit/s, the receiver writes on close

        r = client.post(f"{base}/restream", json={"action": "stop"}, headers=headers)
        assert r.status_code == 200 and r.get_json()["obs"]["active"] is False, r.get_json()
        assert r.get_json()["destinations"][0]["state"] == "idle"
        page.stop()  # flushes what it received
        assert size(page.path) > 0
        assert "h264" in codecs(page.path)
    finally:
        app.extensions["obs"].manager.stop_all()
        runtime = app.extensions.get("restream")
        if runtime is not None:
            runtime.shutdown()
        page.stop()
        obs.cleanup()
