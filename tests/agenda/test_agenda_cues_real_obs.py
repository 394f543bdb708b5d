"""Take next item against a real OBS: the item's scene goes on program and its lower third
lands in the scene pack's native text source (Debian's OBS has no browser source)."""

import obsws_python
import pytest

from server.extensions import db
from server.models import AgendaItem
from server.services.agenda import live as agenda_live
from server.services.obs import apply_scene_pack, load_scene_pack
from tests.fakes.obs_fixtures import FAST, wait_for
from tests.support.real_obs import RealObs

pytestmark = [pytest.mark.obs, pytest.mark.timeout(120)]


@pytest.fixture(scope="module")
def real_obs():
    server = RealObs(password="bc-cue-pw")
    server.start()
    yield server
    server.cleanup()


@pytest.fixture
def app_config(app_config):
    return {**app_config, "OBS_CONNECTION_OPTIONS": FAST}


@pytest.fixture
def obs_event(app, event, real_obs):
    event.obs_url = real_obs.url
    event.obs_password = real_obs.password
    db.session.commit()
    conn = app.extensions["obs"].connection_for(event.slug)
    assert wait_for(lambda: conn.connected, 15), (conn.state, real_obs.log_tail())
    apply_scene_pack(conn, load_scene_pack(), slug=event.slug)
    yield event
    app.extensions["obs"].manager.stop_all()


def test_take_next_puts_the_scene_and_lower_third_on_real_obs(app, obs_event, real_obs):
    lower_third = "Nguyễn Thị Thu — Phó Chủ tịch Thường trực Ủy ban MTTQ tỉnh"
    db.session.add_all(
        [
            AgendaItem(event_id=obs_event.id, position=0, title="Khai mạc", cue_scene="Opening", duration_min=5),
            AgendaItem(
                event_id=obs_event.id,
                position=1,
                title="Báo cáo chính trị",
                cue_scene="Speaker",
                cue_lower_third=lower_third,
                duration_min=30,
            ),
        ]
    )
    db.session.commit()

    first = agenda_live.take_next(obs_event.slug)
    assert all(c["ok"] for c in first["cues"]), first["cues"]
    second = agenda_live.take_next(obs_event.slug)
    assert all(c["ok"] for c in second["cues"]), second["cues"]

    bare = obsws_python.ReqClient(host="127.0.0.1", port=real_obs.port, password=real_obs.password, timeout=5)
    try:
        assert wait_for(lambda: bare.get_current_program_scene().current_program_scene_name == "Speaker", 5)
        settings = bare.get_input_settings("BC Lower third").input_settings
        assert settings["text"] == "Nguyễn Thị Thu\nPhó Chủ tịch Thường trực Ủy ban MTTQ tỉnh"  # name, then title
    finally:
        bare.disconnect()


def test_a_question_on_air_cuts_real_obs_to_the_qa_scene_with_its_text(app, obs_event, real_obs):
    from server.services.questions import moderation as mod
    from server.services.questions.submission import submit

    app.config["QUESTIONS_ON_AIR_SCENE"] = "Q&A"
    actor = mod.Actor(label="test")
    question, _created = submit(
        {
            "event": obs_event.slug,
            "client_id": "obs-q1",
            "author": "Lê Văn Tám",
            "text": "Khi nào đường liên xã Hoằng Phụ được sửa?",
        }
    )
    mod.approve(obs_event.slug, actor, question.id)
    mod.on_air(obs_event.slug, actor, question.id)
    bare = obsws_python.ReqClient(host="127.0.0.1", port=real_obs.port, password=real_obs.password, timeout=5)
    try:
        assert wait_for(lambda: bare.get_current_program_scene().current_program_scene_name == "Q&A", 5)

        def question_text():
            return bare.get_input_settings("BC Question").input_settings.get("text", "")

        # the cut may be what connects this test's fresh app to OBS: the texts then follow it, pushed
        # by the on-connect hook (CI once read the source between the two)
        assert wait_for(lambda: question_text().startswith("Khi nào đường liên xã Hoằng Phụ được sửa?"), 5)
        assert "Lê Văn Tám" in question_text()
    finally:
        bare.disconnect()
        app.config["QUESTIONS_ON_AIR_SCENE"] = ""
