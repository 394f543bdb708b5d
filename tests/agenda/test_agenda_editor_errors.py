"""The agenda editor helps: a refused row keeps what was typed and shows every message at that
row, the add form too, an import reports every bad field of every line at once, scene names
are offered from OBS and the scene pack, per-item timer thresholds are edited."""

from server.extensions import db
from server.models.agenda import AgendaItem
from tests.support.agenda import SCENES, make_items


def setup(app, auth, event):
    app.config["AGENDA_SCENES"] = SCENES
    auth.login("admin")
    return make_items(event, [{"title": "Khai mạc", "cue_scene": "Opening"}])


def test_a_refused_row_keeps_the_typed_values_and_shows_every_error_there(app, client, auth, event):
    item = setup(app, auth, event)[0]
    csrf = auth.csrf(f"/events/{event.slug}/agenda/edit")
    long_title = "Báo cáo tổng kết công tác nhiệm kỳ 2020–2025 và phương hướng nhiệm kỳ 2025–2030 của Ban Chấp hành"
    r = client.post(
        f"/events/{event.slug}/agenda/items/{item.id}",
        data={
            "csrf_token": csrf,
            "title": long_title,
            "start": "25:99",
            "day": "2026-11-23",
            "duration_min": "abc",
            "scene": "Không có",
            "warning_s": "30",
            "danger_s": "60",
        },
    )
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    errors = html.split(f'id="item-{item.id}-errors"', 1)[1].split("</tr>", 1)[0]
    for field in ("start", "duration_min", "scene", "danger_s"):
        assert f'data-field="{field}"' in errors
    assert long_title in html and 'value="25:99"' in html and 'value="abc"' in html
    assert db.session.get(AgendaItem, item.id).title == "Khai mạc"  # nothing saved


def test_the_add_form_keeps_what_was_typed(app, client, auth, event):
    setup(app, auth, event)
    csrf = auth.csrf(f"/events/{event.slug}/agenda/edit")
    r = client.post(
        f"/events/{event.slug}/agenda/items",
        data={
            "csrf_token": csrf,
            "title": "Tham luận của đoàn Hà Nội",
            "speaker_name": "Trần Văn Bình",
            "duration_min": "-5",
        },
    )
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert 'id="add-item-errors"' in html and 'data-field="duration_min"' in html
    assert 'value="Tham luận của đoàn Hà Nội"' in html and 'value="Trần Văn Bình"' in html


def test_thresholds_are_saved_and_scenes_offered(app, client, auth, event):
    item = setup(app, auth, event)[0]
    csrf = auth.csrf(f"/events/{event.slug}/agenda/edit")
    r = client.post(
        f"/events/{event.slug}/agenda/items/{item.id}",
        data={"csrf_token": csrf, "title": "Khai mạc", "scene": "Speaker", "warning_s": "90", "danger_s": "20"},
    )
    assert r.status_code == 302
    saved = db.session.get(AgendaItem, item.id)
    db.session.refresh(saved)
    assert (saved.warning_s, saved.danger_s, saved.cue_scene) == (90, 20, "Speaker")
    html = client.get(f"/events/{event.slug}/agenda/edit").get_data(as_text=True)
    options = html.split('<datalist id="scene-options">', 1)[1].split("</datalist>", 1)[0]
    assert all(f'<option value="{s}">' in options for s in SCENES)


def test_an_import_reports_every_error_of_every_line(app, client, auth, event):
    setup(app, auth, event)
    csv = "title,start,duration_min,scene\n,99:00,x,Nope\nPhát biểu,08:00,abc,\n"
    import pytest

    from server.services.agenda import import_export as agenda_io

    with pytest.raises(agenda_io.ImportFailed) as failed:
        agenda_io.import_agenda(event.slug, csv.encode(), "csv", "append")
    got = {(e["row"], e["field"]) for e in failed.value.details["errors"]}
    assert {(2, "title"), (2, "duration_min"), (2, "scene"), (3, "duration_min"), (3, "day")} <= got
    assert "2 dòng" in str(failed.value.message)
