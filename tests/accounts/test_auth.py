"""Login, logout, roles on pages, CSRF, and the language switch."""

from tests.conftest import csrf_from
from tests.support import factories


def test_login_page_is_vietnamese_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="vi"' in html
    assert "Đăng nhập" in html and "Mật khẩu" in html


def test_language_switch_to_english_and_back(client):
    client.get("/lang/en")
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in html and "Log in" in html and "Password" in html
    client.get("/lang/vi")
    assert "Mật khẩu" in client.get("/login").get_data(as_text=True)


def test_accept_language_english_is_honoured(client):
    html = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert 'lang="en"' in html


def test_login_and_logout(client, auth):
    user = auth.login("crew")
    home = client.get("/")
    assert home.status_code == 200
    assert user.username in home.get_data(as_text=True)
    response = client.post("/logout", data={"csrf_token": auth.csrf()})
    assert response.status_code == 302
    assert client.get("/").headers["Location"].startswith("/login")


def test_wrong_password_is_refused_in_vietnamese(client, app):
    user = factories.make_user("crew")
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": user.username, "password": "wrong-one", "csrf_token": token})
    assert response.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.get_data(as_text=True)


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client, app):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": "nobody", "password": "whatever1", "csrf_token": token})
    assert response.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.get_data(as_text=True)


def test_repeated_failures_slow_down_that_address_with_retry_after(client, app):
    user = factories.make_user("moderator")
    token = csrf_from(client.get("/login").get_data(as_text=True))
    for _ in range(5):
        client.post("/login", data={"username": user.username, "password": "bad-password", "csrf_token": token})
    response = client.post(
        "/login", data={"username": user.username, "password": factories.PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert "giây" in response.get_data(as_text=True)


def test_login_without_csrf_token_is_rejected(client, app):
    user = factories.make_user("admin")
    response = client.post("/login", data={"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_admin_form_without_csrf_token_is_rejected(client, auth):
    auth.login("admin")
    response = client.post("/admin/events", data={"slug": "x-event", "name": "X"})
    assert response.status_code == 400


def test_moderator_cannot_reach_admin_pages(client, auth):
    auth.login("moderator")
    assert client.get("/admin/").status_code == 403
    token = auth.csrf()
    assert (
        client.post(
            "/admin/users", data={"username": "evil", "password": "12345678", "role": "admin", "csrf_token": token}
        ).status_code
        == 403
    )


def test_anonymous_is_sent_to_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_open_redirect_after_login_is_ignored(client, app):
    user = factories.make_user("crew")
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login?next=//evil.example/",
        data={"username": user.username, "password": factories.PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_admin_creates_event_user_and_token(client, auth):
    auth.login("admin")
    token = auth.csrf("/admin/")
    client.post(
        "/admin/events", data={"slug": "dien-dan-3", "name": "Diễn đàn 3", "kind": "forum", "csrf_token": token}
    )
    client.post(
        "/admin/users",
        data={"username": "bientap1", "password": "longenough", "role": "moderator", "csrf_token": token},
    )
    html = client.post("/admin/tokens", data={"role": "crew", "name": "Stream Deck", "csrf_token": token}).get_data(
        as_text=True
    )
    assert "dien-dan-3" in html and "bientap1" in html
    assert 'id="new-token">bc_' in html


def test_security_headers_present(client):
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_is_httponly_and_samesite(client, auth):
    auth.login("crew")
    header = client.post("/logout", data={"csrf_token": auth.csrf()}).headers.get("Set-Cookie", "")
    assert "bridgecast_session=" in header
    assert "HttpOnly" in header and "SameSite=Lax" in header
