"""The control panel in Chromium against a real OBS and a real Bridgecast server (eventlet).

Covers the OBS journey end to end (docs/design.md): scene click -> OBS -> tally red; REST with a bearer token
and Socket.IO both take scenes; OBS killed -> panel shows disconnected within ~2 s -> OBS
restarted -> the panel reconnects and resyncs by itself. (The README's control-panel.png comes from
tests/obs/test_control_panel_browser.py, with demo data.)
"""

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request

import obsws_python
import pytest

from tests.support.processes import ROOT
from tests.support.real_obs import RealObs

pytestmark = [pytest.mark.timeout(180), pytest.mark.obs, pytest.mark.browser]
SLUG = "demo-plenary"


@pytest.fixture(scope="module")
def real_obs():
    server = RealObs(password="bc-panel-pw")
    server.start()
    yield server
    server.cleanup()


@pytest.fixture
def server(start_server, real_obs):
    return start_server(env={"BRIDGECAST_OBS_URL": real_obs.url, "BRIDGECAST_OBS_PASSWORD": real_obs.password})


def program_of(real_obs):
    with obsws_python.ReqClient(host="127.0.0.1", port=real_obs.port, password=real_obs.password, timeout=5) as c:
        return c.send("GetCurrentProgramScene", raw=True)["currentProgramSceneName"]


def post(url, body, token):
    req = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def crew_token(server):
    out = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "server", "create-token", "--role", "crew"],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def test_panel_drives_real_obs(server, real_obs, page):
    page.goto(server.url + "/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", server.admin_password)
    page.click("button[type=submit]")
    page.goto(f"{server.url}/control/{SLUG}")
    page.wait_for_selector("#obs-badge[data-status=connected]", timeout=20000)

    page.click("#btn-pack")  # create the congress scenes in OBS
    page.wait_for_selector('.scene[data-scene="Speaker"]', timeout=15000)
    page.click('.scene[data-scene="Speaker"]')
    page.wait_for_selector('.scene[data-scene="Speaker"].tally-program', timeout=5000)
    assert program_of(real_obs) == "Speaker"

    # REST (Stream Deck path) moves the program; the panel follows OBS's event
    token = crew_token(server)
    status, text = post(f"{server.url}/api/v1/events/{SLUG}/obs/scene", {"scene": "Slides"}, token)
    assert status == 200, text
    page.wait_for_selector('.scene[data-scene="Slides"].tally-program', timeout=5000)
    assert not page.locator('.scene[data-scene="Speaker"]').get_attribute("class").count("tally-program")

    # keyboard: "2" is the second scene in OBS's list
    second = page.locator(".scene").nth(1).get_attribute("data-scene")
    page.keyboard.press("2")
    page.wait_for_selector(f'.scene[data-scene="{second}"].tally-program', timeout=5000)

    # thumbnails arrive while the panel is watched
    page.wait_for_selector('.scene[data-scene="Slides"] img:not([hidden])', timeout=10000)
    page.click('.scene[data-scene="Speaker"]')
    page.wait_for_selector('.scene[data-scene="Speaker"].tally-program', timeout=5000)
    page.wait_for_selector("#program-img[src^='data:image/']", timeout=10000)

    # OBS crashes: the panel says so within ~2 s, then recovers on its own
    t0 = time.monotonic()
    real_obs.kill()
    page.wait_for_selector("#obs-badge[data-status=disconnected]", timeout=4000)
    assert time.monotonic() - t0 < 2.0
    real_obs.start()
    page.wait_for_selector("#obs-badge[data-status=connected]", timeout=20000)
    status, text = post(f"{server.url}/api/v1/events/{SLUG}/obs/scene", {"scene": "Scene"}, token)
    assert status == 200, text
    page.wait_for_selector('.scene[data-scene="Scene"].tally-program', timeout=5000)
    assert real_obs.password not in server.log()  # never logged
