"""Bearer tokens on /api/v1, and JSON errors in the request's language."""

from server.services.accounts import users as accounts


def test_token_gives_its_role(client, app):
    _token, plain = accounts.create_token("crew", "deck")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 200
    assert response.get_json()["role"] == "crew"


def test_missing_token_is_401_with_vietnamese_message(client):
    response = client.get("/api/v1/events")
    assert response.status_code == 401
    body = response.get_json()
    assert body["error"] == "unauthorized" and "đăng nhập" in body["message"]


def test_error_message_follows_accept_language(client):
    response = client.get("/api/v1/events", headers={"Accept-Language": "en"})
    assert response.get_json()["message"] == "Log in or present a valid token."


def test_bad_and_revoked_tokens_are_refused(client, app):
    token, plain = accounts.create_token("moderator")
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer bc_nope"}).status_code == 401
    accounts.revoke_token(token.id)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 401 and response.get_json()["error"] == "invalid_token"


def test_token_is_stored_only_as_a_hash(app):
    token, plain = accounts.create_token("admin")
    assert plain not in (token.token_hash, token.prefix)
    assert plain.startswith(token.prefix)


def test_unknown_api_route_is_json_404(client):
    response = client.get("/api/v1/nowhere")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


def test_create_token_cli_prints_a_working_token(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-token", "--role", "crew"])
    assert result.exit_code == 0
    plain = result.output.strip()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).get_json()["role"] == "crew"


def test_create_user_cli(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "bientap", "--role", "moderator", "--password", "mat-khau-dai"])
    assert result.exit_code == 0, result.output
    bad = runner.invoke(args=["create-user", "x", "--role", "moderator", "--password", "short"])
    assert bad.exit_code != 0 and "8" in bad.output
