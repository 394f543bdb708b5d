"""A phone (mobile viewport) and a bridge point's phone page that said "tôi cũng hỏi" see, live, the
status and the written answer of the question they joined ("Câu đã tham gia"), text kept as text."""

import uuid

import pytest

from tests.support.browser import PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
EVENT = "demo-plenary"


def login(page, server):
    page.goto(server.url + "/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", server.admin_password)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")


def join(page, tag, qid):
    page.click("#upvotes summary")
    page.fill("#upvote-q", tag)
    page.locator(f"#upvote-list li[data-id='{qid}'] button.upvote-btn").click()
    page.wait_for_selector(f"#upvote-list li[data-id='{qid}'] button.joined")


def status_of(page, qid):
    return page.inner_text(f"#joined li[data-id='{qid}'] .joined-status")


WRITTEN = (  # (question, written answer, who answers): what a forum answers in writing afterwards
    (
        "Đề nghị tỉnh có chính sách hỗ trợ lãi suất cho hộ nuôi trồng thủy sản bị thiệt hại do bão số 3.",
        "UBND tỉnh đã ban hành Nghị quyết hỗ trợ 50% lãi suất vay trong 12 tháng cho các hộ bị thiệt hại; "
        "hồ sơ nộp tại UBND xã trước ngày 31/12.",
        "Sở Nông nghiệp và Môi trường",
    ),
    (
        "Khi nào hoàn thành cứng hóa tuyến đường liên xã Hoằng Phụ – Hoằng Đạo?",
        "Công trình đã được bố trí vốn năm 2026, dự kiến khởi công trong quý II và hoàn thành trước mùa mưa.",
        "Sở Xây dựng",
    ),
)


def test_a_phone_and_a_site_that_joined_follow_the_status_and_the_answer(live_server, page, browser):
    base, tag = live_server.url, uuid.uuid4().hex[:8]
    login(page, live_server)
    page.goto(f"{base}/events/{EVENT}/moderation")
    csrf = {"X-CSRFToken": page.get_attribute("meta[name=csrf-token]", "content")}
    sites = page.request.get(f"{base}/api/v1/events/{EVENT}/sites").json()["sites"]
    text = f"Khi nào nạo vét kênh <i>tiêu</i> úng {tag}?"
    body = {"event": EVENT, "kind": "question", "client_id": f"jb-{tag}", "text": text, "site_token": sites[0]["token"]}
    response = page.request.post(f"{base}/api/v1/questions", data=body)
    assert response.status == 201, response.text()
    qid = response.json()["id"]
    assert page.request.post(f"{base}/api/v1/questions/{qid}/approve", headers=csrf).ok

    context = browser.new_context(**PHONE, locale="vi-VN")
    phone = context.new_page()
    phone.set_default_timeout(20000)
    phone.goto(f"{base}/e/{EVENT}/ask")
    phone.wait_for_function("() => globalThis.bcPublicSocket && globalThis.bcPublicSocket.connected")
    assert phone.is_hidden("#joined")
    join(phone, tag, qid)
    assert status_of(phone, qid) == "Đã được chọn"
    assert phone.inner_text(f"#joined li[data-id='{qid}'] .upvote-text") == text  # as text, not markup

    site_context = browser.new_context(**PHONE, locale="vi-VN")
    site_phone = site_context.new_page()
    site_phone.set_default_timeout(20000)
    site_phone.goto(f"{base}/p/{sites[1]['token']}")
    site_phone.wait_for_function("() => globalThis.bcSiteSocket && globalThis.bcSiteSocket.connected")
    join(site_phone, tag, qid)
    assert status_of(site_phone, qid) == "Đã được chọn"

    assert page.request.post(f"{base}/api/v1/questions/{qid}/on-air", headers=csrf).ok
    for p in (phone, site_phone):  # live, over their sockets
        p.wait_for_function(
            f"() => document.querySelector(\"#joined li[data-id='{qid}']\").dataset.status === 'on_air'"
        )
        assert status_of(p, qid) == "Đang lên sóng"
    answer = f"Quý IV khởi công <b>kênh</b> {tag}."
    response = page.request.post(
        f"{base}/api/v1/questions/{qid}/answer", headers=csrf, data={"owner": "Sở NN&PTNT", "text": answer}
    )
    assert response.ok, response.text()
    for p in (phone, site_phone):
        p.wait_for_selector(f"#joined li[data-id='{qid}'] .joined-answer")
        assert answer in p.inner_text(f"#joined li[data-id='{qid}'] .joined-answer")
        assert p.locator("#joined b, #joined i").count() == 0
    screenshot(phone, "phone-joined-answer")

    phone.reload()  # the phone remembers what it joined and reads it back
    phone.wait_for_selector(f"#joined li[data-id='{qid}'] .joined-answer")
    assert status_of(phone, qid) == "Đang lên sóng"
    site_phone.reload()  # answered in writing: with the site's answers now
    assert answer in site_phone.inner_text("#site-answers") and "Đã cùng hỏi" in site_phone.inner_text("#site-answers")

    # anyone reads the written answers on the public page, found without diacritics
    for i, (asked, answered, owner) in enumerate(WRITTEN):
        body = {"event": EVENT, "kind": "question", "client_id": f"jw-{tag}-{i}", "text": asked}
        body["site_token"] = sites[2 + i]["token"]
        created = page.request.post(f"{base}/api/v1/questions", data=body)
        assert created.status == 201, created.text()
        wid = created.json()["id"]
        assert page.request.post(f"{base}/api/v1/questions/{wid}/approve", headers=csrf).ok
        assert page.request.post(
            f"{base}/api/v1/questions/{wid}/answer", headers=csrf, data={"owner": owner, "text": answered}
        ).ok
    phone.goto(f"{base}/e/{EVENT}/ask")
    phone.click("a[href$='/answers']")
    phone.wait_for_selector("#answers-list li")
    cards = phone.locator("#answers-list li.answer-card")
    assert WRITTEN[-1][1] in cards.nth(0).inner_text()  # the newest answer first
    assert phone.locator("#answers-list b, #answers-list i").count() == 0  # text stays text
    screenshot(phone, "phone-written-answers")
    phone.fill("#answers-q", f"nao vet kenh tieu ung {tag}")
    phone.press("#answers-q", "Enter")
    phone.wait_for_selector(f"#answers-list li[data-id='{qid}']")
    assert phone.locator("#answers-list li").count() == 1
    assert answer in phone.inner_text(f"#answers-list li[data-id='{qid}'] .answer-text")
    context.close()
    site_context.close()
