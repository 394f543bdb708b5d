"""The agenda editor in Chromium: long titles and names are shown whole (they wrap, never cut),
a refused save shows its messages at the row with the typed value kept, scenes are offered."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]
SLUG = "demo-plenary"


def test_editor_keeps_typed_values_and_shows_whole_titles(live_server, page):
    server = live_server
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", server.admin_password)
    page.click("button[type=submit]")
    page.goto(f"{server.url}/events/{SLUG}/agenda/edit")
    row = page.locator("#editor tbody tr[data-id]").nth(1)
    item_id = row.get_attribute("data-id")

    # nothing is cut: each long text field is as tall as its wrapped text
    for field in ("title", "speaker_name", "speaker_title", "lower_third"):
        cut = row.locator(f"[name={field}]").evaluate(
            "n => n.scrollHeight > n.clientHeight + 1 || n.scrollWidth > n.clientWidth + 1"
        )
        assert not cut, field

    # scenes come from the scene pack (and OBS when connected)
    options = page.locator("#scene-options option")
    assert options.count() > 0
    assert row.locator("[name=scene]").get_attribute("list") == "scene-options"

    long_title = (
        "Báo cáo tổng kết nhiệm kỳ 2020–2025, phương hướng, mục tiêu, nhiệm vụ nhiệm kỳ 2025–2030 của Ban Chấp hành"
    )
    row.locator("[name=title]").fill(long_title)
    row.locator("[name=duration_min]").fill("mười")
    row.locator("[name=warning_s]").fill("10")
    row.locator("[name=danger_s]").fill("60")
    row.locator("button[type=submit]", has_text="Lưu").click()

    errors = page.locator(f"#item-{item_id}-errors")
    expect(errors).to_be_visible()
    expect(errors.locator("li[data-field=duration_min]")).to_contain_text("Thời lượng phải là số phút nguyên.")
    expect(errors.locator("li[data-field=danger_s]")).to_be_visible()
    row = page.locator(f"#item-{item_id}")
    expect(row.locator("[name=title]")).to_have_value(long_title)
    expect(row.locator("[name=duration_min]")).to_have_value("mười")
    expect(row.locator("[name=duration_min]")).to_have_attribute("aria-invalid", "true")
