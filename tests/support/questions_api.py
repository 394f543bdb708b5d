"""What the questions tests do over the test client again and again: a bearer header for a
staff role, and a question submitted (from a site when given) that must be accepted."""

from server.services.accounts.users import create_token


def bearer(role="moderator"):
    """An ``Authorization`` header with a fresh API token of ``role``."""
    _, plain = create_token(role, "test")
    return {"Authorization": f"Bearer {plain}"}


def submit(client, event, client_id, text, site=None, **extra):
    """Submit a question over REST (``extra``: author, unit, kind…); returns its id (201 asserted)."""
    data = {"event": event.slug, "kind": "question", "text": text, "client_id": client_id, **extra}
    if site is not None:
        data["site_token"] = site.token
    response = client.post("/api/v1/questions", json=data)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]
