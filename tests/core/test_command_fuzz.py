"""Fuzzing driven by the API description: every socket event and every REST operation of
``/api/v1/openapi.json`` gets hostile input built from its own schema (huge integers, lone
surrogates, deep nesting, wrong types, huge limits) and must answer a clear refusal or a
success: every socket event acks, nothing is a ``server_error`` or a 5xx other than the
documented 503 of an unreachable OBS."""

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.services.accounts import users as accounts
from server.services.commands import load_commands

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
DEEP = json.loads("[" * 40 + "1" + "]" * 40)
HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.just(2**70),
    st.just(-1),
    st.just(10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.just("\ud800"),
    st.just("a\udfffb"),
    st.just("x" * 20_000),
    st.just(DEEP),
    st.lists(st.integers(-(2**70), 2**70), max_size=5),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)
ALLOWED_5XX = {
    "obs_not_configured",
    "obs_disconnected",
    "obs_unreachable",
    "obs_auth_failed",
    "obs_kicked",
    "obs_timeout",
    "obs_request_failed",
    "stream_failed",
    "record_failed",
    "unavailable",
}


def _payloads(cmd):
    fields = list(cmd.input.model_json_schema().get("properties", {})) or ["id", "text", "limit"]
    return st.dictionaries(st.sampled_from(fields + ["extra"]), HOSTILE, max_size=len(fields) + 1)


def _acceptable(status, body):
    if status < 500:
        return True
    return isinstance(body, dict) and body.get("error") in ALLOWED_5XX


def test_every_socket_event_acks_hostile_input(app, socket_client, event):
    commands = [c for c in load_commands().values() if c.socket and "site" not in c.roles]
    clients = {}
    for cmd in commands:
        audience = cmd.socket[0]
        if audience not in clients:
            clients[audience] = socket_client(f"/{audience}", role="admin" if cmd.staff else None)

    @FUZZ
    @given(index=st.integers(0, len(commands) - 1), data=st.data())
    def run(index, data):
        cmd = commands[index]
        payload = data.draw(st.one_of(_payloads(cmd), HOSTILE))
        audience, name = cmd.socket
        ack = clients[audience].emit(name, payload, namespace=f"/{audience}", callback=True)
        assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), (cmd.name, payload, ack)
        assert ack.get("error") != "server_error", (cmd.name, payload, ack)
        if not ack["ok"]:
            assert ack.get("message"), (cmd.name, ack)

    run()


def test_every_openapi_operation_refuses_hostile_input_cleanly(app, client, event):
    spec = client.get("/api/v1/openapi.json").get_json()
    _token, plain = accounts.create_token("admin", "fuzz")
    operations = [(path, method, op) for path, ops in spec["paths"].items() for method, op in ops.items()]
    by_name = load_commands()

    @FUZZ
    @given(index=st.integers(0, len(operations) - 1), number=st.integers(-(2**70), 2**70), data=st.data())
    def run(index, number, data):
        path, method, op = operations[index]
        cmd = by_name[op["operationId"]]
        url = re.sub(r"\{(\w+)\}", lambda m: event.slug if m.group(1) == "slug" else str(abs(number)), path)
        payload = data.draw(_payloads(cmd))
        headers = {"Authorization": f"Bearer {plain}"}
        if method == "get":
            query = {k: (v if isinstance(v, str) else json.dumps(v)) for k, v in payload.items()}
            query = {k: v for k, v in query.items() if "\ud800" not in v and "\udfff" not in v}
            response = client.get(url, query_string=query, headers=headers)
        else:
            response = client.open(
                url, method=method.upper(), data=json.dumps(payload), content_type="application/json", headers=headers
            )
        body = response.get_json(silent=True)
        assert _acceptable(response.status_code, body), (op["operationId"], payload, response.status_code, body)
        assert isinstance(body, dict) and ("error" in body or body.get("ok") is True), (op["operationId"], body)

    run()


def test_id_filters_beyond_any_database_integer_match_nothing(client, event):
    """Found by the fuzzing above: ``?site=9223372036854775808`` overflowed the database driver (500)."""
    _token, plain = accounts.create_token("moderator", "ids")
    for value in ("9223372036854775808", str(2**70), "-5", "0"):
        for name in ("site", "agenda_item"):
            response = client.get(
                f"/api/v1/events/{event.slug}/questions",
                query_string={name: value},
                headers={"Authorization": f"Bearer {plain}"},
            )
            assert response.status_code == 200, (name, value, response.get_json())
            assert response.get_json()["items"] == []
