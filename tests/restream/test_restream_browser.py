"""The fan pages on the control panel in Chromium, against a real server (gevent) and its real
nginx ingest: pages listed with their state, start one (no program yet: it waits for OBS and says so),
the server's refusal shown as its own message, stop back to idle. No key on the page."""

import os
import re
import time

import pytest

from tests.support.browser import SCREENSHOTS
from tests.support.cluster import http, mint_token
from tests.support.fan_pages import FakePage, publish
from tests.support.processes import free_port, stop_process

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
    page.wait_for_selector(f'{row}[data-state="waiting"]', timeout=10000)  # no program yet
    assert "OBS" in page.inner_text(f"{row} .fan-reason")
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


def test_the_panel_while_live_on_three_pages_one_of_them_rtmps(start_server, tmp_path, page):
    """A real live run (ffmpeg program → nginx ingest → three pushers → three receivers, the
    YouTube one over RTMPS): the panel shows every page live with its bitrate and uptime; the
    screenshot of the README is taken from it. No key on the page or in the log."""
    server = start_server(env={"BRIDGECAST_RESTREAM_DIR": str(tmp_path / "restream")})
    admin = mint_token(f"sqlite:///{os.path.join(server.tmpdir, 'server.db')}", "admin")
    base = f"{server.url}/api/v1/events/{SLUG}"
    names = ("Trang MTTQ tỉnh Thanh Hóa", "Trang MTTQ xã Quảng Phú", "YouTube Mặt trận")
    fakes = [FakePage(tmp_path / "pages", f"p{i}", tls=(i == 2)).start() for i in range(3)]
    keys = [f"live-SeCrEtKeY-{i}-{os.getpid()}" for i in range(3)]
    feed = None
    try:
        for name, fake, key in zip(names, fakes, keys, strict=True):
            status, body = http(
                "POST", f"{base}/destinations", {"name": name, "url": fake.url, "key": key}, token=admin
            )
            assert status == 201, body
        status, body = http("POST", f"{base}/restream", {"action": "start", "obs": False}, token=admin)
        assert status == 200, body
        feed = publish(body["ingest"]["server"], SLUG, tmp_path / "feed.log", video_kbps=2500, size_="1280x720")

        page.goto(server.url + "/login")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", server.admin_password)
        page.click("button[type=submit]")
        page.goto(f"{server.url}/control/{SLUG}")
        live_rows = page.locator('#fan-list tr[data-state="live"]')
        # every page live, with a measured bitrate and a few seconds of uptime (the page's CSP
        # forbids evaluated predicates: poll from here)
        shown = re.compile(r"^[1-9]\d* kbit/s · 0:(0[4-9]|[1-5]\d)$")
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            rates = [t.strip() for t in page.locator("#fan-list .fan-rate").all_inner_texts()]
            if live_rows.count() == 3 and len(rates) == 3 and all(shown.match(r) for r in rates):
                break
            time.sleep(0.5)
        assert live_rows.count() == 3 and all(shown.match(r) for r in rates), (rates, page.inner_text("#fan-list"))
        text = page.inner_text("#fan-pages")
        for name in names:
            assert name in text
        section = page.locator("#fan-pages")
        section.scroll_into_view_if_needed()
        section.screenshot(path=os.path.join(SCREENSHOTS, "fan-pages-live.png"))
        content = page.content()
        for key in keys:
            assert key not in content
    finally:
        if feed is not None:
            stop_process(feed)
        for fake in fakes:
            fake.stop()
    http("POST", f"{base}/restream", {"action": "stop", "obs": False}, token=admin)
    log = server.log()
    for key in keys:
        assert key not in log
