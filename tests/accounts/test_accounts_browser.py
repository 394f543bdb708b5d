"""The admin turns an account off in Chromium through its confirm step and sees it in the audit log."""

import pytest

pytestmark = pytest.mark.browser


def test_admin_deactivates_an_account_through_the_confirm_step(live_server, page):
    page.goto(live_server.url + "/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", live_server.admin_password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/admin/")
    page.fill("input[name=username]", "quayphim9")
    page.fill("form[action$='/admin/users'] input[name=password]", "quay-phim-pass-9")
    page.select_option("form[action$='/admin/users'] select[name=role]", "crew")
    page.get_by_role("button", name="Tạo tài khoản").click()
    row = page.locator("tr[id^=user-]", has_text="quayphim9")
    confirm = row.get_by_role("button", name="Xác nhận khoá")
    assert not confirm.is_visible()  # nothing happens on the first click: the confirm step opens
    row.locator("summary", has_text="Khoá…").click()
    assert confirm.is_visible()
    confirm.click()
    page.wait_for_load_state()
    assert page.locator(".flash-info").first.inner_text() == "Đã khoá tài khoản."
    assert "Đã khoá" in page.locator("tr[id^=user-]", has_text="quayphim9").inner_text()
    assert "user.deactivate" in page.locator("#audit-log").inner_text()
