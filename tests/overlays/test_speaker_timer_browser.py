"""The speaker timer in Chromium against a real server: the crew's message from the agenda
panel shows on the speaker's screen, "paused" shows while the countdown is paused, and the
public clock overlay shows no drift by default. Saves docs/screenshots/speaker-timer.png."""

import pytest
from playwright.sync_api import expect

from tests.support.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]
SLUG = "demo-plenary"


def login(page, server):
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", server.admin_password)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{server.url}/")


def test_crew_message_and_pause_reach_the_speaker(live_server, browser, page):
    server = live_server
    speaker_ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="vi-VN")
    try:
        speaker = speaker_ctx.new_page()
        speaker.goto(f"{server.url}/overlay/{SLUG}/speaker")
        expect(speaker.locator("#overlay[data-connected]")).to_be_attached()
        expect(speaker.locator("#speaker-message")).to_be_hidden()

        login(page, server)
        page.goto(f"{server.url}/events/{SLUG}/agenda")
        expect(page.locator("#agenda-panel[data-connected]")).to_be_attached()
        page.click("#take-next")
        page.keyboard.press("n")
        expect(speaker.locator("#speaker-title")).to_have_text("Chào cờ, tuyên bố lý do, giới thiệu đại biểu")
        expect(speaker.locator("#countdown")).to_have_text("9:59", timeout=5000)
        expect(speaker.locator("#wall-clock")).to_have_text(__import__("re").compile(r"^\d\d:\d\d$"))

        page.click("#speaker-box .speaker-preset[data-text='Xin mời kết thúc']")
        expect(speaker.locator("#speaker-message")).to_have_text("Xin mời kết thúc")
        expect(page.locator("#speaker-message-now")).to_have_text("Xin mời kết thúc")

        page.click("#timer-pause")
        expect(speaker.locator("#speaker-paused")).to_be_visible()
        expect(speaker.locator("#speaker-timer")).to_have_attribute("data-paused", "true")
        speaker.wait_for_timeout(300)
        screenshot(speaker, "speaker-timer")

        page.click("#timer-resume")
        expect(speaker.locator("#speaker-paused")).to_be_hidden()
        page.click("#speaker-message-clear")
        expect(speaker.locator("#speaker-message")).to_be_hidden()

        # the public clock overlay keeps the schedule drift to the crew
        speaker.goto(f"{server.url}/overlay/{SLUG}/clock")
        expect(speaker.locator("#overlay[data-connected]")).to_be_attached()
        speaker.wait_for_timeout(500)
        assert speaker.locator("#drift").inner_text() == ""
    finally:
        speaker_ctx.close()
