"""The agenda panel's "Chương / Chapters" box in Chromium against a real server and the fake
OBS: two takes while recording fill the fan-page list live, the recording's stop keeps them
as the last recording's, and the chapter files and the as-run log download."""

import re

import pytest
from playwright.sync_api import expect

from tests.fakes.fake_obs import FakeObs

pytestmark = [pytest.mark.timeout(120), pytest.mark.browser, pytest.mark.slow]
SLUG = "demo-plenary"


@pytest.fixture
def fake_obs():
    server = FakeObs().start()
    yield server
    server.stop()


@pytest.fixture
def server(start_server, fake_obs):
    return start_server(env={"BRIDGECAST_OBS_URL": fake_obs.url, "BRIDGECAST_OBS_PASSWORD": fake_obs.password})


def test_takes_while_recording_fill_the_chapters_box(server, fake_obs, page):
    page.goto(server.url + "/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", server.admin_password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto(f"{server.url}/control/{SLUG}")
    page.wait_for_selector("#obs-badge[data-status=connected]", timeout=20000)
    page.click("#record-start")
    page.wait_for_selector("#record-state[data-state=recording]", timeout=10000)

    page.goto(f"{server.url}/events/{SLUG}/agenda")
    expect(page.locator("#agenda-panel[data-connected]")).to_be_attached()
    expect(page.locator("#chapters-state")).to_have_text("Đang ghi hình: mỗi lần chuyển nội dung là một chương.")
    page.click("#take-next")
    page.click("#take-next")
    expect(page.locator("#chapters-box")).to_have_attribute("data-count", "2", timeout=5000)
    lines = page.locator("#chapters-text").input_value().splitlines()
    assert len(lines) == 2 and all(re.match(r"^00:00:\d\d \S", line) for line in lines), lines
    assert lines[0].endswith("Chương trình văn nghệ chào mừng")

    page.goto(f"{server.url}/control/{SLUG}")
    page.wait_for_selector("#obs-badge[data-status=connected]", timeout=20000)
    page.click("#record-stop")
    page.click("#record-stop")
    page.wait_for_selector("#record-state[data-state=stopped]", timeout=10000)
    page.goto(f"{server.url}/events/{SLUG}/agenda")
    expect(page.locator("#chapters-state")).to_have_text("Bản ghi hình gần nhất")
    assert page.locator("#chapters-text").input_value().splitlines() == lines

    with page.expect_download() as download:
        page.click("#chapters-box a:has-text('WebVTT')")
    assert re.match(r"chapters-demo-plenary-\d+\.vtt$", download.value.suggested_filename)
    with page.expect_download() as download:
        page.click("#chapters-box a:has-text('XLSX')")
    assert download.value.suggested_filename == "as-run-demo-plenary.xlsx"
    page.click("#chapters-mux")  # the fake OBS's file does not exist: the server says so
    expect(page.locator("#chapters-status")).to_have_text("Máy chủ không truy cập được tệp ghi hình.")
