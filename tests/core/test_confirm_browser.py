"""The shared confirmation dialog (templates/_macros.html confirm_dialog + static/js/lib/confirm.js): a
``data-confirm`` button asks first, "Huỷ" keeps the page, "Đồng ý" submits the form through that button."""

import pytest

pytestmark = pytest.mark.browser

FORM = """() => {
  const form = document.createElement("form");
  form.method = "get"; form.action = "/healthz";
  form.innerHTML = '<input name="probe" value="1"><button name="go" value="yes" data-confirm="Thu hồi đường dẫn cũ?">Thu hồi</button>';
  document.querySelector("main").append(form);
}"""


def test_a_data_confirm_button_asks_before_submitting(live_server, page):
    page.goto(live_server.url + "/login")
    page.evaluate(FORM)
    dialog = page.locator("#confirm-dialog")
    assert not dialog.is_visible()

    page.get_by_role("button", name="Thu hồi").click()
    assert dialog.is_visible()
    assert page.locator("#confirm-dialog-message").inner_text() == "Thu hồi đường dẫn cũ?"
    page.get_by_role("button", name="Huỷ").click()
    assert not dialog.is_visible()
    assert page.url.endswith("/login")

    page.get_by_role("button", name="Thu hồi").click()
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.url.endswith("/login")

    page.get_by_role("button", name="Thu hồi").click()
    page.get_by_role("button", name="Đồng ý").click()
    page.wait_for_url("**/healthz?probe=1&go=yes")


def test_overlays_carry_no_dialog(live_server, page):
    page.goto(live_server.url + "/overlay/demo-plenary/lower-third")
    assert page.locator("#confirm-dialog").count() == 0
