"""The bridge point's phone pages and what makes them usable on 3G: the language switch on
every phone page, overlays in Vietnamese whatever OBS's browser asks, the check-in boxes
from the server's state, hashed and compressed static files cached for a year."""

import gzip
import re

import brotli

from tests.support import factories

EN = {"Accept-Language": "en-US,en;q=0.9"}


def test_overlays_are_vietnamese_under_an_english_browser(client, event):
    question = client.get(f"/overlay/{event.slug}/question", headers=EN).get_data(as_text=True)
    assert '<html lang="vi">' in question and "<title>Câu hỏi lên sóng" in question
    counter = client.get(f"/overlay/{event.slug}/counter", headers=EN).get_data(as_text=True)
    assert '<html lang="vi">' in counter and "điểm cầu đã kết nối" in counter


def test_overlays_follow_an_explicit_lang(client, event):
    counter = client.get(f"/overlay/{event.slug}/counter?lang=en", headers=EN).get_data(as_text=True)
    assert '<html lang="en">' in counter and "điểm cầu đã kết nối" not in counter


def test_other_pages_still_follow_the_browser(client, event):
    html = client.get(f"/e/{event.slug}", headers=EN).get_data(as_text=True)
    assert '<html lang="en">' in html


def test_every_phone_page_has_a_language_switch(client, event):
    site = factories.make_site(event)
    for path in (f"/p/{site.token}", f"/e/{event.slug}", f"/e/{event.slug}/docs", f"/p/{site.token}/ask"):
        html = client.get(path).get_data(as_text=True)
        assert 'class="lang-switch' in html, path
        assert "/lang/en?next=" in html and "/lang/vi?next=" in html, path


def test_phone_language_switch_comes_back_to_the_phone(client, event):
    site = factories.make_site(event)
    response = client.get(f"/lang/en?next=/p/{site.token}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/p/{site.token}")
    html = client.get(f"/p/{site.token}").get_data(as_text=True)
    assert '<html lang="en">' in html and "Keep the screen on" in html


def test_check_in_boxes_come_from_the_server_not_the_browser(client, event):
    from server.services.bridges import presence

    site = factories.make_site(event)
    presence.check_in(site, False, True)
    html = client.get(f"/p/{site.token}").get_data(as_text=True)
    assert 'id="check-in" class="ph-check" autocomplete="off"' in html
    assert re.search(r'id="video-ok" autocomplete="off"\s*>', html)  # unchecked: the server says no picture
    assert re.search(r'id="audio-ok" autocomplete="off" checked>', html)
    assert '"video_ok": false' in html


def test_phone_page_preloads_its_module_graph_with_hashed_names(client, event):
    site = factories.make_site(event)
    html = client.get(f"/p/{site.token}").get_data(as_text=True)
    preloads = re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)
    names = " ".join(preloads)
    for module in ("js/lib/dom.", "js/lib/socket.", "vendor/socket.io.esm.min.", "js/site-phone."):
        assert module in names
    assert all(re.search(r"\.[0-9a-f]{10}\.js$", href) for href in preloads)
    script = re.search(r'<script type="module" src="(/static/js/site-phone\.[0-9a-f]{10}\.js)"', html).group(1)
    assert script in preloads


def test_hashed_static_files_are_immutable_and_compressed(client, event):
    site = factories.make_site(event)
    html = client.get(f"/p/{site.token}").get_data(as_text=True)
    script = re.search(r'src="(/static/js/site-phone\.[0-9a-f]{10}\.js)"', html).group(1)
    plain = client.get(script)
    assert plain.status_code == 200
    assert plain.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    body = plain.get_data()
    # the imports point at hashed names too, so a changed dependency changes this file's name
    assert re.search(rb'from "/static/js/lib/dom\.[0-9a-f]{10}\.js"', body)
    assert re.search(rb'import\("/static/js/lib/socket\.[0-9a-f]{10}\.js"\)', body)
    br = client.get(script, headers={"Accept-Encoding": "br"})
    assert br.headers["Content-Encoding"] == "br" and brotli.decompress(br.get_data()) == body
    gz = client.get(script, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and gzip.decompress(gz.get_data()) == body
    # the plain name still works (old links), with a short lifetime
    old = client.get("/static/js/site-phone.js")
    assert old.status_code == 200 and "immutable" not in old.headers["Cache-Control"]


def test_static_build_is_reused_and_hashes_follow_dependencies(tmp_path):
    from server.static_build import build

    src = tmp_path / "static"
    (src / "js" / "lib").mkdir(parents=True)
    (src / "js" / "lib" / "a.js").write_text("export const a = 1;\n")
    (src / "js" / "main.js").write_text('import { a } from "./lib/a.js";\nconsole.log(a);\n')
    out = tmp_path / "build"
    first = build(str(src), str(out))
    assert build(str(src), str(out)) == first
    (src / "js" / "lib" / "a.js").write_text("export const a = 2;\n")
    second = build(str(src), str(out))
    assert second["files"]["js/lib/a.js"] != first["files"]["js/lib/a.js"]
    assert second["files"]["js/main.js"] != first["files"]["js/main.js"]
    assert second["deps"]["js/main.js"] == ["js/lib/a.js"]
    main = (out / second["files"]["js/main.js"]).read_text()
    assert f'from "/static/{second["files"]["js/lib/a.js"]}"' in main
