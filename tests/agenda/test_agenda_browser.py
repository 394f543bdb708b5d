"""In Chromium against a real server: the crew takes the next item; the lower-third overlay and
the phone agenda (mobile viewport) follow live. Screenshots for the README."""

import pytest
from playwright.sync_api import expect

from tests.support.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SLUG = "demo-plenary"
SECOND_ITEM = "Chào cờ, tuyên bố lý do, giới thiệu đại biểu"


def login(page, server):
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", server.admin_password)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{server.url}/")


def test_take_next_updates_the_overlay_and_the_phone_agenda(live_server, browser, page, phone_page):
    server = live_server
    overlay_context = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        overlay = overlay_context.new_page()
        overlay.goto(f"{server.url}/overlay/{SLUG}/lower-third")
        expect(overlay.locator("#overlay[data-connected]")).to_be_attached()
        assert overlay.evaluate("getComputedStyle(document.body).backgroundColor") == "rgba(0, 0, 0, 0)"
        expect(overlay.locator("#lower-third")).not_to_have_class("lower-third is-visible")

        phone_page.goto(f"{server.url}/e/{SLUG}")
        expect(phone_page.locator("#public-agenda[data-connected]")).to_be_attached()
        expect(phone_page.locator("#agenda-list li.is-current")).to_have_count(0)
        expect(phone_page.locator("a[href='/e/demo-plenary/ask']")).to_be_visible()

        login(page, server)
        page.goto(f"{server.url}/events/{SLUG}/agenda")
        expect(page.locator("#agenda-panel[data-connected]")).to_be_attached()
        page.click("#take-next")
        expect(page.locator("#current-title")).to_have_text("Chương trình văn nghệ chào mừng")
        page.keyboard.press("n")  # the keyboard shortcut takes the second item
        expect(page.locator("#current-title")).to_have_text(SECOND_ITEM)
        expect(page.locator("#timer")).to_have_text("10:00", timeout=5000)
        page.click("#timer-pause")
        page.click("#timer-nudges button[data-seconds='30']")
        expect(page.locator("#timer")).to_have_text("10:30", timeout=5000)
        page.click("#timer-nudges button[data-seconds='-10']")
        expect(page.locator("#timer")).to_have_text("10:20", timeout=5000)
        page.click("#timer-resume")

        expect(overlay.locator("#lower-third")).to_have_class("lower-third is-visible")
        expect(overlay.locator("#lt-name")).to_have_text("Lê Thị Hồng")
        expect(overlay.locator("#lt-title")).to_have_text("Phó Chủ tịch Ủy ban MTTQ tỉnh")

        current = phone_page.locator("#agenda-list li.is-current")
        expect(current).to_have_count(1)
        expect(current.locator(".title")).to_have_text(SECOND_ITEM)
        expect(phone_page.locator("#now-title")).to_have_text(SECOND_ITEM)

        page.wait_for_timeout(300)  # the lower-third slide-in transition
        overlay.wait_for_timeout(400)
        screenshot(page, "agenda-panel")
        screenshot(overlay, "overlay-lower-third")
        screenshot(phone_page, "phone-agenda")
    finally:
        overlay_context.close()


def test_phone_agenda_is_a_plain_list_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844}, locale="vi-VN")
    try:
        phone = context.new_page()
        phone.goto(f"{live_server.url}/e/{SLUG}")
        expect(phone.locator("#agenda-list li")).to_have_count(11)
        expect(phone.locator("#agenda-list li").first.locator(".title")).to_have_text("Chương trình văn nghệ chào mừng")
        expect(phone.locator("a", has_text="Tài liệu")).to_have_attribute("href", f"/e/{SLUG}/docs")
    finally:
        context.close()


def test_undo_take_in_the_panel(live_server, page):
    login(page, live_server)
    page.goto(f"{live_server.url}/events/{SLUG}/agenda")
    expect(page.locator("#agenda-panel[data-connected]")).to_be_attached()
    expect(page.locator("#take-undo")).to_be_disabled()
    page.click("#take-next")
    page.click("#take-next")
    expect(page.locator("#current-title")).to_have_text(SECOND_ITEM)
    expect(page.locator("#take-undo")).to_be_enabled()
    page.click("#take-undo")
    expect(page.locator("#current-title")).to_have_text("Chương trình văn nghệ chào mừng")
    expect(page.locator("#take-undo")).to_be_disabled()


def test_deleting_an_agenda_item_is_confirmed_in_a_dialog(live_server, page):
    login(page, live_server)
    page.goto(f"{live_server.url}/events/{SLUG}/agenda/edit")
    rows = page.locator("#editor tbody tr")
    expect(rows).to_have_count(11)
    last = rows.last
    title = last.locator("[name=title]").input_value()
    last.locator("form.delete-item button").click()
    dialog = page.locator("#delete-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#delete-dialog-title")).to_have_text(title)
    dialog.locator("button[value=cancel]").click()
    expect(dialog).to_be_hidden()
    expect(rows).to_have_count(11)
    rows.last.locator("form.delete-item button").click()
    dialog.locator("button[value=confirm]").click()
    expect(page.locator("#editor tbody tr")).to_have_count(10)
