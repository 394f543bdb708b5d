"""Abuse and faults around accounts: a stranger cannot lock anyone out, sessions end on
logout/password change/deactivation (copied cookies too), admin actions are confirmed and
audited, failed logins are visible to admins, and the CLI does the same."""

from server.extensions import db
from server.models.audit import AuditEntry
from server.models.user import User
from server.services.accounts import users as accounts
from tests.conftest import AuthActions, csrf_from
from tests.support import factories


def _login(client, username, password, address):
    token = csrf_from(client.get("/login", environ_base={"REMOTE_ADDR": address}).get_data(as_text=True))
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def _cookie(client):
    return client.get_cookie("bridgecast_session").value


def _client_with_cookie(app, value):
    other = app.test_client()
    other.set_cookie("bridgecast_session", value)
    return other


def _logged_in(client):
    return client.get("/").status_code == 200


def test_a_stranger_cannot_lock_out_the_admin(app):
    admin = factories.make_user("admin", "boss")
    stranger = app.test_client()
    codes = [_login(stranger, "boss", f"guess-{i}-xx", "203.0.113.7").status_code for i in range(12)]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
    owner = app.test_client()
    response = _login(owner, admin.username, factories.PASSWORD, "198.51.100.2")
    assert response.status_code == 302 and _logged_in(owner)


def test_the_owner_at_the_same_address_waits_rather_than_being_locked(app):
    factories.make_user("crew", "camera")
    client = app.test_client()
    for i in range(5):
        _login(client, "camera", f"wrong-{i}-pass", "192.0.2.1")
    refused = _login(client, "camera", factories.PASSWORD, "192.0.2.1")
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= 60  # a wait, not a lockout


def test_waits_grow_the_longer_the_guessing_goes_on(app):
    app.config["LOGIN_RATE_ACCOUNT_ADDRESS"] = ("3/3", "6/3600")  # quick refill, then a slow hourly bucket
    app.config["LOGIN_RATE_ADDRESS"] = ("1000/1",)
    factories.make_user("crew", "slowdown")
    client = app.test_client()
    from server.services import ratelimit

    clock = [0.0]
    ratelimit.set_limiter(ratelimit.MemoryRateLimiter(clock=lambda: clock[0]), app)
    waits = []
    for _ in range(12):
        response = _login(client, "slowdown", "not-the-one", "192.0.2.50")
        if response.status_code == 429:
            waits.append(int(response.headers["Retry-After"]))
            clock[0] += waits[-1]
    assert waits and waits[-1] > waits[0]


def test_spraying_many_accounts_from_one_address_is_slowed(app):
    app.config["LOGIN_RATE_ADDRESS"] = ("4/60",)
    client = app.test_client()
    codes = [_login(client, f"spray{i}", "x" * 9, "192.0.2.9").status_code for i in range(6)]
    assert codes[:4] == [401] * 4 and codes[4] == 429
    user = factories.make_user("admin")
    assert _login(app.test_client(), user.username, factories.PASSWORD, "10.0.0.9").status_code == 302


def test_successful_login_does_not_use_up_the_allowance(app):
    user = factories.make_user("crew")
    for _ in range(8):
        client = app.test_client()
        assert _login(client, user.username, factories.PASSWORD, "192.0.2.77").status_code == 302


def test_admin_sees_failed_login_bursts(app, client, auth):
    factories.make_user("crew", "target")
    attacker = app.test_client()
    for i in range(7):
        _login(attacker, "target", f"bad-guess-{i}", "203.0.113.66")
    auth.login("admin")
    html = client.get("/admin/").get_data(as_text=True)
    section = html[html.index('id="login-failures"') :]
    assert "target" in section and "203.0.113.66" in section


def test_copied_cookie_stops_working_after_logout(app, client, auth):
    auth.login("crew")
    copied = _cookie(client)
    thief = _client_with_cookie(app, copied)
    assert _logged_in(thief)
    client.post("/logout", data={"csrf_token": auth.csrf()})
    assert not _logged_in(thief)
    assert not _logged_in(_client_with_cookie(app, copied))


def test_password_change_ends_other_sessions_and_keeps_this_one(app, client, auth):
    user = auth.login("moderator")
    laptop = app.test_client()
    assert _login(laptop, user.username, factories.PASSWORD, "192.0.2.30").status_code == 302
    csrf = auth.csrf("/account/password")
    response = client.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": factories.PASSWORD,
            "new_password": "a-new-long-password",
            "confirm_password": "a-new-long-password",
        },
    )
    assert response.status_code == 302
    assert _logged_in(client)
    assert not _logged_in(laptop)
    assert _login(app.test_client(), user.username, "a-new-long-password", "192.0.2.31").status_code == 302
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="user.change_password")) is not None


def test_password_change_needs_the_current_password(app, client, auth):
    auth.login("crew")
    csrf = auth.csrf("/account/password")
    response = client.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": "not-my-password",
            "new_password": "a-new-long-password",
            "confirm_password": "a-new-long-password",
        },
    )
    assert response.status_code == 403


def _admin_post(client, auth, path, **data):
    return client.post(path, data={"csrf_token": auth.csrf("/admin/"), **data})


def test_deactivation_ends_sessions_and_is_audited(app, client, auth):
    victim_client = app.test_client()
    victim = AuthActions(victim_client).login("crew")
    admin = auth.login("admin")
    # without the confirm step nothing happens
    _admin_post(client, auth, f"/admin/users/{victim.id}/deactivate")
    assert _logged_in(victim_client)
    _admin_post(client, auth, f"/admin/users/{victim.id}/deactivate", confirm="yes")
    assert not _logged_in(victim_client)
    assert _login(app.test_client(), victim.username, factories.PASSWORD, "192.0.2.40").status_code == 401
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="user.deactivate"))
    assert entry.actor == admin.username and entry.target == victim.username
    html = client.get("/admin/").get_data(as_text=True)
    assert "user.deactivate" in html[html.index('id="audit-log"') :]
    _admin_post(client, auth, f"/admin/users/{victim.id}/reactivate", confirm="yes")
    assert _login(app.test_client(), victim.username, factories.PASSWORD, "192.0.2.41").status_code == 302


def test_admin_reset_password_ends_the_users_sessions(app, client, auth):
    victim_client = app.test_client()
    victim = AuthActions(victim_client).login("moderator")
    auth.login("admin")
    _admin_post(client, auth, f"/admin/users/{victim.id}/reset-password", confirm="yes", password="reset-by-admin-1")
    assert not _logged_in(victim_client)
    assert _login(app.test_client(), victim.username, "reset-by-admin-1", "192.0.2.42").status_code == 302
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="user.reset_password")) is not None


def test_admin_cannot_deactivate_themselves(app, client, auth):
    admin = auth.login("admin")
    _admin_post(client, auth, f"/admin/users/{admin.id}/deactivate", confirm="yes")
    db.session.refresh(admin)
    assert admin.is_active and _logged_in(client)


def test_admin_can_end_a_users_sessions(app, client, auth):
    victim_client = app.test_client()
    victim = AuthActions(victim_client).login("crew")
    auth.login("admin")
    _admin_post(client, auth, f"/admin/users/{victim.id}/end-sessions", confirm="yes")
    assert not _logged_in(victim_client)


def test_account_and_token_creation_are_audited(app, client, auth):
    auth.login("admin")
    _admin_post(client, auth, "/admin/users", username="newcrew", password="new-crew-pass", role="crew")
    _admin_post(client, auth, "/admin/tokens", role="crew", name="deck")
    actions = {(e.action, e.target.split(" ")[0]) for e in db.session.scalars(db.select(AuditEntry))}
    assert ("user.create", "newcrew") in actions and ("token.create", "deck") in actions


def test_token_revocation_is_audited(app, client, auth):
    token, _plain = accounts.create_token("crew", "deck")
    auth.login("admin")
    _admin_post(client, auth, f"/admin/tokens/{token.id}/revoke")
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="token.revoke")) is not None


def test_cli_deactivate_reactivate_and_reset_password(app):
    user = factories.make_user("crew", "cliuser")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "deactivate", "cliuser"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert not db.session.get(User, user.id).is_active
    assert runner.invoke(args=["user", "reactivate", "cliuser"]).exit_code == 0
    result = runner.invoke(args=["user", "reset-password", "cliuser", "--password", "from-the-cli-1"])
    assert result.exit_code == 0, result.output
    assert _login(app.test_client(), "cliuser", "from-the-cli-1", "192.0.2.43").status_code == 302
    assert runner.invoke(args=["user", "end-sessions", "cliuser"]).exit_code == 0
    assert "cliuser" in runner.invoke(args=["user", "list"]).output
    assert runner.invoke(args=["user", "deactivate", "nobody"]).exit_code != 0
    actions = {e.action for e in db.session.scalars(db.select(AuditEntry).filter_by(actor="cli"))}
    assert {"user.deactivate", "user.reactivate", "user.reset_password", "user.end_sessions"} <= actions


def test_an_open_socket_is_refused_once_its_session_has_ended(app, client, auth, event):
    from server.extensions import socketio

    user = auth.login("moderator")
    sio = socketio.test_client(app, namespace="/moderation", flask_test_client=client, auth={"event": event.slug})
    assert sio.is_connected("/moderation")
    assert sio.emit("get_queue", {}, namespace="/moderation", callback=True)["ok"] is True
    accounts.end_sessions(user)  # what logout elsewhere, a password reset or deactivation do
    answer = sio.emit("get_queue", {}, namespace="/moderation", callback=True)
    assert answer["ok"] is False and answer["error"] == "forbidden"
    sio.disconnect(namespace="/moderation")


def test_guessing_the_current_password_on_the_change_form_is_throttled(app, client, auth):
    auth.login("crew")
    csrf = auth.csrf("/account/password")
    codes = [
        client.post(
            "/account/password",
            data={
                "csrf_token": csrf,
                "current_password": f"guess-{i}-guess",
                "new_password": "a-new-long-password",
                "confirm_password": "a-new-long-password",
            },
        ).status_code
        for i in range(7)
    ]
    assert codes[:5] == [403] * 5 and codes[-1] == 429
