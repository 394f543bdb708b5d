"""The fan pages on the control panel in Chromium, against a real server (gevent) and its real
nginx ingest: pages listed with their state, start one (it waits for the program: connecting),
the server's refusal shown as its own message, stop back to idle. No key on the page."""

import os

import pytest

from tests.support.browser import SCREENSHOTS
from tests.support.cluster import http, mint_token
from tests.support.processes import free_port

pytestmark = [pytest.mark.timeout(120), pytest.mark.browser, pytest.mark.slow]
SLUG = "demo-plenary"
KEY = "browser-SeCrEtKeY-0001"


def test_crew_starts_and_stops_a_page_from_the_panel(start_server, tmp_path, page):
    server = start_server(env={"BRIDGECAST_RESTREAM_DIR": str(tmp_path / "restream")})
    admin = mint_token(f"sqlite:///{os.path.join(server.tmpdir, 'server.db')}", "admin")
    base = f"{server.url}/api/v1/events/{SLUG}/destinations"
    status, body = http(
        "POST", base, {"name": "Fanpage tỉnh", "url": f"rtmp://127.0.0.1:{free_port()}/live", "key": KEY}, token=admin
    )
    assert status == 201, body
    dest_id = body["destination"]["id"]
    status, body = http(
        "POST",
        base,
        {"name": "Tắt", "url": "rtmp://a.rtmp.youtube.com/live2", "key": KEY, "enabled": False},
        token=admin,
    )
    off_id = body["destination"]["id"]

    page.goto(server.url + "/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", server.admin_password)
    page.click("button[type=submit]")
    page.goto(f"{server.url}/control/{SLUG}")
    row = f'#fan-list tr[data-id="{dest_id}"]'
    page.wait_for_selector(f'{row}[data-state="idle"]', timeout=15000)
    assert page.locator(f'#fan-list tr[data-id="{off_id}"] button').is_disabled()

    page.click(f"{row} button")
    page.wait_for_selector(f'{row}[data-state="connecting"]', timeout=10000)  # no program yet
    assert "rtmp://127.0.0.1:" in page.inner_text("#fan-ingest")

    # the OBS press is refused (no OBS configured): the server's own message is shown
    page.click("#fan-start")
    page.wait_for_selector("#fan-error:not(:empty)", timeout=20000)
    assert "OBS" in page.inner_text("#fan-error")
    section = page.locator("#fan-pages")
    section.scroll_into_view_if_needed()
    section.screenshot(path=os.path.join(SCREENSHOTS, "fan-pages.png"))

    page.click(f"{row} button")
    page.wait_for_selector(f'{row}[data-state="idle"]', timeout=10000)
    assert KEY not in page.content()
    assert KEY not in server.log()
