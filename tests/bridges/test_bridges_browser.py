"""Chromium: a phone (mobile viewport) checks its site in and reports trouble; the crew
board, open at the same time, shows the site degraded and the incident, live."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import screenshot

SLUG = "demo-forum"


def login(page, base):
    page.goto(f"{base}/login")
    page.fill('input[name="username"]', "admin")
    page.fill('input[name="password"]', "admin-pass-123")
    page.click('button[type="submit"]')
    page.wait_for_url(re.compile(r".*/$"))


@pytest.mark.browser
def test_phone_checks_in_and_reports_trouble_crew_board_sees_it(live_server, page, phone_page):
    base = live_server.url
    login(page, base)
    sites = page.request.get(f"{base}/api/v1/events/{SLUG}/sites").json()["sites"]
    assert len(sites) == 442
    site = sites[5]

    page.goto(f"{base}/events/{SLUG}/board")
    page.wait_for_selector("body[data-board-ready='1']")
    assert page.locator("#c-total").text_content() == "442"
    assert page.locator(".site").count() == 442
    cell = page.locator(f".site[data-id='{site['id']}']")
    assert cell.get_attribute("data-state") == "never_seen"

    phone_page.goto(f"{base}/p/{site['token']}")
    phone_page.wait_for_selector("#conn[data-state='online']")
    phone_page.click("#check-in button[type=submit]")
    phone_page.wait_for_selector("#check-in-status[data-status='sent']")
    assert "Đã báo sẵn sàng" in phone_page.locator("#check-in-status").text_content()
    page.wait_for_selector(f".site[data-id='{site['id']}'][data-state='online']")
    assert page.locator("#c-checked_in").text_content() == "1"
    assert page.locator("#c-online").text_content() == "1"

    phone_page.check("input[name=kind][value=no_audio]")
    phone_page.fill("#report-text", "Không nghe được tiếng từ hội trường chính")
    phone_page.click("#report button[type=submit]")
    phone_page.wait_for_selector(".ph-incident[data-status='open']")
    assert "Mất tiếng" in phone_page.locator("#incidents").text_content()

    page.wait_for_selector(f".site[data-id='{site['id']}'][data-state='degraded']")
    assert "▲" in cell.text_content() and "Chập chờn" in cell.get_attribute("aria-label")
    assert page.locator("#c-degraded").text_content() == "1"
    incident = page.locator(".incident[data-status='open']").first
    assert site["code"] in incident.text_content() and "Mất tiếng" in incident.text_content()
    assert "Không nghe được tiếng" in incident.text_content()

    # search without diacritics finds the site
    page.fill(
        "#search",
        site["name"]
        .replace("Điểm cầu ", "")
        .lower()
        .translate(
            str.maketrans(
                "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ",
                "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd",
            )
        ),
    )
    assert cell.is_visible()
    page.fill("#search", "")
    screenshot(page, "crew-board")

    # crew acknowledges: the phone sees it
    incident.locator("button").first.click()
    phone_page.wait_for_selector(".ph-incident[data-status='acknowledged']")
    assert "Tổ kỹ thuật đã tiếp nhận" in phone_page.locator("#incidents").text_content()


@pytest.mark.browser
def test_phone_without_socket_acts_over_http_and_shows_the_servers_message(live_server, page, phone_page):
    base = live_server.url
    login(page, base)
    site = page.request.get(f"{base}/api/v1/events/{SLUG}/sites").json()["sites"][7]
    page.goto(f"{base}/events/{SLUG}/board")
    page.wait_for_selector("body[data-board-ready='1']")

    # a network that blocks the socket: no WebSocket, and Socket.IO's polling refused
    phone_page.add_init_script("window.WebSocket = undefined;")
    phone_page.route("**/socket.io/**", lambda route: route.abort())
    phone_page.goto(f"{base}/p/{site['token']}")
    phone_page.click("#check-in button[type=submit]")
    phone_page.wait_for_selector("#check-in-status[data-status='sent']")
    assert "Đã báo sẵn sàng" in phone_page.locator("#check-in-status").text_content()
    assert phone_page.locator("#conn").get_attribute("data-state") == "fallback"
    page.wait_for_selector(f".site[data-id='{site['id']}'][data-state='online']")

    # a refusal shows the server's own message
    phone_page.check("input[name=kind][value=other]")
    phone_page.fill("#report-text", "")
    phone_page.click("#report button[type=submit]")
    expect(phone_page.locator("#report-status")).to_contain_text("Hãy mô tả sự cố")

    phone_page.check("input[name=kind][value=frozen]")
    phone_page.click("#report button[type=submit]")
    phone_page.wait_for_selector(".ph-incident[data-status='open']")
    page.wait_for_selector(f".site[data-id='{site['id']}'][data-state='degraded']")
    assert page.locator(".incident[data-status='open']").count() == 1
