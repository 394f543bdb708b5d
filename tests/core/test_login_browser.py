"""A new user opens Bridgecast in Chromium: Vietnamese login page, admin logs in, sees the demo events."""

import pytest

from tests.support.browser import screenshot

pytestmark = pytest.mark.browser


def test_admin_logs_in_and_sees_the_demo_events(live_server, page):
    page.goto(live_server.url + "/")
    assert page.url.endswith("/login")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("button", name="Đăng nhập").is_visible()
    screenshot(page, "login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", live_server.admin_password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/")
    cards = page.locator(".event-card")
    assert cards.count() == 3  # demo-plenary, demo-forum, demo-national
    assert page.locator('.event-card[data-slug="demo-forum"]').is_visible()
    screenshot(page, "events")


def test_wrong_password_shows_a_vietnamese_error(live_server, page):
    page.goto(live_server.url + "/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "not-the-password")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.locator(".flash-error").inner_text() == "Sai tên đăng nhập hoặc mật khẩu"


def test_english_switch(live_server, page):
    page.goto(live_server.url + "/login")
    page.get_by_role("link", name="EN").click()
    assert page.get_by_role("button", name="Log in").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
