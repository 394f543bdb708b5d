"""Against a real eventlet server: while a 300-page PDF renders and a deck of many photos is
processed, ``/healthz`` keeps answering fast (p99 < 100 ms), because decoding and rendering run
in the media worker process; image bombs and oversized PDFs are refused with a 422."""

import io
import statistics
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest

from tests.support.cluster import mint_token
from tests.support.media import pdf_with_pages, photo, png_header_bomb, png_real_bomb

pytestmark = pytest.mark.slow

SLUG = "demo-plenary"


def multipart(fields, files):
    """(body, content type) of a multipart form: ``fields`` [(name, value)], ``files`` [(name, filename, bytes)]."""
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, data in files:
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n".encode()
        )
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def call(server, token, method, path, fields=(), files=(), timeout=120):
    import json

    body, ctype = multipart(fields, files) if method == "POST" else (None, None)
    headers = {"Authorization": f"Bearer {token}", **({"Content-Type": ctype} if ctype else {})}
    request = urllib.request.Request(server.url + path, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


class HealthProbe(threading.Thread):
    """Times ``/healthz`` every 20 ms until stopped."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.url = server.url + "/healthz"
        self.samples = []
        self.failures = 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(self.url, timeout=5) as response:
                    response.read()
                self.samples.append(time.perf_counter() - started)
            except Exception:
                self.failures += 1
            time.sleep(0.02)

    def p99_ms(self):
        return statistics.quantiles(self.samples, n=100)[98] * 1000


def test_healthz_stays_fast_while_a_300_page_pdf_and_many_photos_are_processed(live_server, tmp_path):
    token = mint_token(live_server.env["DATABASE_URL"], "crew")
    pdf = pdf_with_pages(300)
    photos = [("photos", f"{i}.jpg", photo(("red", "green", "blue")[i % 3], (2400, 1600))) for i in range(40)]
    probe = HealthProbe(live_server)
    probe.start()
    try:
        time.sleep(0.5)
        status, deck = call(
            live_server,
            token,
            "POST",
            f"/api/v1/events/{SLUG}/slides",
            fields=[("title", "Báo cáo 300 trang")],
            files=[("pdf", "bao-cao.pdf", pdf)],
        )
        assert status == 201 and deck["pages"] == 300, deck
        status, album = call(
            live_server,
            token,
            "POST",
            f"/api/v1/events/{SLUG}/slides",
            fields=[("title", "Ảnh")] + [("caption", f"Ảnh {i}") for i in range(40)],
            files=photos,
        )
        assert status == 201 and album["pages"] == 40 and album["status"] == "ready", album
        status, bomb = call(
            live_server,
            token,
            "POST",
            f"/api/v1/events/{SLUG}/slides",
            fields=[("title", "Bom")],
            files=[("photos", "bom.png", png_real_bomb(12000))],
        )
        assert status == 422 and bomb["error"] == "image_too_large"
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            _s, listed = call(live_server, token, "GET", f"/api/v1/events/{SLUG}/slides")
            current = next(d for d in listed["decks"] if d["id"] == deck["deck_id"])
            if current["status"] != "rendering":
                break
            time.sleep(0.5)
        assert current["status"] == "ready" and current["pages_done"] == 300, current
    finally:
        probe.stop.set()
        probe.join(timeout=10)
    assert probe.failures == 0 and len(probe.samples) > 50
    print(
        f"healthz under media load: p99 {probe.p99_ms():.1f} ms, max {max(probe.samples) * 1000:.1f} ms, "
        f"{len(probe.samples)} samples"
    )
    assert probe.p99_ms() < 100, f"p99 {probe.p99_ms():.1f} ms over {len(probe.samples)} samples"


@pytest.mark.parametrize("async_mode", ["eventlet", "gevent"])
def test_bombs_and_oversized_pdfs_get_422_and_the_server_keeps_serving(start_server, async_mode):
    live_server = start_server(async_mode=async_mode)
    token = mint_token(live_server.env["DATABASE_URL"], "crew")
    path = f"/api/v1/events/{SLUG}/slides"
    cases = [
        ([("photos", "a.png", png_real_bomb(12000))] * 3, "image_too_large"),
        ([("photos", "b.png", png_header_bomb(30000, 30000))], "image_too_large"),
        ([("pdf", "tall.pdf", pdf_with_pages(1, width=72, height=5000))], "pdf_page_shape"),
        ([("pdf", "long.pdf", pdf_with_pages(301))], "pdf_too_many_pages"),
    ]
    for files, code in cases:
        started = time.monotonic()
        status, body = call(live_server, token, "POST", path, fields=[("title", "x")], files=files)
        assert (status, body.get("error")) == (422, code), body
        assert time.monotonic() - started < 15
        with urllib.request.urlopen(live_server.url + "/healthz", timeout=2) as response:
            assert response.status == 200
    status, album = call(
        live_server, token, "POST", path, fields=[("title", "Ảnh")], files=[("photos", "a.jpg", photo("red"))]
    )
    assert status == 201 and album["status"] == "ready"
    with urllib.request.urlopen(f"{live_server.url}/slides/{album['public_id']}/0.png", timeout=5) as response:
        assert response.status == 200 and response.headers["Content-Type"] == "image/png"
    for bad in ("9" * 40 + "/0.png", f"{album['deck_id']}/0.png", f"{album['public_id']}/{'9' * 30}.png"):
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(f"{live_server.url}/slides/{bad}", timeout=5)
        assert info.value.code == 404, bad
