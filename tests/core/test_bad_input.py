"""Bad input on every endpoint: fuzzed paths, methods, bodies and content types never
give a 500 or a stack trace; malformed, oversized, mistyped and invalid-UTF-8 JSON get a
clear 4xx; tokens and usernames cannot be enumerated from error differences."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.services.accounts.users import create_token, revoke_token
from tests.conftest import csrf_from
from tests.support import factories

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=20,
)
CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "application/json; charset=latin-1",
        "",
        "garbage/∞",
    ]
)
BODIES = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.just(b'\xff\xfe{"text": "\xc3\x28"}'),
    st.just(b"{" * 2000),
)


def _no_crash(response):
    assert response.status_code < 500, (response.status_code, response.get_data(as_text=True)[:300])
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and 'File "' not in body


def _rules(app):
    return [
        (rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


def test_fuzzed_requests_to_every_route_never_crash(app, client, event):
    from server.models.user import ApiToken  # noqa: F401

    _token, admin = create_token("admin")
    routes = _rules(app)
    assert len(routes) >= 10

    @FUZZ
    @given(
        index=st.integers(0, len(routes) - 1),
        segment=st.text(min_size=1, max_size=40),
        number=st.integers(-(2**63), 2**63),
        body=BODIES,
        content_type=CONTENT_TYPES,
        with_token=st.booleans(),
        query=st.dictionaries(st.text(max_size=8), st.text(max_size=20), max_size=3),
    )
    def run(index, segment, number, body, content_type, with_token, query):
        rule, method = routes[index]
        values = {}
        for arg in rule.arguments:
            values[arg] = (
                number
                if "Number" in type(rule._converters[arg]).__mro__[1].__name__
                or type(rule._converters[arg]).__name__ == "IntegerConverter"
                else segment
            )
        try:
            url = app.url_map.bind("localhost").build(rule.endpoint, values, method=method)
        except Exception:  # the value cannot appear in this route: nothing to send
            return
        headers = {"Authorization": f"Bearer {admin}"} if with_token else {}
        response = client.open(
            url, method=method, data=body, content_type=content_type or None, headers=headers, query_string=query
        )
        _no_crash(response)

    run()


def _json_probe(app):
    """A throwaway route that reads its body with the API's ``json_body``."""
    from flask import jsonify

    from server.web.api import json_body

    def probe():
        return jsonify(json_body())

    from server.extensions import csrf

    csrf.exempt(probe)
    app.add_url_rule("/api/v1/_probe", "api_probe", probe, methods=["POST"])


def test_json_bodies_get_clear_4xx_codes(app, client):
    _json_probe(app)
    post = lambda data, ct="application/json", **kw: client.post("/api/v1/_probe", data=data, content_type=ct, **kw)
    assert post(b'{"a": 1}').get_json() == {"a": 1}
    cases = [
        (post(b'{"a": '), 400, "invalid_json"),
        (post(b"\xff\xfe\xfd"), 400, "invalid_json"),
        (post('{"text": "\udcff"}'.encode("utf-8", "surrogatepass")), 400, "invalid_json"),
        (post(b"[1, 2]"), 400, "invalid_json"),
        (post(b'{"a": 1}', "text/plain"), 415, "unsupported_media_type"),
        (post(b'{"a": 1}', "application/x-www-form-urlencoded"), 415, "unsupported_media_type"),
        (post(json.dumps({"t": "x" * 20000}).encode()), 413, "too_large"),
        (post(b"[" * 10000 + b"]" * 10000), 413, "too_large"),
    ]
    for response, status, code in cases:
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
        body = response.get_json()
        assert body["error"] == code and body["message"]


def test_deeply_nested_json_is_refused_not_crashing(app, client):
    _json_probe(app)
    response = client.post("/api/v1/_probe", data=b"[" * 5000 + b"]" * 5000, content_type="application/json")
    assert response.status_code in (400, 413)


def test_chunked_body_without_length_is_capped(app, client):
    _json_probe(app)

    import io

    body = io.BytesIO(b" " * 100_000)
    response = client.post(
        "/api/v1/_probe",
        input_stream=body,
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_base={"wsgi.input_terminated": True},
    )
    assert response.request.content_length is None
    assert response.status_code == 413


def test_invalid_and_revoked_bearer_tokens_get_the_same_answer(app, client):
    token, plain = create_token("crew")
    revoke_token(token.id)
    answers = []
    for presented in (plain, "bc_" + "A" * 43, "nonsense", "x" * 500, plain[:-1] + ("A" if plain[-1] != "A" else "B")):
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {presented}"})
        answers.append((response.status_code, response.get_json()))
    assert all(answer == answers[0] for answer in answers), answers
    assert answers[0][0] == 401


def test_unknown_usernames_are_throttled_like_real_accounts(app, client):
    user = factories.make_user("crew")
    token = csrf_from(client.get("/login").get_data(as_text=True))
    statuses = {}
    for name in (user.username, "nobody-here"):
        seen = []
        for _ in range(6):
            response = client.post("/login", data={"username": name, "password": "wrong-password", "csrf_token": token})
            seen.append(response.status_code)
        statuses[name] = seen
    assert statuses[user.username] == statuses["nobody-here"]
    assert statuses["nobody-here"][-1] == 429


def test_too_many_failed_logins_from_one_address_are_rate_limited(app, client):
    app.config["LOGIN_RATE_ADDRESS"] = "4/300"
    token = csrf_from(client.get("/login").get_data(as_text=True))
    codes = [
        client.post("/login", data={"username": f"spray{i}", "password": "x" * 9, "csrf_token": token}).status_code
        for i in range(6)
    ]
    assert codes[:4] == [401] * 4 and codes[4] == 429
    user = factories.make_user("admin")
    response = client.post(
        "/login", data={"username": user.username, "password": factories.PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    other = app.test_client()
    response = other.post(
        "/login",
        data={"username": user.username, "password": factories.PASSWORD, "csrf_token": token},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert response.status_code in (302, 400)  # another address is not limited (400: no session CSRF)
