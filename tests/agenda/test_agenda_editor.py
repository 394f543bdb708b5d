"""The admin's agenda editor pages: create, update and delete items (a delete is confirmed first
and the item on air is never deleted), who may use them, and what the crew and phones hear."""

import logging

import pytest

from server.extensions import db
from server.models.agenda import AgendaItem
from server.models.event import Event
from server.services.agenda import items as agenda
from tests.support import factories
from tests.support.agenda import SCENES, make_items


@pytest.fixture(autouse=True)
def scenes(app):
    app.config["AGENDA_SCENES"] = SCENES


@pytest.fixture
def admin(client, auth, event):
    auth.login("admin")
    return auth.csrf(f"/events/{event.slug}/agenda/edit")


def titles(event):
    db.session.expire_all()
    return [i.title for i in agenda.items_of(event)]


def test_create_item_appends_it_with_vietnam_time(client, event, admin, socket_client):
    phone = socket_client("/public")
    phone.get_received("/public")
    response = client.post(
        f"/events/{event.slug}/agenda/items",
        data={
            "csrf_token": admin,
            "day": "2026-11-23",
            "start": "08:30",
            "duration_min": "15",
            "title": "Khai mạc",
            "speaker_name": "Trần Văn An",
            "scene": "Opening",
            "lower_third": "Trần Văn An — Chủ tịch",
        },
    )
    assert response.status_code == 302
    response = client.post(f"/events/{event.slug}/agenda/items", data={"csrf_token": admin, "title": "Bế mạc"})
    items = agenda.items_of(event)
    assert [i.title for i in items] == ["Khai mạc", "Bế mạc"] and [i.position for i in items] == [0, 1]
    assert items[0].planned_start.hour == 1 and items[0].duration_min == 15 and items[0].cue_scene == "Opening"
    assert items[1].duration_min == 10  # the default
    states = [p["args"][0] for p in phone.get_received("/public") if p["name"] == "agenda_state"]
    assert [i["title"] for i in states[-1]["items"]] == ["Khai mạc", "Bế mạc"]
    assert "Đã thêm nội dung." in client.get(f"/events/{event.slug}/agenda/edit").get_data(as_text=True)


def test_create_refuses_bad_fields_with_a_message_and_stores_nothing(client, event, admin):
    for bad in (
        {"title": ""},
        {"title": "A", "start": "25:99", "day": "2026-11-23"},
        {"title": "A", "scene": "Sân khấu lạ"},
        {"title": "A", "duration_min": "mười"},
    ):
        response = client.post(f"/events/{event.slug}/agenda/items", data={"csrf_token": admin, **bad})
        assert response.status_code == 422  # the editor again, the message at the add form
        assert 'id="add-item-errors"' in response.get_data(as_text=True)
    assert titles(event) == []
    assert "Thời lượng phải là số phút nguyên." in response.get_data(as_text=True)


def test_update_item_changes_its_fields_and_keeps_them_on_a_bad_form(client, event, admin):
    item = make_items(event, [{"title": "Cũ", "duration_min": 5}])[0]
    response = client.post(
        f"/events/{event.slug}/agenda/items/{item.id}",
        data={"csrf_token": admin, "title": "Mới", "duration_min": "12", "speaker_name": "Lê Thị B"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#item-{item.id}")
    db.session.expire_all()
    item = db.session.get(AgendaItem, item.id)
    assert (item.title, item.duration_min, item.speaker_name) == ("Mới", 12, "Lê Thị B")
    response = client.post(
        f"/events/{event.slug}/agenda/items/{item.id}", data={"csrf_token": admin, "title": "", "duration_min": "3"}
    )
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).title == "Mới"
    assert response.status_code == 422
    row_errors = response.get_data(as_text=True).split(f'id="item-{item.id}-errors"', 1)[1]
    assert "Cần có tiêu đề nội dung." in row_errors


def test_another_events_item_is_not_found(client, event, admin):
    other = factories.make_event("other-event", "Sự kiện khác")
    item = make_items(other, [{"title": "Của người khác"}])[0]
    client.post(f"/events/{event.slug}/agenda/items/{item.id}", data={"csrf_token": admin, "title": "Đổi"})
    assert (
        client.post(f"/events/{event.slug}/agenda/items/{item.id}/delete", data={"csrf_token": admin}).status_code
        == 404
    )
    client.post(f"/events/{event.slug}/agenda/items/{item.id}/delete", data={"csrf_token": admin, "confirm": "1"})
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).title == "Của người khác"


def test_delete_asks_first_then_deletes_and_logs_an_audit_line(client, event, admin, caplog):
    items = make_items(event, [{"title": "Giữ lại"}, {"title": "Xoá đi"}])
    deleted_id = items[1].id
    html = client.get(f"/events/{event.slug}/agenda/edit").get_data(as_text=True)
    assert 'id="delete-dialog"' in html and 'class="inline delete-item"' in html
    response = client.post(f"/events/{event.slug}/agenda/items/{items[1].id}/delete", data={"csrf_token": admin})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="confirm-delete"' in html and "Xoá đi" in html
    assert titles(event) == ["Giữ lại", "Xoá đi"]
    with caplog.at_level(logging.INFO, logger="bridgecast.audit.agenda"):
        response = client.post(
            f"/events/{event.slug}/agenda/items/{items[1].id}/delete", data={"csrf_token": admin, "confirm": "1"}
        )
    assert response.status_code == 302 and titles(event) == ["Giữ lại"]
    assert any("agenda item deleted" in r.getMessage() and "Xoá đi" in r.getMessage() for r in caplog.records)
    from server.models.audit import AuditEntry

    rows = db.session.scalars(db.select(AuditEntry).filter_by(action="agenda.delete_item")).all()
    assert [(r.target, r.detail) for r in rows] == [(f"{event.slug}/{deleted_id}", "Xoá đi")]


def test_the_item_on_air_is_not_deleted(client, event, admin):
    item = make_items(event, [{"title": "Đang phát"}])[0]
    db.session.get(Event, event.id).current_item_id = item.id
    db.session.commit()
    client.post(f"/events/{event.slug}/agenda/items/{item.id}/delete", data={"csrf_token": admin, "confirm": "1"})
    assert titles(event) == ["Đang phát"]
    html = client.get(f"/events/{event.slug}/agenda/edit").get_data(as_text=True)
    assert "Nội dung đang lên sóng, không thể xoá." in html


def test_the_editor_is_for_admins_only(client, auth, event):
    item = make_items(event, [{"title": "A"}])[0]
    auth.login("crew")
    token = auth.csrf(f"/events/{event.slug}/agenda")
    assert client.get(f"/events/{event.slug}/agenda/edit").status_code == 403
    assert (
        client.post(f"/events/{event.slug}/agenda/items", data={"csrf_token": token, "title": "B"}).status_code == 403
    )
    assert (
        client.post(
            f"/events/{event.slug}/agenda/items/{item.id}/delete", data={"csrf_token": token, "confirm": "1"}
        ).status_code
        == 403
    )
    assert titles(event) == ["A"]
