"""Against a real eventlet server: huge headers, oversized bodies and invalid UTF-8 get a
4xx (or a closed connection), never a 500, and the server keeps serving; the pages load
without a single Content-Security-Policy violation in a real browser."""

import socket
import urllib.request

import pytest

pytestmark = pytest.mark.slow


def _raw(server, request_bytes):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request_bytes)
        data = b""
        try:
            while len(data) < 65536:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        except (TimeoutError, ConnectionResetError):
            pass
    return data


def _status(data):
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else None


def test_real_server_survives_huge_headers_bodies_and_bad_bytes(live_server):
    huge = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000 + b"\r\nConnection: close\r\n\r\n"
    status = _status(_raw(live_server, huge))
    assert status is None or 400 <= status < 500, status
    many = (
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
        + b"".join(b"X-H%d: v\r\n" % i for i in range(5000))
        + b"Connection: close\r\n\r\n"
    )
    status = _status(_raw(live_server, many))
    assert status is None or status < 500, status
    body = (
        b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 900000000\r\nConnection: close\r\n\r\nusername=a"
    )
    assert _status(_raw(live_server, body)) == 413
    bad = (
        b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 24\r\nConnection: close\r\n\r\nusername=\xff\xfe\xc3\x28&password=\xff"
    )
    status = _status(_raw(live_server, bad))
    assert status is not None and 400 <= status < 500, status
    with urllib.request.urlopen(live_server.url + "/healthz", timeout=5) as response:
        assert response.status == 200
    assert "Traceback" not in live_server.log()


@pytest.mark.browser
def test_pages_satisfy_the_content_security_policy(live_server, page):
    violations = []
    page.on(
        "console",
        lambda msg: (
            violations.append(msg.text)
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: violations.append(f"pageerror: {exc}"))
    response = page.goto(live_server.url + "/login")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", live_server.admin_password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    visited = ["/login"]
    links = page.eval_on_selector_all("a[href^='/']", "els => els.map(e => e.getAttribute('href'))")
    for path in ["/", "/admin/"] + [link for link in links if not link.startswith(("/lang", "/static"))][:12]:
        response = page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert response.status < 500, path
        visited.append(path)
    assert len(visited) >= 3
    assert violations == [], violations
