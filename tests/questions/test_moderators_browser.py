"""Two moderators in two browser contexts (two accounts, two logged-in consoles) on one live
server: a stale edit shows both texts and loses nothing, J then A at once acts on the question
shown, the detail pane never shows a question outside the filter, and 200 questions are
rejected in one action while the other console follows live."""

import time
import uuid

import pytest

from tests.support.browser import DESKTOP, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
EVENT = "demo-plenary"
PASSWORD = "moderator-pass-123"


def login(page, server, username, password):
    page.goto(server.url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")


def new_page(browser):
    context = browser.new_context(**DESKTOP, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


@pytest.fixture
def moderators(browser, live_server, page):
    """``(admin, an, binh)``: the admin's page, and two moderators each logged in in their own
    browser context (own cookies, own socket), accounts made through the admin page."""
    login(page, live_server, "admin", live_server.admin_password)
    pages = []
    for username, name in (("mod-an", "Trần Thị An"), ("mod-binh", "Lê Văn Bình")):
        page.goto(live_server.url + "/admin/")
        form = page.locator("form[action$='/admin/users']")
        form.locator("input[name=username]").fill(username)
        form.locator("input[name=display_name]").fill(name)
        form.locator("input[name=password]").fill(PASSWORD)
        form.locator("select[name=role]").select_option("moderator")
        form.locator("button[type=submit]").click()
        page.wait_for_selector(f"text={username}")
        moderator = new_page(browser)
        login(moderator, live_server, username, PASSWORD)
        pages.append(moderator)
    yield page, *pages
    for moderator in pages:
        moderator.context.close()


def submit(page, server, text, client_id):
    response = page.request.post(
        f"{server.url}/api/v1/questions",
        data={"event": EVENT, "kind": "question", "text": text, "client_id": client_id},
        headers={"X-Device-Id": client_id},
    )
    assert response.status == 201, response.text()
    return response.json()["id"]


def question(page, server, qid):
    return page.request.get(f"{server.url}/api/v1/questions/{qid}").json()


def open_console(page, server, tag, status=None, rows=None):
    page.goto(f"{server.url}/events/{EVENT}/moderation")
    page.wait_for_selector("#list li.q-row")  # connected: the first page is in
    if status:
        page.select_option("#f-status", status)
    page.fill("#f-q", tag)
    if rows is not None:
        page.wait_for_function(f"() => document.querySelectorAll('#list li.q-row[data-id]').length === {rows}")


def show(page, text):
    page.locator("#list li.q-row", has_text=text).click()
    page.wait_for_selector(f"#detail-text:text-is('{text}')")
    page.locator("#detail-text").click()  # out of the search box: keys reach the console


def test_a_stale_edit_shows_both_texts_side_by_side_and_loses_nothing(live_server, moderators):
    admin, an, binh = moderators
    tag = uuid.uuid4().hex[:6]
    text = f"Câu hỏi gốc về kênh tưới {tag}"
    qid = submit(admin, live_server, text, f"cf-{tag}")
    mine, theirs = f"Bản của An {tag}", f"Bản của Bình {tag}"
    for moderator in (an, binh):
        open_console(moderator, live_server, tag)
        show(moderator, text)
    an.keyboard.press("e")  # An starts editing...
    an.fill("#edit-text", mine)
    binh.keyboard.press("e")  # ...Bình edits the same question and saves first
    binh.fill("#edit-text", theirs)
    binh.locator("#mode-form .btn-primary").click()
    binh.wait_for_selector(f"#detail-text:text-is('{theirs}')")

    an.wait_for_selector("#changed-elsewhere:not([hidden])")
    assert an.input_value("#edit-text") == mine  # Bình's save did not touch An's editor
    an.locator("#mode-form .btn-primary").click()
    an.wait_for_selector("#conflict")
    assert an.inner_text("#conflict-mine .detail-text") == mine
    assert an.inner_text("#conflict-current .detail-text") == theirs
    assert "Lê Văn Bình" in an.inner_text("#conflict-current h4")  # who changed it
    left, right = an.locator("#conflict-mine").bounding_box(), an.locator("#conflict-current").bounding_box()
    assert abs(left["y"] - right["y"]) < 2 and right["x"] >= left["x"] + left["width"]  # side by side
    screenshot(an, "moderation-conflict")
    stored = question(admin, live_server, qid)["question"]
    assert stored["text"] == theirs  # nothing overwritten while An chooses

    an.click("#keep-mine")
    an.wait_for_selector(f"#detail-text:text-is('{mine}')")
    binh.wait_for_selector(f"#detail-text:text-is('{mine}')")  # Bình's console follows
    detail = question(admin, live_server, qid)
    assert detail["question"]["text"] == mine and detail["question"]["original_text"] == text
    edits = [a for a in detail["audit"] if a["action"] == "edit"]
    assert [(a["actor"], a["detail"]["before"], a["detail"]["after"]) for a in reversed(edits)] == [
        ("user:mod-binh", text, theirs),
        ("user:mod-an", theirs, mine),  # Bình's text is in the log, replaced knowingly
    ]


def test_j_then_a_at_once_acts_on_the_next_question_and_the_detail_follows_the_filter(live_server, moderators):
    admin, an, binh = moderators
    tag = uuid.uuid4().hex[:6]
    texts = [f"Câu chờ duyệt số {n} {tag}" for n in range(4)]
    ids = [submit(admin, live_server, t, f"ja-{tag}-{n}") for n, t in enumerate(texts)]
    open_console(an, live_server, tag, status="pending", rows=4)
    open_console(binh, live_server, tag, status="pending", rows=4)
    show(an, texts[3])  # newest first: 3, 2, 1, 0

    # J then A within a few ms: the approval goes to the question J moved to (#2), never to #3
    an.evaluate(
        """() => {
          const key = (k) => document.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
          key("j"); key("a");
        }"""
    )
    an.wait_for_function(
        f"() => !document.querySelector('#list li.q-row[data-id=\"{ids[2]}\"]')"
    )  # approved: no longer pending, it left the list
    assert question(admin, live_server, ids[2])["question"]["status"] == "approved"
    assert question(admin, live_server, ids[3])["question"]["status"] == "pending"
    an.wait_for_selector(f"#detail-text:text-is('{texts[1]}')")  # the detail moved on, within the filter

    # Bình approves the question An is looking at: An's detail moves on to one still pending
    show(binh, texts[1])
    binh.keyboard.press("a")
    an.wait_for_function(f"() => document.querySelector('#detail-text')?.textContent !== {texts[1]!r}")
    shown = an.inner_text("#detail-text")
    assert shown in (texts[0], texts[3])
    assert an.locator("#list li.q-row[data-id]").count() == 2
    for n in (0, 3):
        assert question(admin, live_server, ids[n])["question"]["status"] == "pending"

    # K then A at once: the approval goes to the question K moved to, the other stays pending
    an.evaluate(
        """() => {
          const key = (k) => document.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
          key("k"); key("a");
        }"""
    )
    an.wait_for_function("() => document.querySelectorAll('#list li.q-row[data-id]').length === 1")
    statuses = [question(admin, live_server, ids[n])["question"]["status"] for n in (0, 3)]
    assert sorted(statuses) == ["approved", "pending"]
    left = texts[0] if statuses[0] == "pending" else texts[3]
    an.wait_for_selector(f"#detail-text:text-is('{left}')")
    binh.wait_for_function("() => document.querySelectorAll('#list li.q-row[data-id]').length === 1")


def test_two_hundred_questions_rejected_in_one_action_and_the_other_console_follows(live_server, moderators):
    admin, an, binh = moderators
    tag = uuid.uuid4().hex[:6]
    # a spam burst: 200 questions at once (the admin session posts them, a device id each)
    ids = [
        submit(admin, live_server, f"Quảng cáo vay tiền nhanh lãi thấp {n} {tag}", f"sp-{tag}-{n}") for n in range(200)
    ]
    keep = submit(admin, live_server, f"Câu hỏi thật về trường học {tag}", f"ok-{tag}")
    open_console(an, live_server, f"quang cao {tag}", status="pending", rows=100)  # one page of 100 shown
    open_console(binh, live_server, tag, status="pending", rows=100)
    assert "200" in an.inner_text("#list-range") and "201" in binh.inner_text("#list-range")

    an.click("#pick-all")  # every question matching the filter, not only the page shown
    an.wait_for_selector("#bulk-bar:not([hidden])")
    an.wait_for_function("() => document.querySelector('#bulk-count').textContent.startsWith('200 ')")
    assert an.locator("#list .bulk-pick:checked").count() == 100
    an.select_option("#bulk-reason", label="Không phù hợp")
    before = time.monotonic()
    an.click("#bulk-reject")
    an.wait_for_selector("#toast:has-text('200')")
    an.wait_for_function("() => document.querySelectorAll('#list li.q-row[data-id]').length === 0")
    # the other moderator's console follows live: only the real question is left there
    binh.wait_for_function("() => document.querySelectorAll('#list li.q-row[data-id]').length === 1")
    binh.wait_for_function("() => document.querySelector('#list-range').textContent.trim().startsWith('1–1 ')")
    assert binh.locator("#list li.q-row", has_text="trường học").count() == 1
    print(f"\n200 rejected and both consoles updated in {time.monotonic() - before:.2f} s")

    listing = admin.request.get(
        f"{live_server.url}/api/v1/events/{EVENT}/questions", params={"status": "rejected", "q": tag, "limit": 500}
    ).json()
    rejected = {q["id"]: q for q in listing["items"]}
    assert set(rejected) == set(ids)
    assert {q["reason"] for q in rejected.values()} == {"Không phù hợp"}
    assert question(admin, live_server, keep)["question"]["status"] == "pending"
