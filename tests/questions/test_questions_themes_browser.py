"""Themes in the moderation console (Chromium): the themes view lists them with counts, a click
filters the list to one theme, a rename reaches the open console, and a question is moved (and
pinned) from its detail pane."""

import uuid

import pytest

from tests.support.browser import screenshot
from tests.support.theme_corpus import BASES

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def login(page, server):
    page.goto(server.url + "/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", server.admin_password)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")


def test_themes_view_filter_rename_and_move(live_server, page):
    login(page, live_server)
    tag = uuid.uuid4().hex[:6]
    for name in ("giao_thong", "y_te", "giao_duc"):
        for i, text in enumerate(BASES[name][:8]):
            response = page.request.post(
                f"{live_server.url}/api/v1/questions",
                data={"event": "demo-forum", "kind": "question", "text": text, "client_id": f"th-{tag}-{name}-{i}"},
            )
            assert response.status == 201, response.text()
    page.goto(live_server.url + "/events/demo-forum/moderation")
    page.wait_for_selector("#list .q-row[data-id]")
    page.click("#show-themes")
    page.wait_for_selector("#theme-list li.theme", timeout=60_000)  # the first use starts the worker process
    counts = [int(c) for c in page.locator("#theme-list .theme-count").all_inner_texts()]
    assert len(counts) >= 3 and sum(counts) >= 24 and counts == sorted(counts, reverse=True)
    screenshot(page, "moderation-themes")

    first = page.locator("#theme-list li.theme").first
    theme_id = first.get_attribute("data-id")
    first.locator(".theme-label").click()  # filters the list to that theme
    page.wait_for_function(
        "(id) => document.getElementById('f-theme').value === id && document.querySelectorAll('#list .q-row[data-id]').length > 0",
        arg=theme_id,
    )
    page.wait_for_function(f"() => document.querySelectorAll('#list .q-row[data-id]').length === {counts[0]}")
    shown = page.evaluate("() => [...document.querySelectorAll('#list .q-row[data-id]')].map(li => +li.dataset.id)")
    api = page.request.get(f"{live_server.url}/api/v1/events/demo-forum/themes").json()["themes"]
    assert sorted(shown) == next(t["question_ids"] for t in api if str(t["id"]) == theme_id)

    page.click("#show-themes")
    page.wait_for_selector("#theme-list li.theme")
    page.locator(f"#theme-list li.theme[data-id='{theme_id}'] .theme-rename").click()
    page.fill(".theme-rename-input", "Chủ đề đặt tên <b>tay</b>")
    page.click(".theme-rename-save")
    page.wait_for_function(
        "(id) => document.querySelector(`#theme-list li.theme[data-id='${id}'] .theme-label`)?.textContent === 'Chủ đề đặt tên <b>tay</b>'",
        arg=theme_id,
    )
    assert page.locator("#theme-list b").count() == 0  # shown as text
    assert "Chủ đề đặt tên <b>tay</b>" in page.locator("#f-theme").inner_text()

    # move the first question of the list to another theme from its detail pane: pinned
    other = next(t for t in api if str(t["id"]) != theme_id)
    page.locator("#list .q-row[data-id]").first.click()
    page.wait_for_selector("#theme-select")
    qid = int(page.locator("#list .q-row.selected").get_attribute("data-id"))
    page.select_option("#theme-select", str(other["id"]))
    page.wait_for_function(f"() => !document.querySelector('#list .q-row[data-id=\"{qid}\"]')")  # left the filter
    after = page.request.get(f"{live_server.url}/api/v1/events/demo-forum/themes").json()["themes"]
    assert qid in next(t["question_ids"] for t in after if t["id"] == other["id"])
