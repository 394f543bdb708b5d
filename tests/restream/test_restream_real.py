"""Restreaming with real parts: a real Bridgecast server (gevent), its real nginx-rtmp ingest,
real ffmpeg pushers, an ffmpeg test source (or the real OBS) standing in for the program and
three ``ffmpeg -listen`` RTMP receivers standing in for the fan pages, one of them RTMPS behind a
TLS terminator (nginx ``stream`` with a self-signed certificate, ``tests/support/tls_terminator.py``).

Checks: pages started before the program wait for it (``waiting``, input lost) instead of
failing; every page, the RTMPS one included, receives H.264 + AAC and keeps growing; a page
whose receiver dies shows ``retrying`` while the others keep growing, and is ``live`` again
within 15 s of its receiver returning; an unreachable page shows why; the real OBS killed while
restreaming leaves every page ``waiting`` with the input lost (never ``failed``), and they are
``live`` again by themselves once OBS is back and streams; no stream key in any answer, socket
payload or log.
"""

import logging
import os
import shutil
import subprocess
import time

import pytest

from tests.support.cluster import http, mint_token
from tests.support.fan_pages import FakePage, codecs, publish, size
from tests.support.processes import free_port, stop_process
from tests.support.tls_terminator import MODULE as STREAM_MODULE

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]
EVENT = "demo-plenary"
MODULE = "/usr/lib/nginx/modules/ngx_rtmp_module.so"

TOOLS = (shutil.which("nginx"), os.path.exists(MODULE), os.path.exists(STREAM_MODULE), shutil.which("ffmpeg"))
if not (all(TOOLS) and shutil.which("ffprobe")):
    # never skipped: a missing tool is a failure (.ci/run installs them)
    pytest.fail(
        "needs nginx with libnginx-mod-rtmp and libnginx-mod-stream, ffmpeg and ffprobe (see .ci/run)", pytrace=False
    )


def wait_until(predicate, timeout, step=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


@pytest.fixture
def server(start_server, tmp_path):
    return start_server(env={"BRIDGECAST_RESTREAM_DIR": str(tmp_path / "restream")})


@pytest.fixture
def pages(tmp_path):
    """Three fake pages; the last one is RTMPS (TLS terminator with a self-signed certificate)."""
    made = [FakePage(tmp_path / "pages", f"page{i}", tls=(i == 2)).start() for i in range(3)]
    yield made
    for page in made:
        page.stop()


def test_one_feed_reaches_every_page_and_a_failing_page_restarts_alone(server, pages, tmp_path):
    admin = mint_token(f"sqlite:///{os.path.join(server.tmpdir, 'server.db')}", "admin")
    base = f"{server.url}/api/v1/events/{EVENT}"
    keys = [f"page{i}-SeCrEtKeY-{os.getpid()}-{i}" for i in range(3)]
    ids = []
    for page, key in zip(pages, keys, strict=True):
        status, body = http(
            "POST",
            f"{base}/destinations",
            {"name": page.name, "url": page.url, "key": key},
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
    # no program yet: the pages wait for it and say so, they do not fail
    waiting = wait_until(lambda: all(state_of(i)["state"] == "waiting" for i in ids) and listing(), 10)
    assert waiting, listing()
    assert {d["last_error"]["reason"] for d in waiting["destinations"] if d["id"] in ids} == {"input_lost"}
    feed = publish(ingest["server"], EVENT, tmp_path / "feed.log")
    try:
        # every page goes live and receives H.264 + AAC, the RTMPS one through TLS
        assert state_of(ids[2])["server"] == pages[2].url and pages[2].url.startswith("rtmps://127.0.0.1:")
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
    page = FakePage(tmp_path / "pages", "obs-page").start()
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


def make_clip(path, seconds=8):
    """A short moving picture with a tone, for OBS to play in a loop."""
    subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=640x360:rate=25",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000",
            "-t",
            str(seconds),
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


def show_clip(conn, clip):
    """OBS's program gets a moving picture and sound (its empty scene is black and silent: a few
    kbit/s, a receiver's file would hardly grow). Added again after a restart if OBS lost it."""
    if "Clip" in [i.get("inputName") for i in conn.call("GetInputList").get("inputs", [])]:
        return
    current = conn.call("GetCurrentProgramScene")
    conn.call(
        "CreateInput",
        {
            "sceneName": current.get("currentProgramSceneName") or current.get("sceneName"),
            "inputName": "Clip",
            "inputKind": "ffmpeg_source",
            "inputSettings": {"local_file": str(clip), "looping": True},
            "sceneItemEnabled": True,
        },
    )


@pytest.mark.obs
def test_obs_killed_while_restreaming_the_pages_wait_for_it_and_resume(
    app, client, event, socket_client, tmp_path, caplog
):
    """The real OBS is killed mid-broadcast: every page shows the input lost (``waiting``), never
    burns its failures into ``failed`` (3 allowed here, more attempts than that while OBS is
    down), and is ``live`` again by itself once OBS is back and the crew presses start again."""
    from server.extensions import db
    from server.services.accounts import users as accounts
    from tests.fakes.obs_fixtures import wait_for
    from tests.support.real_obs import RealObs

    caplog.set_level(logging.DEBUG)
    app.config["RESTREAM_DIR"] = str(tmp_path / "restream")
    app.config["RESTREAM_MAX_FAILURES"] = 3
    app.config["OBS_CONNECTION_OPTIONS"] = {
        "probe_interval": 1.0,
        "backoff_initial": 0.3,
        "backoff_max": 1.0,
        "request_timeout": 5.0,
        "connect_timeout": 3.0,
    }
    clip = tmp_path / "clip.mp4"
    make_clip(clip)
    obs = RealObs(password="bc-restream-kill-pw").start()
    pages = [FakePage(tmp_path / "pages", "province").start(), FakePage(tmp_path / "pages", "yt", tls=True).start()]
    keys = [f"kill-{page.name}-SeCrEtKeY-{os.getpid()}" for page in pages]
    _token, crew_token = accounts.create_token("admin")
    headers = {"Authorization": f"Bearer {crew_token}"}
    base = f"/api/v1/events/{event.slug}"
    crew = socket_client("/crew", role="crew")

    def listing():
        return client.get(f"{base}/destinations", headers=headers).get_json()

    def states():
        return {d["id"]: d for d in listing()["destinations"]}

    def press():
        r = client.post(f"{base}/restream", json={"action": "start"}, headers=headers)
        assert r.status_code == 200 and r.get_json()["obs"]["state"] == "live", r.get_json()

    try:
        event.obs_url, event.obs_password = obs.url, obs.password
        db.session.commit()
        conn = app.extensions["obs"].connection_for(event.slug)
        assert wait_for(lambda: conn.connected, 30), (conn.state["error"], obs.log_tail())
        show_clip(conn, clip)
        ids = []
        for page, key in zip(pages, keys, strict=True):
            r = client.post(
                f"{base}/destinations", json={"name": page.name, "url": page.url, "key": key}, headers=headers
            )
            assert r.status_code == 201, r.get_json()
            ids.append(r.get_json()["destination"]["id"])
        press()
        assert wait_for(lambda: all(states()[i]["state"] == "live" for i in ids), 30), listing()
        assert wait_for(lambda: all(size(p.path) > 100_000 for p in pages), 20), [size(p.path) for p in pages]

        # OBS dies: the ingest drops the readers at once, the pages say the input is lost
        obs.kill()
        lost = time.monotonic()
        assert wait_for(lambda: all(states()[i]["state"] == "waiting" for i in ids), 10), listing()
        assert time.monotonic() - lost < 10
        for i in ids:
            err = states()[i]["last_error"]
            assert err["reason"] == "input_lost" and "OBS" in err["message"], err
        # a page's session ends with its pusher's connection; the page takes a new one
        assert wait_for(lambda: all(p.ended for p in pages), 10)
        for page in pages:
            page.start()

        # OBS stays away for more input polls (one per 2 s) than the 3 failures allowed
        time.sleep(max(0.0, lost + 9 - time.monotonic()))
        assert all(states()[i]["state"] == "waiting" for i in ids), listing()
        obs.start()
        assert wait_for(lambda: conn.connected, 30), (conn.state["error"], obs.log_tail())
        show_clip(conn, clip)
        press()  # the pushers are already waiting: only OBS is pointed at the ingest and started
        assert wait_for(lambda: all(states()[i]["state"] == "live" for i in ids), 30), listing()
        assert wait_for(lambda: all(size(p.path) > 100_000 for p in pages), 20), [size(p.path) for p in pages]
        assert all(states()[i]["restarts"] >= 1 and states()[i]["last_error"] is None for i in ids), listing()
        for page in pages:
            page.receiver.stop()  # flushes; the resumed session holds the program again
            assert codecs(page.path) == ["aac", "h264"], page.name

        pushed = [p["args"][0]["destination"] for p in crew.get_received("/crew") if p["name"] == "destinations"]
        assert "failed" not in {d["state"] for d in pushed}
        assert any(d["state"] == "waiting" and d["last_error"]["reason"] == "input_lost" for d in pushed)
        seen = str(listing()) + str(pushed) + caplog.text
        assert "rtmps://127.0.0.1:" in seen and "input_lost" in seen
        for key in keys:
            assert key not in seen  # not in an answer, a socket payload or a log line
    finally:
        app.extensions["obs"].manager.stop_all()
        runtime = app.extensions.get("restream")
        if runtime is not None:
            runtime.shutdown()
        for page in pages:
            page.stop()
        obs.cleanup()
