"""Agenda import (CSV and JSON, good and bad files, all or nothing) and export."""

import io
import json

import pytest

from server.services.agenda import import_export as agenda_io
from server.services.agenda import items as agenda
from server.services.agenda.import_export import ImportFailed
from tests.support.agenda import SCENES, make_items

GOOD_CSV = """day,session,title,speaker_name,speaker_title,location,start,duration_min,notes,scene,lower_third,slide_deck,media_input
2026-11-23,Phiên khai mạc,Chào cờ,,,Hội trường A,08:00,10,,Opening,,,
2026-11-23,Phiên khai mạc,Diễn văn khai mạc,Phạm Văn Tuấn,Chủ tịch,Hội trường A,08:10,15,"Ghi chú, có dấu phẩy",Speaker,Phạm Văn Tuấn — Chủ tịch,,
2026-11-23,Phiên thứ nhất,Phóng sự,,,Hội trường A,08:25,8,,Break,,,BC Reportage
"""


@pytest.fixture(autouse=True)
def scenes(app):
    app.config["AGENDA_SCENES"] = SCENES
    with app.test_request_context():  # messages render in a request's language
        yield


def titles(event):
    return [i.title for i in agenda.items_of(event)]


def test_good_csv_imports_every_row_in_order_with_vietnam_times(event):
    assert agenda_io.import_agenda(event.slug, GOOD_CSV.encode("utf-8-sig"), "csv") == 3
    items = agenda.items_of(event)
    assert [i.title for i in items] == ["Chào cờ", "Diễn văn khai mạc", "Phóng sự"]
    assert items[1].planned_start.hour == 1 and items[1].planned_start.minute == 10  # 08:10 +07:00 = 01:10 UTC
    assert items[1].cue_lower_third == "Phạm Văn Tuấn — Chủ tịch" and items[1].notes == "Ghi chú, có dấu phẩy"
    assert items[2].cue_media_input == "BC Reportage" and [i.position for i in items] == [0, 1, 2]


def test_semicolon_csv_from_excel_is_accepted(event):
    data = "title;start;day;duration_min;scene\nMở đầu;07:30;23/11/2026;5;Opening\n"
    assert agenda_io.import_agenda(event.slug, data.encode(), "csv") == 1
    assert agenda.items_of(event)[0].duration_min == 5


def test_bad_csv_reports_each_bad_row_and_imports_nothing(event):
    make_items(event, [{"title": "Nội dung cũ"}])
    bad = (
        GOOD_CSV.replace("08:10", "8h10").replace(",Break,", ",Sân khấu lạ,")
        + "2026-11-23,,,,,,09:00,10,,,,,\n"
        + "2026-11-23,,Hỏi đáp,,,,09:00,mười,,,,,\n"
    )
    with pytest.raises(ImportFailed) as info:
        agenda_io.import_agenda(event.slug, bad.encode(), "csv")
    errors = info.value.details["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [(3, "start"), (4, "scene"), (5, "title"), (6, "duration_min")]
    assert "Sân khấu lạ" in errors[1]["message"]
    assert titles(event) == ["Nội dung cũ"]  # nothing half-imported, nothing replaced


def test_csv_with_unknown_column_or_no_title_column_is_refused(event):
    with pytest.raises(ImportFailed) as info:
        agenda_io.import_agenda(event.slug, b"title,colour\nA,red\n", "csv")
    assert "colour" in info.value.details["errors"][0]["message"]
    with pytest.raises(ImportFailed):
        agenda_io.import_agenda(event.slug, b"name\nA\n", "csv")
    with pytest.raises(ImportFailed):
        agenda_io.import_agenda(event.slug, "title\nA\n".encode("utf-16"), "csv")


def test_good_json_imports_and_append_mode_keeps_the_existing_items(event):
    make_items(event, [{"title": "Có sẵn"}])
    doc = {
        "items": [
            {
                "title": "Tham luận 1",
                "speaker_name": "Lê Văn B",
                "start": "2026-11-23T14:00:00+07:00",
                "duration_min": 7,
                "scene": "Speaker",
            },
            {"title": "Tham luận 2", "day": "2026-11-23", "start": "14:07", "duration_min": "8"},
        ]
    }
    assert agenda_io.import_agenda(event.slug, json.dumps(doc).encode(), "json", mode="append") == 2
    items = agenda.items_of(event)
    assert [i.title for i in items] == ["Có sẵn", "Tham luận 1", "Tham luận 2"]
    assert items[1].planned_start.hour == 7 and items[2].planned_start.minute == 7


def test_bad_json_rows_are_reported_by_number(event):
    doc = [
        {"title": "Đúng"},
        {"title": "Giờ sai", "start": "25:99", "day": "2026-11-23"},
        "không phải đối tượng",
        {"title": "Cảnh sai", "scene": "Nowhere"},
    ]
    with pytest.raises(ImportFailed) as info:
        agenda_io.import_agenda(event.slug, json.dumps(doc), "json")
    assert [(e["row"], e["field"]) for e in info.value.details["errors"]] == [(2, "start"), (3, ""), (4, "scene")]
    assert titles(event) == []
    with pytest.raises(ImportFailed):
        agenda_io.import_agenda(event.slug, b"{not json", "json")


def test_export_csv_and_json_round_trip(event, app):
    agenda_io.import_agenda(event.slug, GOOD_CSV.encode(), "csv")
    exported_csv = agenda_io.export_csv(event.slug)
    exported_json = agenda_io.export_json(event.slug)
    assert exported_csv.startswith("\ufeffday,session,title")
    assert "Phạm Văn Tuấn — Chủ tịch" in exported_csv and "08:10" in exported_csv
    before = [agenda.item_to_row(i) for i in agenda.items_of(event)]
    agenda_io.import_agenda(event.slug, exported_csv.encode("utf-8"), "csv", mode="replace")
    assert [agenda.item_to_row(i) for i in agenda.items_of(event)] == before
    agenda_io.import_agenda(event.slug, exported_json.encode("utf-8"), "json", mode="replace")
    assert [agenda.item_to_row(i) for i in agenda.items_of(event)] == before
    assert json.loads(exported_json)["items"][1]["start"] == "08:10"


def test_export_neutralises_spreadsheet_formulas(event):
    make_items(event, [{"title": '=HYPERLINK("http://evil")', "notes": "+1"}])
    exported = agenda_io.export_csv(event.slug)
    assert "'=HYPERLINK" in exported and "'+1" in exported
    agenda_io.import_agenda(event.slug, exported.encode(), "csv", mode="replace")
    assert titles(event) == ['=HYPERLINK("http://evil")']


def test_import_page_shows_row_errors_and_export_downloads(client, auth, event):
    auth.login("admin")
    token = auth.csrf(f"/events/{event.slug}/agenda/edit")
    bad = "title,start,day\nA,99:99,2026-11-23\n<script>alert(1)</script>,xx,2026-11-23\n"
    response = client.post(
        f"/events/{event.slug}/agenda/import",
        data={"csrf_token": token, "mode": "replace", "file": (io.BytesIO(bad.encode()), "agenda.csv")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Dòng 2" in html and "Dòng 3" in html and "<script>alert(1)" not in html
    response = client.post(
        f"/events/{event.slug}/agenda/import",
        data={"csrf_token": token, "mode": "replace", "file": (io.BytesIO(GOOD_CSV.encode()), "agenda.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert titles(event) == ["Chào cờ", "Diễn văn khai mạc", "Phóng sự"]
    exported = client.get(f"/events/{event.slug}/agenda/export.json")
    assert exported.status_code == 200 and "attachment" in exported.headers["Content-Disposition"]
    assert [row["title"] for row in exported.get_json()["items"]] == titles(event)


def test_crew_cannot_import(client, auth, event):
    auth.login("crew")
    token = auth.csrf("/")
    response = client.post(
        f"/events/{event.slug}/agenda/import",
        data={"csrf_token": token, "file": (io.BytesIO(GOOD_CSV.encode()), "agenda.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403 and titles(event) == []


def test_reorder_through_the_api(client, auth, event):
    items = make_items(event, [{"title": "A"}, {"title": "B"}, {"title": "C"}])
    auth.login("admin")
    token = auth.csrf("/")
    ids = [items[2].id, items[0].id, items[1].id]
    response = client.put(
        f"/api/v1/events/{event.slug}/agenda/order", json={"ids": ids}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200
    assert titles(event) == ["C", "A", "B"]
    response = client.put(
        f"/api/v1/events/{event.slug}/agenda/order", json={"ids": ids[:2]}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 422 and response.get_json()["error"] == "invalid_order"


def test_import_appends_by_default_and_a_replace_is_previewed_first(event):
    make_items(event, [{"title": "Cũ 1"}, {"title": "Cũ 2"}])
    assert agenda_io.import_agenda(event.slug, "title\nMới\n".encode(), "csv") == 1
    assert titles(event) == ["Cũ 1", "Cũ 2", "Mới"]
    preview = agenda_io.preview_import(event.slug, b"title\nA\nB\n", "csv", "replace")
    assert preview["mode"] == "replace" and preview["add"] == 2
    assert [i["title"] for i in preview["remove"]] == ["Cũ 1", "Cũ 2", "Mới"]
    assert titles(event) == ["Cũ 1", "Cũ 2", "Mới"]  # a preview changes nothing
    assert agenda_io.preview_import(event.slug, b"title\nA\n", "csv")["remove"] == []


def test_replace_is_refused_while_an_item_is_on_air(event, app):
    from server.extensions import db
    from server.models.event import Event

    items = make_items(event, [{"title": "Đang phát"}])
    db.session.get(Event, event.id).current_item_id = items[0].id
    db.session.commit()
    for run in (agenda_io.preview_import, agenda_io.import_agenda):
        with app.test_request_context(headers={"Accept-Language": "en"}), pytest.raises(Exception) as info:
            run(event.slug, b"title\nA\n", "csv", "replace")
        assert info.value.status == 409 and info.value.code == "on_air"
        with app.test_request_context(headers={"Accept-Language": "en"}):
            assert "on air" in str(info.value.message)
    assert titles(event) == ["Đang phát"]
    assert agenda_io.import_agenda(event.slug, b"title\nA\n", "csv") == 1  # appending is fine


def test_import_page_previews_a_replace_and_imports_once_confirmed(client, auth, event):
    make_items(event, [{"title": "Nội dung cũ"}])
    auth.login("admin")
    token = auth.csrf(f"/events/{event.slug}/agenda/edit")
    response = client.post(
        f"/events/{event.slug}/agenda/import",
        data={"csrf_token": token, "mode": "replace", "file": (io.BytesIO(GOOD_CSV.encode()), "agenda.csv")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="import-preview"' in html and "Nội dung cũ" in html
    assert titles(event) == ["Nội dung cũ"]
    response = client.post(
        f"/events/{event.slug}/agenda/import",
        data={"csrf_token": token, "mode": "replace", "confirm": "1", "fmt": "csv", "content": GOOD_CSV},
    )
    assert response.status_code == 302
    assert titles(event) == ["Chào cờ", "Diễn văn khai mạc", "Phóng sự"]
    response = client.post(
        f"/events/{event.slug}/agenda/import",
        data={"csrf_token": token, "file": (io.BytesIO("title\nThêm\n".encode()), "more.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and titles(event)[-1] == "Thêm" and len(titles(event)) == 4
