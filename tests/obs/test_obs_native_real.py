"""The native-OBS path against a real OBS 29 (Debian: no browser source) with a 1920×1080 canvas:
the current slide's PNG reaches ``BC Slides``, long Vietnamese texts wrap inside the title-safe
area, the lower third comes back after OBS is killed and restarted, and a second event
configured with the same OBS is refused. Writes ``docs/screenshots/obs-speaker.png``,
``obs-question.png`` and ``obs-slides.png`` with realistic demo data."""

import base64
import os
import time
from datetime import timedelta
from pathlib import Path

import obsws_python
import pytest

from server.extensions import db
from server.models import AgendaItem
from server.services.accounts import users as accounts
from server.services.agenda import live as agenda_live
from server.services.questions import moderation as mod
from server.services.questions.submission import submit
from server.services.slides import decks
from tests.fakes.obs_fixtures import FAST, wait_for
from tests.support import factories
from tests.support.real_obs import RealObs

pytestmark = [pytest.mark.obs, pytest.mark.timeout(180)]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots"
W, H = 1920, 1080
MARGIN = 96  # title-safe: 5% of 1920 on each side
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LOWER_THIRD = (
    "Tôn Nữ Thị Ninh — Nguyên Phó Chủ nhiệm Ủy ban Đối ngoại của Quốc hội, Chủ tịch Quỹ Hòa bình "
    "và Phát triển Thành phố Hồ Chí Minh, đại biểu Mặt trận Tổ quốc Việt Nam"
)
QUESTION = (
    "Xin hỏi đồng chí Chủ tịch: kế hoạch nâng cấp tuyến đường liên xã từ Hoằng Phụ đi Hoằng Đông đã được phê "
    "duyệt chưa, bao giờ khởi công và nguồn vốn ngân sách tỉnh hay huyện sẽ bố trí cho công trình này?"
)


@pytest.fixture(scope="module")
def real_obs():
    server = RealObs(password="bc-native-pw", canvas=(W, H))
    server.start()
    yield server
    server.cleanup()


@pytest.fixture
def app_config(app_config):
    return {**app_config, "OBS_CONNECTION_OPTIONS": FAST}


def bearer():
    _token, plain = accounts.create_token("crew")
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def packed(app, client, event, real_obs):
    """The event drives the real OBS; the congress pack is applied through the REST command."""
    event.obs_url, event.obs_password = real_obs.url, real_obs.password
    db.session.commit()
    conn = app.extensions["obs"].connection_for(event.slug)
    assert wait_for(lambda: conn.connected, 20), (conn.state, real_obs.log_tail())
    r = client.post(f"/api/v1/events/{event.slug}/obs/scene-pack", json={}, headers=bearer())
    assert r.status_code == 200, r.json
    assert r.json["report"]["overlay_mode"] == "native"
    yield conn
    app.extensions["obs"].manager.stop_all()


@pytest.fixture
def bare(real_obs):
    c = obsws_python.ReqClient(host="127.0.0.1", port=real_obs.port, password=real_obs.password, timeout=5)
    yield c
    c.disconnect()


def text_of(bare, name):
    return bare.get_input_settings(name).input_settings.get("text")


def transform(bare, scene, source):
    items = bare.get_scene_item_list(scene).scene_items
    item = next(i for i in items if i["sourceName"] == source)
    return bare.send("GetSceneItemTransform", {"sceneName": scene, "sceneItemId": item["sceneItemId"]}, raw=True)[
        "sceneItemTransform"
    ]


def screenshot(bare, scene, path):
    data = bare.send("GetSourceScreenshot", {"sourceName": scene, "imageFormat": "png", "imageWidth": 1280}, raw=True)[
        "imageData"
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(data.split(",", 1)[1]))
    return path


def slide_pdf():
    """A two-page 16:9 report in Vietnamese, as a delegation would upload it."""
    import fitz

    doc = fitz.open()
    pages = [
        ("BÁO CÁO CHÍNH TRỊ", ["Nhiệm kỳ 2024–2029", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Thanh Hóa"]),
        (
            "Kết quả nổi bật",
            [
                "• 1.250 km đường giao thông nông thôn được cứng hóa",
                "• 4.300 nhà Đại đoàn kết được trao tặng",
                "• 98% khu dân cư đạt chuẩn văn hóa",
            ],
        ),
    ]
    for title, lines in pages:
        page = doc.new_page(width=960, height=540)
        page.draw_rect(page.rect, color=None, fill=(0.78, 0.06, 0.18))
        page.draw_rect(fitz.Rect(40, 130, 920, 500), color=None, fill=(1, 1, 1))
        page.insert_font(fontname="dv", fontfile=FONT)
        page.insert_text((60, 95), title, fontname="dv", fontsize=44, color=(1, 1, 0.85))
        for n, line in enumerate(lines):
            page.insert_text((70, 200 + n * 60), line, fontname="dv", fontsize=30, color=(0.1, 0.1, 0.1))
    data = doc.tobytes()
    doc.close()
    return data


def show_slides(event):
    deck = decks.create_pdf_deck(event.slug, "Báo cáo chính trị", slide_pdf(), spawn=lambda fn, *a: fn(*a))
    db.session.expire_all()
    assert db.session.get(type(deck), deck.id).status == "ready"
    return deck


def test_the_current_slide_png_reaches_bc_slides_within_3_s(app, event, packed, bare):
    deck = show_slides(event)
    for step in (dict(deck_id=deck.id), dict(delta=1), dict(index=0)):
        t0 = time.monotonic()
        state = decks.show(event.slug, **step)
        expected = decks.slide_file(deck.public_id, state["index"])
        assert wait_for(
            lambda expected=expected: bare.get_input_settings("BC Slides").input_settings.get("file") == expected, 3
        )
        assert time.monotonic() - t0 < 3 and os.path.isfile(expected) and expected.endswith(".png")


def test_long_vietnamese_texts_stay_inside_the_title_safe_area(app, event, packed, bare):
    items = [
        AgendaItem(
            event_id=event.id,
            position=0,
            title="Báo cáo chính trị",
            cue_scene="Speaker",
            cue_lower_third=LOWER_THIRD,
            duration_min=25,
        )
    ]
    db.session.add_all(items)
    db.session.commit()
    agenda_live.take_next(event.slug)
    name, title = LOWER_THIRD.split(" — ")
    assert wait_for(lambda: text_of(bare, "BC Lower third") == f"{name}\n{title}", 3)
    assert len(QUESTION) >= 200
    site = factories.make_site(event, name="Điểm cầu xã Hoằng Phụ")
    question, _ = submit(
        {
            "event": event.slug,
            "client_id": "real-q1",
            "author": "Lê Văn Tám",
            "text": QUESTION,
            "site_token": site.token,
        }
    )
    actor = mod.Actor(label="test")
    mod.approve(event.slug, actor, question.id)
    mod.on_air(event.slug, actor, question.id)
    assert wait_for(lambda: (text_of(bare, "BC Question") or "").startswith(QUESTION), 3)
    time.sleep(0.5)  # let OBS lay the new texts out
    for scene, source in (("Speaker", "BC Lower third"), ("Q&A", "BC Question"), ("Speaker", "BC Agenda clock")):
        t = transform(bare, scene, source)
        assert t["width"] > 0, (source, t)
        assert t["positionX"] >= MARGIN - 1 and t["positionX"] + t["width"] <= W - MARGIN, (source, t)
        assert t["positionY"] + t["height"] <= H - 54, (source, t)  # title-safe bottom (5%)
    lower = transform(bare, "Speaker", "BC Lower third")
    assert (
        lower["height"] > 2.5 * lower["sourceHeight"] / max(1, text_of(bare, "BC Lower third").count("\n") + 1)
        or lower["height"] > 100
    )  # wrapped onto several lines, not one long line

    assert screenshot(bare, "Q&A", SHOTS / "obs-question.png").stat().st_size > 5000
    shot = screenshot(bare, "Speaker", SHOTS / "obs-speaker.png")
    assert shot.stat().st_size > 5000
    deck = show_slides(event)
    decks.show(event.slug, deck_id=deck.id, index=None)
    decks.show(event.slug, index=1)
    time.sleep(1.0)  # the image source loads the file asynchronously
    assert screenshot(bare, "Slides", SHOTS / "obs-slides.png").stat().st_size > 5000


def test_second_event_on_the_same_obs_is_refused_and_never_overwrites(app, client, event, packed, bare):
    agenda_live.set_lower_third(event.slug, "Nguyễn Thị Thu — Phó Chủ tịch")
    other = factories.make_event("hoi-nghi-2", "Hội nghị thứ hai")
    other.obs_url, other.obs_password = event.obs_url, event.obs_password
    db.session.commit()
    agenda_live.set_lower_third(other.slug, "Trần Văn B — Khách mời")
    r = client.post(f"/api/v1/events/{other.slug}/obs/scene", json={"scene": "Break"}, headers=bearer())
    assert r.status_code == 409 and r.json["error"] == "obs_owned_by_other_event" and r.json["owner"] == event.slug
    assert text_of(bare, "BC Lower third") == "Nguyễn Thị Thu\nPhó Chủ tịch"
    # the clock loop: only the owner's countdown reaches the OBS
    for ev, seconds in ((event, 300), (other, 1800)):
        live = agenda_live.live_of(ev)
        live.timer_duration_s, live.timer_ends_at = seconds, agenda_live.timer.now() + timedelta(seconds=seconds)
    db.session.commit()
    for _ in range(3):
        agenda_live.push_clocks_once()
    assert text_of(bare, "BC Agenda clock") in ("5:00", "4:59")


def test_killed_and_restarted_obs_gets_the_lower_third_back_within_3_s(app, event, packed, real_obs):
    db.session.add(
        AgendaItem(
            event_id=event.id,
            position=0,
            title="Tham luận",
            cue_scene="Speaker",
            cue_lower_third="Hầu A Lềnh — Bí thư Trung ương Đảng, Chủ tịch Ủy ban Trung ương MTTQ",
            duration_min=10,
        )
    )
    db.session.commit()
    agenda_live.take_next(event.slug)
    expected = "Hầu A Lềnh\nBí thư Trung ương Đảng, Chủ tịch Ủy ban Trung ương MTTQ"
    with obsws_python.ReqClient(host="127.0.0.1", port=real_obs.port, password=real_obs.password, timeout=5) as c:
        assert wait_for(lambda: text_of(c, "BC Lower third") == expected, 3)
        c.send("SetInputSettings", {"inputName": "BC Lower third", "inputSettings": {"text": ""}})
        time.sleep(1.5)  # let OBS save the scene collection (it saves on changes)
    real_obs.kill()
    assert wait_for(lambda: not packed.connected, 3)
    real_obs.start()
    assert wait_for(lambda: packed.connected, 20), (packed.state, real_obs.log_tail())
    t0 = time.monotonic()
    with obsws_python.ReqClient(host="127.0.0.1", port=real_obs.port, password=real_obs.password, timeout=5) as c:
        assert wait_for(lambda: text_of(c, "BC Lower third") == expected, 3), text_of(c, "BC Lower third")
    assert time.monotonic() - t0 < 3
