"""The chair view in Chromium: it shows the question a moderator takes on air in the console, and
a phone (mobile viewport) that says "tôi cũng hỏi" moves the chair's and the console's counts."""

import os
import sqlite3
import uuid

import pytest

from tests.support.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUESTIONS = (  # (text, author, unit): what a plenary's bridge points send
    (
        "Khi nào tỉnh hoàn thành nâng cấp tuyến đê biển Hoằng Hóa – Sầm Sơn trước mùa mưa bão?",
        "Lê Văn Hùng",
        "Hội Nông dân xã",
    ),
    (
        "Đề nghị hỗ trợ kinh phí chuyển đổi số cho Ban công tác Mặt trận ở khu dân cư.",
        "Nguyễn Thị Lan",
        "Ban CTMT thôn 3",
    ),
    ("Bao giờ có trường mầm non mới cho các thôn ven biển?", "Trần Văn Bình", "Chi hội Cựu chiến binh"),
    ("Cơ chế nào để người dân giám sát các công trình giao thông nông thôn?", "Phạm Thị Hoa", "Hội Liên hiệp Phụ nữ"),
    ("Khi nào nước sạch về tới các xã miền núi phía Tây?", "Hà Văn Tâm", "Ban CTMT bản Na Mèo"),
    ("Đề xuất tăng phụ cấp cho trưởng ban công tác Mặt trận ở thôn, bản.", "Lò Thị Mai", "UBMTTQ xã"),
)


def login(page, server):
    page.goto(server.url + "/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", server.admin_password)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")


def add_themes(server, ids):
    """Themes as the theme engine (another area) would leave them, written straight into the server's
    database: the chair view only reads them."""
    with sqlite3.connect(os.path.join(server.tmpdir, "server.db")) as db:
        event_id = db.execute("SELECT id FROM events WHERE slug = 'demo-plenary'").fetchone()[0]
        now = "2025-01-01 00:00:00.000000"
        for label, members in (
            ("Giao thông, đê điều", ids[0::3]),
            ("Giáo dục", ids[2:3]),
            ("Chuyển đổi số", ids[1:2] + ids[5:6]),
        ):
            theme = db.execute(
                "INSERT INTO question_themes (event_id, label, terms, renamed, created_at, updated_at)"
                " VALUES (?, ?, '', 0, ?, ?)",
                (event_id, label, now, now),
            ).lastrowid
            db.executemany("UPDATE questions SET theme_id = ? WHERE id = ?", [(theme, qid) for qid in members])


def test_the_chair_shows_the_question_on_air_and_a_phone_upvote_moves_its_count(live_server, page, phone_page):
    tag = uuid.uuid4().hex[:6]
    base = live_server.url
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login(page, live_server)
    page.goto(f"{base}/events/demo-plenary/moderation")
    csrf = {"X-CSRFToken": page.get_attribute("meta[name=csrf-token]", "content")}
    sites = page.request.get(f"{base}/api/v1/events/demo-plenary/sites").json()["sites"][:8]
    ids = []
    for i, (text, author, unit) in enumerate(QUESTIONS):
        body = {
            "event": "demo-plenary",
            "kind": "question",
            "client_id": f"chair-{tag}-{i}",
            "author": author,
            "unit": unit,
            "site_token": sites[i]["token"],
            "text": text,
        }
        response = page.request.post(f"{base}/api/v1/questions", data=body)
        assert response.status == 201, response.text()
        ids.append(response.json()["id"])
    for qid in ids:
        assert page.request.post(f"{base}/api/v1/questions/{qid}/approve", headers=csrf).ok
    for site in sites[6:8]:  # two more bridge points ask the first one too
        for qid in (ids[0], ids[1]):
            assert (
                page.request.post(f"{base}/api/v1/sites/{site['token']}/questions/{qid}/upvote", data={}).status == 201
            )

    add_themes(live_server, ids)

    chair = page.context.new_page()
    chair.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    chair.set_viewport_size({"width": 1920, "height": 1080})
    chair.goto(f"{base}/events/demo-plenary/chair")
    chair.wait_for_selector("body[data-ready='1']")
    chair.wait_for_selector(f"#chair-queue li[data-id='{ids[0]}']")
    assert chair.locator("#chair-on-air.empty").count() == 1

    # the moderator takes the first question on air in the console
    page.bring_to_front()
    page.fill("#f-q", "đê biển")
    row = page.locator("#list li.q-row", has_text="đê biển")
    row.wait_for()
    row.click()
    page.wait_for_selector("#detail .st-approved")
    page.keyboard.press("o")
    page.wait_for_selector("#detail .st-on_air")
    chair.wait_for_selector(f"#chair-on-air[data-id='{ids[0]}']")
    assert chair.inner_text("#chair-on-air-text") == QUESTIONS[0][0]
    on_air = chair.inner_text("#chair-on-air")
    assert "Lê Văn Hùng" in on_air and sites[0]["name"] in on_air and sites[0]["code"] in on_air
    chair.wait_for_function("() => (document.querySelector('#chair-on-air-count')?.textContent || '').includes('3 ')")
    before = chair.inner_text("#chair-on-air-count")
    assert "3 điểm cầu cùng hỏi" in before and "3 người hỏi" in before
    chair.wait_for_selector(f"#chair-queue li[data-id='{ids[0]}']", state="detached")  # on air: out of the queue

    # a phone finds it without diacritics and says "tôi cũng hỏi"
    phone_page.goto(f"{base}/e/demo-plenary/ask")
    phone_page.click("#upvotes summary")
    phone_page.fill("#upvote-q", "de bien hoang hoa")
    button = phone_page.locator(f"#upvote-list li[data-id='{ids[0]}'] button.upvote-btn")
    phone_page.wait_for_function("() => document.querySelectorAll('#upvote-list li').length === 1")
    assert button.count() == 1
    button.click()
    phone_page.wait_for_selector(f"#upvote-list li[data-id='{ids[0]}'] button.joined")
    chair.wait_for_function("() => document.querySelector('#chair-on-air-count').textContent.includes('4 người hỏi')")
    # the console's detail of the question counts the phone too
    page.wait_for_function("() => document.querySelector('#detail').textContent.includes('4 ')")
    phone_page.reload()  # the phone remembers it joined (the server says so)
    phone_page.click("#upvotes summary")
    phone_page.wait_for_selector(f"#upvote-list li[data-id='{ids[0]}'] button.joined")
    chair.bring_to_front()
    chair.wait_for_selector(f"#chair-queue li[data-id='{ids[5]}']")
    themes = chair.inner_text("#chair-theme-list")
    assert "Chuyển đổi số" in themes and "Giáo dục" in themes
    screenshot(chair, "chair-view")

    # the chair's tablet opens the link (no account); a moderator revokes the links sent so far
    chair.click(".chair-foot summary")
    link = chair.input_value("#chair-link")
    tablet_context = page.context.browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    tablet = tablet_context.new_page()
    tablet.goto(link)
    tablet.wait_for_selector("body[data-ready='1']")
    tablet.wait_for_selector("#chair-conn[data-state='connected']")
    chair.click("#chair-revoke button")
    chair.click("#confirm-dialog button[value=confirm]")
    chair.wait_for_function(f"() => document.querySelector('#chair-link').value !== {link!r}")
    assert chair.inner_text("#chair-revoke-status") == "Đã thu hồi. Đường dẫn mới ở trên."
    tablet.wait_for_selector("#chair-conn[data-state='revoked']")
    assert tablet.inner_text("#chair-conn") == "Đường dẫn này đã bị thu hồi."
    assert tablet.goto(link).status == 404
    fresh = chair.input_value("#chair-link")
    assert tablet.goto(fresh).status == 200
    tablet.wait_for_selector(f"#chair-on-air[data-id='{ids[0]}']")
    tablet_context.close()
    assert dialogs == []
