"""Every route and socket event is in the explicit access table, declares the same roles,
and actually refuses everybody else (anonymous, the wrong role, the wrong token)."""

import pytest
from werkzeug.routing.converters import NumberConverter

from tests.conftest import AuthActions
from tests.support.access_table import ANYONE, HTTP, SOCKET

ROLES = ("moderator", "crew", "admin")


def declared(view):
    roles = getattr(view, "allowed_roles", None)
    if roles is None or set(roles) == ANYONE:
        return set(ANYONE)
    if set(roles) == {"site"}:
        return {"site"}
    return set(roles) | {"admin"}


def rules(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            values = {arg: 1 if isinstance(rule._converters[arg], NumberConverter) else "x" for arg in rule.arguments}
            yield rule, method, app.url_map.bind("localhost").build(rule.endpoint, values, method=method)


def test_every_route_is_in_the_access_table_with_its_declared_roles(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - set(HTTP)) == [], "routes missing from tests/support/access_table.py"
    assert sorted(set(HTTP) - endpoints) == [], "table lists routes that do not exist"
    wrong = {
        ep: (declared(app.view_functions[ep]), HTTP[ep])
        for ep in endpoints
        if declared(app.view_functions[ep]) != HTTP[ep]
    }
    assert wrong == {}, "view roles differ from the table: {endpoint: (declared, table)}"


def socket_handlers():
    from server.extensions import socketio

    for namespace, handlers in socketio.server.handlers.items():
        for name, handler in handlers.items():
            if name != "disconnect":
                yield namespace, name, handler


def test_every_socket_event_is_in_the_access_table_with_its_declared_roles(app):
    seen = {(ns, name) for ns, name, _h in socket_handlers()}
    assert sorted(seen - set(SOCKET)) == [], "socket events missing from tests/support/access_table.py"
    assert sorted(set(SOCKET) - seen) == [], "table lists socket events that do not exist"
    for namespace, name, handler in socket_handlers():
        if name != "connect":
            assert declared(handler) == SOCKET[(namespace, name)], (namespace, name)
            assert getattr(handler, "allowed_roles", None), f"{namespace} {name} has no guard"


def test_anonymous_callers_are_refused_everywhere_but_public_routes(app, client):
    for rule, method, url in rules(app):
        if HTTP[rule.endpoint] == ANYONE:
            continue
        response = client.open(url, method=method, headers={"Accept": "application/json"})
        if HTTP[rule.endpoint] == {"site"}:  # the path's site token is the credential: a wrong one is unknown
            assert response.status_code == 404 and response.get_json()["error"] == "invalid_site_token", url
            continue
        assert response.status_code in (302, 400, 401), (method, url, response.status_code)
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/login"), url
        assert b"Traceback" not in response.data


def test_each_role_is_refused_where_the_table_does_not_list_it(app):
    from server.services.accounts.users import create_token

    for role in ROLES:
        http = app.test_client()
        AuthActions(http).login(role)
        csrf = AuthActions(http).csrf("/")
        _token, bearer = create_token(role)
        for rule, method, url in rules(app):
            allowed = HTTP[rule.endpoint]
            if allowed == ANYONE:
                continue
            if allowed == {"site"}:  # staff credentials open no site route: only the site's token does
                response = app.test_client().open(url, method=method, headers={"Authorization": f"Bearer {bearer}"})
                assert response.status_code == 404, (role, method, url, response.status_code)
                continue
            is_api = rule.endpoint.startswith("api.")
            headers = {"Authorization": f"Bearer {bearer}"} if is_api else {"X-CSRFToken": csrf}
            caller = app.test_client() if is_api else http
            if role in allowed:
                if method == "GET":
                    response = caller.open(url, method=method, headers=headers)
                    assert response.status_code not in (401, 403), (role, url, response.status_code)
                continue
            response = caller.open(url, method=method, headers=headers, data={"csrf_token": csrf})
            assert response.status_code == 403, (role, method, url, response.status_code)


@pytest.mark.parametrize("role", [None, *ROLES])
def test_socket_namespaces_admit_only_the_table_roles(app, socket_client, role):
    from flask_socketio import SocketIOTestClient  # noqa: F401  (the fixture's client type)

    namespaces = {ns for ns, name in SOCKET if name == "connect" and ns != "/site"}
    for namespace in sorted(namespaces):
        allowed = SOCKET[(namespace, "connect")]
        expected = allowed == ANYONE or (role is not None and (role in allowed or role == "admin"))
        try:
            sio = socket_client(namespace, role=role)
            connected = sio.is_connected(namespace)
        except Exception:
            connected = False
        assert connected == expected, (role, namespace)


def test_socket_events_refuse_roles_the_table_does_not_list(app, socket_client, event):
    from tests.support import factories

    site = factories.make_site(event)
    for (namespace, name), allowed in SOCKET.items():
        if name == "connect":
            continue
        admitted = SOCKET[(namespace, "connect")]
        callers = ["anonymous"] if admitted == ANYONE else [r for r in ROLES if r in admitted or r == "admin"]
        if admitted == {"site"}:
            callers = ["site"]
        for caller in callers:
            if caller in allowed or (caller == "admin" and allowed != ANYONE):
                continue
            if caller == "site":
                sio = socket_client(namespace, auth_payload={"token": site.token})
            else:
                sio = socket_client(namespace, role=None if caller == "anonymous" else caller)
            ack = sio.emit(name, {}, namespace=namespace, callback=True)
            assert isinstance(ack, dict) and ack.get("ok") is False and ack.get("error") == "forbidden", (
                namespace,
                name,
                caller,
            )


def test_site_namespace_needs_a_valid_active_token(app, socket_client, event):
    from server.extensions import db
    from tests.support import factories

    site = factories.make_site(event)
    assert socket_client("/site", auth_payload={"token": site.token}).is_connected("/site")
    for bad in ({"token": "x" * 40}, {}, {"token": 123}, {"event": event.slug}):
        try:
            refused = not socket_client("/site", auth_payload=bad).is_connected("/site")
        except Exception:
            refused = True
        assert refused, bad
    site.is_active = False
    db.session.commit()
    try:
        refused = not socket_client("/site", auth_payload={"token": site.token}).is_connected("/site")
    except Exception:
        refused = True
    assert refused
