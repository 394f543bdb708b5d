"""The crew chief's wall in Chromium against a real server: the demo events plus one created in
the test, each a tile; a bridge point's alert turns its event's tile red within a poll or two;
the tile links open the event's pages. Screenshot: docs/screenshots/wall.png (1440×900)."""

import os
import sqlite3

import pytest
from playwright.sync_api import expect

from tests.support.browser import screenshot
from tests.support.cluster import http

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEMO = "demo-forum"
NEW = "wall-test-event"


def login(page, server):
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", server.admin_password)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{server.url}/")


def tokens(server, slug, n):
    with sqlite3.connect(os.path.join(server.tmpdir, "server.db")) as conn:
        return [
            row[0]
            for row in conn.execute(
                "SELECT s.token FROM sites s JOIN events e ON e.id = s.event_id WHERE e.slug = ? ORDER BY s.id LIMIT ?",
                (slug, n),
            )
        ]


def test_wall_shows_every_event_and_turns_red_on_an_alert(live_server, page):
    server = live_server
    login(page, server)
    page.goto(f"{server.url}/admin")
    page.fill("input[name=slug]", NEW)
    page.fill("input[name=name]", "Hội nghị kiểm thử bảng tổng quan")
    page.click("form[action$='/admin/events'] button[type=submit]")
    page.goto(f"{server.url}/")
    page.click("#wall-link")
    expect(page).to_have_url(f"{server.url}/wall")

    tiles = page.locator(".wall-tile")
    expect(page.locator(f'.wall-tile[data-slug="{NEW}"]')).to_be_visible()
    assert tiles.count() >= 3
    slugs = [tiles.nth(i).get_attribute("data-slug") for i in range(tiles.count())]
    assert {"demo-forum", "demo-plenary", NEW} <= set(slugs)
    expect(page.locator("#wall-status")).to_have_attribute("data-state", "ok")

    # some sites beat, one reports no audio: the forum's tile turns red, live, without a reload
    forum = page.locator(f'.wall-tile[data-slug="{DEMO}"]')
    site_tokens = tokens(server, DEMO, 40)
    for token in site_tokens[:30]:
        assert http("POST", f"{server.url}/api/v1/sites/{token}/heartbeat", {"state": "ok"})[0] == 200
    status, body = http(
        "POST",
        f"{server.url}/api/v1/sites/{site_tokens[35]}/report",
        {"kind": "no_audio", "text": "Mất tiếng từ hội trường"},
    )
    assert status in (200, 201), body
    expect(forum).to_have_attribute("data-level", "danger", timeout=8000)
    expect(forum.locator('[data-part="sites"] .st-alerts')).to_have_text("⚠ 1")
    expect(forum.locator('[data-part="sites"] .st-online')).to_have_text("● 30")
    expect(forum.locator(".wall-troubles .badge-danger")).to_contain_text("Có sự cố chưa xử lý")
    # OBS is not running in this test: every tile says so
    expect(forum.locator('[data-part="obs"]')).to_contain_text("OBS")
    page.wait_for_timeout(300)
    screenshot(page, "wall")

    # click-through: the event's name opens its control panel, its links its other pages
    page.locator(f'.wall-tile[data-slug="{NEW}"] .wall-links a[href$="/board"]').click()
    expect(page).to_have_url(f"{server.url}/events/{NEW}/board")
    page.go_back()
    page.locator(f'.wall-tile[data-slug="{DEMO}"] h2 a').click()
    expect(page).to_have_url(f"{server.url}/control/{DEMO}")


def test_wall_is_for_crew_and_admin(live_server):
    status, _body = http("GET", f"{live_server.url}/api/v1/overview")
    assert status == 401
