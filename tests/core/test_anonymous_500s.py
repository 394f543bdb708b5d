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


def test_an_exhausted_database_pool_is_a_503_to_retry_not_a_500(client, event, monkeypatch):
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    from server.services.questions import submission

    def busy(*_args, **_kwargs):
        raise PoolTimeout("QueuePool limit of size 20 overflow 20 reached, connection timed out, timeout 10.00")

    monkeypatch.setattr(submission, "submit", busy)
    response = _post_question(client, event)
    assert response.status_code == 503 and response.headers["Retry-After"] == "2"
    assert (
        response.get_json()["error"] == "busy"
        and response.get_json()["message"] == "Máy chủ đang bận, hãy thử lại sau giây lát."
    )
