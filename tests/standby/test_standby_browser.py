"""The standby OBS on the control panel in Chromium, against two fake obs-websocket servers and a
real Bridgecast server (gevent): the header strip and the panel say "OBS dự phòng: đã kết nối /
mất kết nối", and the switch button puts the standby on air (then offers the way back); after
the switch the panel's badge says "Đang phát từ: máy OBS dự phòng" and its program monitor and
scene list are the standby's (a scene only the standby has), the primary's link stays in sight."""

import os

import pytest

from tests.fakes.fake_obs import FakeObs
from tests.support.cluster import http, mint_token

pytestmark = [pytest.mark.timeout(120), pytest.mark.browser]
SLUG = "demo-plenary"
BACKUP_PASSWORD = "browser-standby-SeCrEt"
STANDBY_SCENE = "Máy dự phòng"


@pytest.fixture
def fakes():
    made = [FakeObs().start(), FakeObs(password=BACKUP_PASSWORD).start()]
    standby = made[1].state  # a picture of its own: a scene the primary does not have, on program
    standby.scenes, standby.items, standby.program = [STANDBY_SCENE], {STANDBY_SCENE: []}, STANDBY_SCENE
    yield made
    for fake in made:
        fake.stop()


@pytest.fixture
def server(start_server, fakes):
    primary, _backup = fakes
    return start_server(env={"BRIDGECAST_OBS_URL": primary.url, "BRIDGECAST_OBS_PASSWORD": primary.password})


def test_the_panel_shows_the_standby_link_and_switches_to_it(server, fakes, page):
    _primary, backup = fakes
    admin = mint_token(f"sqlite:///{os.path.join(server.tmpdir, 'server.db')}", "admin")
    status, body = http(
        "PUT",
        f"{server.url}/api/v1/events/{SLUG}/standby/settings",
        {"host": "127.0.0.1", "port": backup.port, "password": BACKUP_PASSWORD},
        token=admin,
    )
    assert status == 200, body

    page.goto(server.url + "/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", server.admin_password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto(f"{server.url}/control/{SLUG}")
    page.wait_for_selector("#standby-link[data-status=connected]", timeout=20000)
    strip = page.locator('#live-strip [data-part="standby"]')
    assert strip.inner_text() == "OBS dự phòng: đã kết nối"
    assert page.locator("#standby-link").inner_text() == "OBS dự phòng: đã kết nối"
    assert page.locator("#standby-on-air").inner_text() == "Đang phát từ OBS chính"
    assert page.locator("#on-air-side").inner_text() == "Đang phát từ: OBS chính"
    page.wait_for_function("document.querySelector('#program-name').textContent === 'Scene'", timeout=5000)
    assert BACKUP_PASSWORD not in page.content()

    backup.stop()
    page.wait_for_selector("#standby-link[data-status=disconnected]", timeout=10000)
    assert strip.inner_text() == "OBS dự phòng: mất kết nối"
    backup.start()
    page.wait_for_selector("#standby-link[data-status=connected]", timeout=10000)

    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#standby-to-backup")
    page.wait_for_selector("#standby-on-air[data-side=backup]", timeout=10000)
    assert page.locator("#standby-on-air").inner_text() == "Đang phát từ OBS dự phòng"
    assert page.locator("#standby-to-primary").is_visible() and not page.locator("#standby-to-backup").is_visible()
    # the panel above now shows the standby: badge, program monitor, scene buttons; the primary's link stays
    page.wait_for_selector("#on-air-side[data-side=backup]", timeout=5000)
    assert page.locator("#on-air-side").inner_text() == "Đang phát từ: máy OBS dự phòng"
    page.wait_for_function(f"document.querySelector('#program-name').textContent === '{STANDBY_SCENE}'", timeout=5000)
    assert page.locator("#scenes .scene-name").all_inner_texts() == [STANDBY_SCENE]
    assert page.locator("#standby-primary-link").inner_text() == "OBS chính: đã kết nối"
    page.wait_for_function(
        "document.querySelector('#live-strip [data-part=standby]').textContent === 'Đang phát từ OBS dự phòng'",
        timeout=5000,
    )
    assert page.locator("#live-strip").get_attribute("data-alarm")  # the crew is alerted
    status, body = http("GET", f"{server.url}/api/v1/events/{SLUG}/standby", token=admin)
    assert status == 200 and body["on_air"] == "backup"

    page.click("#standby-to-primary")
    page.wait_for_selector("#standby-on-air[data-side=primary]", timeout=10000)
    page.wait_for_selector("#on-air-side[data-side=primary]", timeout=5000)
    page.wait_for_function("document.querySelector('#program-name').textContent === 'Scene'", timeout=5000)
