"""The asker's phone in Chromium (mobile viewport), on a server whose per-device question limit
is forced low: a phone holding the socket submits over it (no HTTP request at all), a phone
whose socket cannot connect falls back to HTTP, and in both a question refused as "too fast"
says so with a countdown and is sent again by itself after Retry-After, once."""

import time
import uuid

import pytest

from tests.support.browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.slow]
EVENT = "demo-plenary"
WAITING = {
    "vi": "Đang chờ do gửi quá nhanh — sẽ tự gửi lại sau",
    "en": "Waiting: sent too fast — will be sent again in",
}
OFFLINE_LABEL = "khi có mạng"


@pytest.fixture
def limited_server(start_server):
    """Two questions per device, then one every 4 s."""
    return start_server(env={"BRIDGECAST_QUESTIONS_RATE_DEVICE": "2/8"})


def phone(browser, locale):
    context = browser.new_context(**PHONE, locale=locale)
    page = context.new_page()
    page.set_default_timeout(20000)
    return page


def ask(page, text):
    page.fill("#text", text)
    page.click("#ask-form button[type=submit]")


def statuses(page):
    return page.evaluate(
        "() => [...document.querySelectorAll('#mine li')].map(li => [li.dataset.state,"
        " li.querySelector('.mine-status').textContent])"
    )


def count_stored(server, page, client_ids):
    response = page.request.get(
        f"{server.url}/api/v1/events/{EVENT}/questions/status", params={"ids": ",".join(client_ids)}
    )
    assert response.ok, response.text()
    return len(response.json()["statuses"])


def run_burst(page, server, lang, tag):
    """Three questions at once: two go, the third waits with a countdown, then goes by itself."""
    texts = [f"Câu hỏi nhanh số {n} {tag}" for n in range(3)]
    for text in texts:
        ask(page, text)
    page.wait_for_selector("#mine li[data-state=waiting]")
    waiting = [label for state, label in statuses(page) if state == "waiting"]
    assert len(waiting) == 1 and waiting[0].startswith(WAITING[lang]), statuses(page)
    seconds = int(waiting[0][len(WAITING[lang]) :].split()[0])
    assert 1 <= seconds <= 5
    assert all(OFFLINE_LABEL not in label for _state, label in statuses(page))  # not a network error
    assert page.is_hidden("#net-state")
    started = time.monotonic()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#mine li')].every(li => !['queued', 'sending', 'waiting'].includes(li.dataset.state))",
        timeout=15000,
    )
    assert time.monotonic() - started <= seconds + 4  # sent again after Retry-After, by itself
    client_ids = page.evaluate("() => [...document.querySelectorAll('#mine li')].map(li => li.dataset.clientId)")
    assert count_stored(server, page, client_ids) == 3  # each stored once
    return client_ids


def test_a_phone_on_the_socket_submits_over_it_and_waits_out_a_429(limited_server, browser):
    page = phone(browser, "vi-VN")
    http_posts, socket_submits = [], []
    page.on("request", lambda r: http_posts.append(r.url) if r.method == "POST" and "/api/v1/" in r.url else None)

    def on_socket(ws):
        ws.on(
            "framesent", lambda payload: socket_submits.append(payload) if "submit_question" in str(payload) else None
        )

    page.on("websocket", on_socket)
    with page.expect_websocket() as ws_info:
        page.goto(f"{limited_server.url}/e/{EVENT}/ask")
    ws_info.value.wait_for_event("framereceived", predicate=lambda p: str(p).startswith("40/public"))
    run_burst(page, limited_server, "vi", uuid.uuid4().hex[:6])
    assert http_posts == []  # everything went over the open socket
    assert len(socket_submits) == 4  # two, one refused as too fast, the same one again
    page.context.close()


def test_without_a_socket_the_phone_falls_back_to_http_and_waits_out_a_429_in_english(limited_server, browser):
    page = phone(browser, "en-US")
    page.add_init_script("delete window.WebSocket")  # no WebSocket on this phone...
    page.route("**/socket.io/**", lambda route: route.abort())  # ...and long polling fails too
    answers = []
    page.on("response", lambda r: answers.append(r.status) if r.request.method == "POST" else None)
    page.goto(f"{limited_server.url}/e/{EVENT}/ask")
    page.wait_for_selector("#ask-form")
    run_burst(page, limited_server, "en", uuid.uuid4().hex[:6])
    assert sorted(answers) == [201, 201, 201, 429]
    # a reload keeps them sent, and sends nothing again
    page.reload()
    page.wait_for_selector("#mine li >> nth=2")
    time.sleep(1.0)
    assert sorted(answers) == [201, 201, 201, 429]
    page.context.close()


def test_without_the_socket_library_the_phone_still_submits_over_http(live_server, browser):
    """The Socket.IO vendor file cannot load (a poor connection): the form still sends over HTTP, once."""
    page = phone(browser, "vi-VN")
    aborted, posts = [], []

    def abort_vendor(route):
        aborted.append(route.request.url)
        route.abort()

    page.route("**/static/vendor/socket.io*", abort_vendor)
    page.on("response", lambda r: posts.append(r.status) if r.request.method == "POST" else None)
    page.on("websocket", lambda ws: pytest.fail(f"no socket expected, got {ws.url}"))
    page.goto(f"{live_server.url}/e/{EVENT}/ask")
    page.wait_for_selector("#ask-form")
    ask(page, f"Câu hỏi không cần socket {uuid.uuid4().hex[:6]}")
    page.wait_for_selector("#mine li[data-state=sent]")
    assert aborted, "the page never asked for the socket library"
    client_id = page.get_attribute("#mine li", "data-client-id")
    assert count_stored(live_server, page, [client_id]) == 1 and posts == [201]
    page.reload()  # nothing is sent again
    page.wait_for_selector("#mine li[data-state=sent]")
    time.sleep(1.0)
    assert posts == [201] and count_stored(live_server, page, [client_id]) == 1
    page.context.close()
