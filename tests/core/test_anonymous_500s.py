"""Every 500 the abuse review found is now a clear 4xx: a lone surrogate in question text, an agenda
item of 2^70, a huge slide deck id, huge limits and offsets, a deeply nested agenda import."""

import io
import json

from tests.conftest import csrf_from


def _post_question(client, event, **fields):
    body = {"event": event.slug, "client_id": "c-500", "text": "Câu hỏi thử", **fields}
    return client.post("/api/v1/questions", data=json.dumps(body), content_type="application/json")


def test_question_inputs_that_were_500s(client, event):
    for fields in ({"text": "a\ud800b"}, {"agenda_item": 2**70}, {"agenda_item": -1}, {"author": "\udfff"}):
        response = _post_question(client, event, **fields)
        assert 400 <= response.status_code < 500, (fields, response.get_json())
        assert response.get_json()["message"]


def test_huge_slide_ids_and_pages_are_404(client, event):
    for url in ("/slides/99999999999999999999999/0.png", "/slides/x/99999999999999999999.png", "/slides/1/0.png"):
        assert client.get(url).status_code == 404, url


def test_huge_limits_and_offsets_are_422(client, event):
    from server.services.accounts import users as accounts

    _token, plain = accounts.create_token("moderator", "limits")
    response = client.get(
        f"/api/v1/events/{event.slug}/questions",
        query_string={"limit": 100000000, "offset": 10**20},
        headers={"Authorization": f"Bearer {plain}"},
    )
    assert response.status_code == 422 and set(response.get_json()["fields"]) == {"limit", "offset"}


def test_a_deeply_nested_agenda_import_is_refused(client, auth, event):
    auth.login("admin")
    for text in ("[" * 5000 + "]" * 5000, '{"items": ' + "[" * 5000 + "]" * 5000 + "}"):
        page = client.get(f"/events/{event.slug}/agenda/edit").get_data(as_text=True)
        data = {"file": (io.BytesIO(text.encode()), "agenda.json"), "csrf_token": csrf_from(page)}
        response = client.post(f"/events/{event.slug}/agenda/import", data=data, content_type="multipart/form-data")
        assert response.status_code == 422, response.status_code
