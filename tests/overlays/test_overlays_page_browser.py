"""The crew's overlays page in Chromium: a live preview (scaled iframe) of every overlay, its
URL with a working copy button, Vietnamese labels; the ticker inside the action-safe area."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]
SLUG = "demo-plenary"


def test_every_overlay_has_a_preview_and_a_copyable_url(live_server, page):
    server = live_server
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", server.admin_password)
    page.click("button[type=submit]")
    page.goto(f"{server.url}/events/{SLUG}/overlays")
    cards = page.locator(".overlay-card")
    keys = [cards.nth(i).get_attribute("data-overlay") for i in range(cards.count())]
    for key in ("lower-third", "question", "clock", "ticker", "slides", "counter", "speaker"):
        assert key in keys
    ticker = page.locator('.overlay-card[data-overlay="ticker"]')
    expect(ticker.locator("h2")).to_have_text("Dải chữ chương trình")
    frame = ticker.locator("iframe").content_frame
    expect(frame.locator("#overlay[data-connected]")).to_be_attached()
    box = ticker.locator(".overlay-preview").bounding_box()
    assert round(box["width"]) == 384 and round(box["height"]) == 216

    # the ticker sits in the action-safe area (5 % of 1920×1080)
    rect = frame.locator(".ticker").evaluate(
        "n => { const r = n.getBoundingClientRect(); return [r.left, r.right, r.bottom]; }"
    )
    assert rect[0] >= 96 and rect[1] <= 1920 - 96 and rect[2] <= 1080 - 54

    speaker = page.locator('.overlay-card[data-overlay="speaker"]')
    url = speaker.locator(".overlay-url").input_value()
    assert url == f"{server.url}/overlay/{SLUG}/speaker"
    speaker.locator(".copy-url").click()
    expect(speaker.locator(".copy-url")).to_have_text("Đã sao chép")
    assert page.evaluate("navigator.clipboard.readText()") == url
