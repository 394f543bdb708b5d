"""Chromium, bridge points in the field: 40 sites drop at once → one group of 40 alerts on
the crew board that stays (watched over many offline thresholds: a minute at the production
pace) until a crew member acknowledges it; a phone (360×740) sends a photo from its camera and
the crew sees it in the site's conversation, answers, and the phone sees the answer. Short
offline threshold via BRIDGECAST_OFFLINE_S."""

import io
import re
import time

import pytest
from PIL import Image

from tests.support.browser import screenshot

SLUG = "demo-forum"
SMALL_PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def login(page, base):
    page.goto(f"{base}/login")
    page.fill('input[name="username"]', "admin")
    page.fill('input[name="password"]', "admin-pass-123")
    page.click('button[type="submit"]')
    page.wait_for_url(re.compile(r".*/$"))


OFFLINE_S, HEARTBEAT_S = 3, 1
STAY_S = 20  # the drops stay this long unacknowledged: 6 offline thresholds, 20 heartbeat periods


@pytest.fixture
def fast_server(start_server):
    return start_server(env={"BRIDGECAST_OFFLINE_S": str(OFFLINE_S), "BRIDGECAST_HEARTBEAT_S": str(HEARTBEAT_S)})


@pytest.fixture
def small_phone(browser):
    context = browser.new_context(**SMALL_PHONE, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def beat_all(page, base, tokens):
    """Every token beats once, at the same moment (then stops: the sites will drop)."""
    page.evaluate(
        """async ([base, tokens]) => { await Promise.all(tokens.map((t) => fetch(
        `${base}/api/v1/sites/${t}/heartbeat`, {method: "POST", headers: {"Content-Type": "application/json"},
        body: JSON.stringify({state: "ok"})}))); }""",
        [base, tokens],
    )


@pytest.mark.browser
@pytest.mark.slow
def test_forty_drops_stay_until_acknowledged(fast_server, page):
    base = fast_server.url
    login(page, base)
    sites = page.request.get(f"{base}/api/v1/events/{SLUG}/sites").json()["sites"]
    dropped = sites[:40]
    page.goto(f"{base}/events/{SLUG}/board")
    page.wait_for_selector("body[data-board-ready='1']")
    beat_all(page, base, [s["token"] for s in dropped])
    page.wait_for_selector(f".site[data-id='{dropped[-1]['id']}'][data-state='offline']", timeout=20000)
    page.wait_for_selector("body[data-open-alerts='40']", timeout=10000)
    group = page.locator(".alert-drop")
    assert group.count() == 1 and group.get_attribute("data-count") == "40"
    assert "40 điểm cầu mất kết nối" in group.text_content()
    # nothing clears them but an acknowledgement: watched for STAY_S, many offline thresholds and
    # heartbeat periods of this server (a minute at the production pace of 20 s and 5 s)
    deadline = time.monotonic() + STAY_S
    while time.monotonic() < deadline:
        assert page.locator("body").get_attribute("data-open-alerts") == "40"
        assert page.locator(".alert-drop").get_attribute("data-count") == "40"
        time.sleep(0.5)
    page.locator(f".site[data-id='{dropped[0]['id']}']").click()
    page.wait_for_selector("#d-history:not(:empty)")
    screenshot(page, "board-alerts")
    page.locator(".alert-drop button").click()
    page.wait_for_selector("body[data-open-alerts='0']")
    assert page.locator(".alert-drop").count() == 0
    page.reload()
    page.wait_for_selector("body[data-board-ready='1']")
    assert page.locator("body").get_attribute("data-open-alerts") == "0"  # acknowledged for good


@pytest.mark.browser
def test_phone_photo_reaches_the_crew_conversation(live_server, page, small_phone, tmp_path):
    base = live_server.url
    login(page, base)
    site = page.request.get(f"{base}/api/v1/events/{SLUG}/sites").json()["sites"][3]
    page.goto(f"{base}/events/{SLUG}/board")
    page.wait_for_selector("body[data-board-ready='1']")
    page.wait_for_selector("#ready-pct:has-text('/442')")  # the readiness panel: 0/442 ready before check-ins

    small_phone.goto(f"{base}/p/{site['token']}")
    small_phone.wait_for_selector("#conn[data-state='online']")
    small_phone.check("#test-call-ok")
    small_phone.click("#check-in button[type=submit]")
    page.wait_for_selector("#ready-pct:has-text('1/442')", timeout=10000)  # camera, sound and test call all ticked
    photo = tmp_path / "hoi-truong.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (3000, 2000), (30, 90, 160)).save(buf, "JPEG")
    photo.write_bytes(buf.getvalue())
    small_phone.set_input_files("#sc-photo", str(photo))
    small_phone.wait_for_selector("#sc-photo-name:has-text('KB')")
    small_phone.fill("#sc-text", "Màn hình hội trường bị đứng hình")
    small_phone.click("#sc-form button[type=submit]")
    small_phone.wait_for_selector("#sc-lines li.chat-site img.chat-photo")

    # the board: an unread badge on the site, then the conversation with the photo
    page.wait_for_selector(f".site[data-id='{site['id']}'] .unread")
    page.locator(f".site[data-id='{site['id']}']").click()
    page.wait_for_selector("#chat-lines li.chat-site img.chat-photo")
    assert "bị đứng hình" in page.locator("#chat-lines").text_content()
    width = page.evaluate("""() => new Promise((ok) => { const img = document.querySelector('#chat-lines img');
        if (img.complete) ok(img.naturalWidth); else img.onload = () => ok(img.naturalWidth); })""")
    assert width == 1280  # resized on the phone
    page.wait_for_selector(f".site[data-id='{site['id']}'] .unread", state="detached")
    # the phone sees the crew has read it; the crew answers with a quick reply
    small_phone.wait_for_selector("#sc-lines li.chat-site .read")
    page.locator("#chat-quick button").nth(2).click()
    small_phone.wait_for_selector("#sc-lines li.chat-crew")
    assert "Hình bị đứng" in small_phone.locator("#sc-lines li.chat-crew").text_content()
    page.wait_for_selector("#chat-lines li.chat-crew .read")
    screenshot(page, "board-conversation")
    small_phone.locator("#site-chat").scroll_into_view_if_needed()
    screenshot(small_phone, "site-chat")
