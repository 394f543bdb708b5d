"""Live questions in Chromium: a phone that goes offline loses nothing and duplicates
nothing; a moderator approves and puts a question on air while the overlay shows it.
Two moderators at once (conflicts, keys, bulk actions): ``test_moderators_browser.py``."""

import time
import uuid

import pytest

from tests.support.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DANGER = "<script>window.__pwned = 1</script> =cmd|' /C calc'!A0"


def login(page, server):
    page.goto(server.url + "/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", server.admin_password)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")


def count_with_text(page, server, text):
    response = page.request.get(
        f"{server.url}/api/v1/events/demo-plenary/questions", params={"status": "all", "q": text, "limit": 50}
    )
    assert response.ok, response.text()
    return sum(1 for q in response.json()["items"] if q["text"] == text)


def test_offline_phone_sends_each_question_once(live_server, phone_page, page):
    tag = uuid.uuid4().hex[:6]
    texts = [f"Câu hỏi ngoại tuyến một {tag}", f"Ý kiến ngoại tuyến hai {tag}"]
    phone_page.goto(live_server.url + "/e/demo-plenary/ask")
    phone_page.wait_for_function("() => document.querySelector('#ask') !== null")
    phone_page.context.set_offline(True)
    for text in texts:
        phone_page.fill("#text", text)
        phone_page.click("#ask-form button[type=submit]")
    phone_page.wait_for_selector("#mine li[data-state=queued] >> nth=1")
    assert phone_page.locator("#mine li").count() == 2
    assert phone_page.is_visible("#net-state")
    stored = phone_page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('bc-questions'))")
    assert stored
    phone_page.context.set_offline(False)
    phone_page.wait_for_function(
        "() => [...document.querySelectorAll('#mine li')].every(li => !['queued','sending'].includes(li.dataset.state))",
        timeout=20000,
    )
    # a reload re-follows the acknowledged submissions and never resends them
    phone_page.reload()
    phone_page.wait_for_selector("#mine li[data-state=sent] >> nth=1")
    time.sleep(1.0)
    login(page, live_server)
    for text in texts:
        assert count_with_text(page, live_server, text) == 1, text
    phone_page.evaluate("() => window.scrollTo(0, 0)")
    screenshot(phone_page, "phone-question-form")


def test_moderator_puts_a_question_on_air_and_the_overlay_shows_it(live_server, page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    tag = uuid.uuid4().hex[:6]
    text = f"Khi nào đường liên xã được sửa chữa? {tag}"
    login(page, live_server)
    for client_id, body_text, author in (
        (f"e2e-{tag}-1", text, "Nguyễn Văn An"),
        (f"e2e-{tag}-2", f"{DANGER} {tag}", "<img src=x onerror=alert(1)>"),
    ):
        response = page.request.post(
            f"{live_server.url}/api/v1/questions",
            data={
                "event": "demo-plenary",
                "kind": "question",
                "text": body_text,
                "client_id": client_id,
                "author": author,
            },
        )
        assert response.status == 201, response.text()
    overlay = page.context.new_page()
    overlay.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    overlay.set_viewport_size({"width": 1920, "height": 1080})
    overlay.goto(live_server.url + "/overlay/demo-plenary/question")

    page.goto(live_server.url + "/events/demo-plenary/moderation")
    page.fill("#f-q", tag)
    row = page.locator("#list li.q-row", has_text=text)
    row.wait_for()
    assert page.locator("#list li.q-row").count() == 2
    row.click()
    page.wait_for_selector(f"#detail-text:text-is('{text}')")
    page.keyboard.press("a")
    page.wait_for_selector("#detail .st-approved")
    page.keyboard.press("o")
    page.wait_for_selector("#detail .st-on_air")
    overlay.wait_for_selector("#overlay:not([hidden])")
    assert overlay.inner_text("#ov-text") == text
    assert "Nguyễn Văn An" in overlay.inner_text("#ov-who")
    page.wait_for_selector("#on-air.live")
    overlay.bring_to_front()
    screenshot(overlay, "overlay-question")
    page.bring_to_front()

    # the dangerous question stays text in the console
    danger_row = page.locator("#list li.q-row", has_text="=cmd|")
    danger_row.click()
    page.wait_for_selector("#detail-text:has-text('<script>')")
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("#detail script, #list script, #detail img").count() == 0
    row.click()
    page.wait_for_selector(f"#detail-text:text-is('{text}')")
    page.bring_to_front()
    screenshot(page, "moderation-console")
    assert dialogs == []


def test_duplicate_groups_are_listed_and_merged_in_one_click(live_server, page):
    tag = uuid.uuid4().hex[:6]
    text = f"Đề nghị nâng cấp trạm bơm tiêu úng thôn Đông {tag}"
    login(page, live_server)
    ids = []
    for i, body in enumerate((text, f"de nghi nang cap tram bom tieu ung thon dong {tag}")):
        response = page.request.post(
            f"{live_server.url}/api/v1/questions",
            data={"event": "demo-plenary", "kind": "question", "text": body, "client_id": f"dup-{tag}-{i}"},
        )
        assert response.status == 201, response.text()
        ids.append(response.json()["id"])
    page.goto(live_server.url + "/events/demo-plenary/moderation")
    page.wait_for_selector("#list li.q-row")  # connected: the first page of the list is in
    page.click("#show-duplicates")
    group = page.locator(".dup-group", has_text=tag)
    group.wait_for()
    screenshot(page, "moderation-duplicates")
    group.locator(".dup-merge").click()
    page.wait_for_function(
        f"() => ![...document.querySelectorAll('.dup-group')].some(g => g.textContent.includes('{tag}'))"
    )
    merged = page.request.get(f"{live_server.url}/api/v1/questions/{ids[1]}").json()["question"]
    assert merged["status"] == "merged" and merged["merged_into_id"] == ids[0]


def test_a_written_answer_from_the_console_reaches_the_asker_status(live_server, page):
    tag = uuid.uuid4().hex[:6]
    text = f"Khi nào làm lại cầu tràn xã Yên Lạc? {tag}"
    login(page, live_server)
    response = page.request.post(
        f"{live_server.url}/api/v1/questions",
        data={"event": "demo-plenary", "kind": "question", "text": text, "client_id": f"wa-{tag}"},
    )
    assert response.status == 201, response.text()
    page.goto(live_server.url + "/events/demo-plenary/moderation")
    page.fill("#f-q", tag)
    page.locator("#list li.q-row", has_text=text).click()
    page.wait_for_selector(f"#detail-text:text-is('{text}')")
    page.locator("#detail-text").click()
    page.keyboard.press("w")
    page.fill("#answer-owner", "Sở Giao thông vận tải")
    page.fill("#answer-text", f"Khởi công quý II {tag}")
    page.click("#answer-save")
    page.wait_for_selector(f".answer-box:has-text('Khởi công quý II {tag}')")
    status = page.request.get(
        f"{live_server.url}/api/v1/events/demo-plenary/questions/status", params={"ids": f"wa-{tag}"}
    ).json()["statuses"][0]
    assert status["answer"] == {
        "text": f"Khởi công quý II {tag}",
        "owner": "Sở Giao thông vận tải",
        "at": status["answer"]["at"],
    }
