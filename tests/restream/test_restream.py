"""Fan-page destinations through the app: CRUD on REST and the crew socket, the key never
returned and sealed at rest, validation, roles, and the one press against the fake OBS
(real nginx ingest, pushers waiting for a program feed)."""

import pytest
from sqlalchemy import text

from server.extensions import db
from server.services.accounts import users as accounts
from server.services.restream import destinations as dests
from server.services.restream.pusher import backoff_delay, classify
from tests.fakes.obs_fixtures import FAST, wait_for

KEY = "FB-1234567890-0-AbCdEfGhIjKlMnOp"
FB = "rtmps://live-api-s.facebook.com:443/rtmp/"


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, "OBS_CONNECTION_OPTIONS": FAST, "RESTREAM_DIR": str(tmp_path / "restream")}


@pytest.fixture(autouse=True)
def stop_restream(app):
    yield
    runtime = app.extensions.get("restream")
    if runtime is not None:
        runtime.shutdown()


def bearer(role):
    _token, plain = accounts.create_token(role)
    return {"Authorization": f"Bearer {plain}"}


def url(event, suffix=""):
    return f"/api/v1/events/{event.slug}/destinations{suffix}"


def create(client, event, **body):
    payload = {"name": "Fanpage Đại hội", "url": FB, "key": KEY, **body}
    return client.post(url(event), json=payload, headers=bearer("admin"))


def test_admin_creates_lists_updates_and_deletes_without_ever_returning_the_key(client, event):
    r = create(client, event)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    dest = body["destination"]
    assert body["ok"] is True and dest["kind"] == "facebook" and dest["enabled"] is True
    assert dest["has_key"] is True and dest["state"] == "idle" and KEY not in r.get_data(as_text=True)
    yt = create(
        client, event, name="YouTube", url="rtmp://a.rtmp.youtube.com/live2", key="abcd-efgh-ijkl-mnop", enabled=False
    ).get_json()["destination"]
    assert yt["kind"] == "youtube" and yt["position"] > dest["position"]

    r = client.get(url(event), headers=bearer("crew"))
    assert r.status_code == 200
    items = r.get_json()["destinations"]
    assert [d["name"] for d in items] == ["Fanpage Đại hội", "YouTube"]
    for d in items:
        wanted = {"id", "name", "kind", "enabled", "state", "restarts", "bitrate_kbps", "uptime_s", "last_error"}
        assert wanted <= set(d)
        assert "key" not in d and "key_sealed" not in d
    assert KEY not in r.get_data(as_text=True) and "abcd-efgh" not in r.get_data(as_text=True)

    r = client.put(
        url(event, f"/{dest['id']}"), json={"name": "Trang chính", "enabled": False}, headers=bearer("admin")
    )
    assert r.status_code == 200 and r.get_json()["destination"]["name"] == "Trang chính"
    row = db.session.execute(text("SELECT key_sealed FROM restream_destinations WHERE id=:i"), {"i": dest["id"]}).one()
    assert KEY not in row[0]  # kept, still sealed
    stored = db.session.get(dests.Destination, dest["id"])
    db.session.refresh(stored)
    assert dests.key_of(stored) == KEY and stored.enabled is False

    r = client.put(url(event, f"/{dest['id']}"), json={"key": "new-key-9876"}, headers=bearer("admin"))
    assert r.status_code == 200 and "new-key-9876" not in r.get_data(as_text=True)
    db.session.refresh(stored)
    assert dests.key_of(stored) == "new-key-9876"

    r = client.delete(url(event, f"/{dest['id']}"), headers=bearer("admin"))
    assert r.status_code == 200 and r.get_json() == {"ok": True, "id": dest["id"]}
    assert client.delete(url(event, f"/{dest['id']}"), headers=bearer("admin")).status_code == 404


def test_the_raw_database_row_has_no_plain_key(client, event):
    dest_id = create(client, event).get_json()["destination"]["id"]
    row = db.session.execute(text("SELECT * FROM restream_destinations WHERE id=:i"), {"i": dest_id}).mappings().one()
    dumped = " ".join(str(v) for v in row.values())
    assert KEY not in dumped and "AbCdEfGh" not in dumped
    assert row["server_url"] == FB and "gAAAA" in row["key_sealed"]  # a Fernet token (maybe prefixed)


@pytest.mark.parametrize(
    "body,field",
    [
        ({"url": "http://example.com/live"}, "url"),
        ({"url": "rtmp://"}, "url"),
        ({"url": "rtmp://host/live with space"}, "url"),
        ({"url": "rtmp://user:pw@host/live"}, "url"),
        ({"url": "rtmp://host:notaport/live"}, "url"),
        ({"url": "rtmp://" + "a" * 600}, "url"),
        ({"key": ""}, "key"),
        ({"key": "has space"}, "key"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"enabled": "yes"}, "enabled"),
    ],
)
def test_validation_refuses_bad_fields_with_422(client, event, body, field):
    r = create(client, event, **body)
    assert r.status_code == 422, r.get_json()
    assert field in r.get_json()["fields"]
    assert db.session.execute(text("SELECT count(*) FROM restream_destinations")).scalar() == 0


def test_srt_and_custom_servers_are_accepted_and_targets_carry_the_key(client, event):
    srt = create(client, event, url="srt://ingest.example.net:9000?latency=200", key="s3cret")
    srt = srt.get_json()["destination"]
    assert srt["kind"] == "custom"
    row = db.session.get(dests.Destination, srt["id"])
    assert dests.target_url(row, "s3cret") == "srt://ingest.example.net:9000?latency=200&streamid=s3cret"
    row.server_url = "rtmp://a.rtmp.youtube.com/live2/"
    assert dests.target_url(row, "k") == "rtmp://a.rtmp.youtube.com/live2/k"


def test_roles_crew_reads_and_pushes_admin_manages(client, event):
    assert create(client, event).status_code == 201
    r = client.post(url(event), json={"name": "x", "url": FB, "key": "k"}, headers=bearer("crew"))
    assert r.status_code == 403
    assert client.get(url(event), headers=bearer("moderator")).status_code == 403
    assert client.get(url(event)).status_code == 401
    assert client.get("/api/v1/events/nope/destinations", headers=bearer("crew")).status_code == 404


def test_destinations_of_another_event_are_not_found(client, event):
    from tests.support import factories

    other = factories.make_event("other-event", "Khác")
    dest_id = create(client, other).get_json()["destination"]["id"]
    assert client.put(url(event, f"/{dest_id}"), json={"name": "x"}, headers=bearer("admin")).status_code == 404
    assert client.post(url(event, f"/{dest_id}/start"), headers=bearer("crew")).status_code == 404


def test_crew_socket_twins_share_the_shapes(socket_client, event):
    admin = socket_client("/crew", role="admin")
    ack = admin.emit(
        "destination_create",
        {"name": "YT", "url": "rtmp://a.rtmp.youtube.com/live2", "key": KEY},
        namespace="/crew",
        callback=True,
    )
    assert ack["ok"] is True and ack["destination"]["kind"] == "youtube" and KEY not in str(ack)
    crew = socket_client("/crew", role="crew")
    listed = crew.emit("destinations_list", {}, namespace="/crew", callback=True)
    assert listed["ok"] and [d["id"] for d in listed["destinations"]] == [ack["destination"]["id"]]
    assert KEY not in str(listed)
    refused = crew.emit("destination_delete", {"id": ack["destination"]["id"]}, namespace="/crew", callback=True)
    assert refused["ok"] is False and refused["error"] == "forbidden"
    bad = admin.emit(
        "destination_create", {"name": "x", "url": "ftp://x", "key": "k"}, namespace="/crew", callback=True
    )
    assert bad["ok"] is False and bad["error"] == "invalid_url"


def test_a_disabled_destination_cannot_be_started(client, event):
    dest_id = create(client, event, enabled=False).get_json()["destination"]["id"]
    r = client.post(url(event, f"/{dest_id}/start"), headers=bearer("crew"))
    assert r.status_code == 409 and r.get_json()["error"] == "destination_disabled"


def test_one_press_points_obs_at_the_ingest_and_starts_every_enabled_page(
    app,
    client,
    event,
    fake_obs,  # noqa: F811
    socket_client,
):
    event.obs_url, event.obs_password = fake_obs.url, fake_obs.password
    db.session.commit()
    crew = socket_client("/crew", role="crew")
    try:
        conn = app.extensions["obs"].connection_for(event.slug)
        assert wait_for(lambda: conn.connected, 5)
        on = create(client, event).get_json()["destination"]
        off = create(client, event, name="Off", enabled=False).get_json()["destination"]
        r = client.post(f"/api/v1/events/{event.slug}/restream", json={"action": "start"}, headers=bearer("crew"))
        assert r.status_code == 200, r.get_json()
        body = r.get_json()
        port = body["ingest"]["port"]
        assert body["ingest"]["running"] and body["ingest"]["server"] == f"rtmp://127.0.0.1:{port}/live"
        assert body["ingest"]["stream_key"] == event.slug
        settings = fake_obs.state.stream_service
        assert settings["streamServiceType"] == "rtmp_custom"
        assert settings["streamServiceSettings"] == {"server": f"rtmp://127.0.0.1:{port}/live", "key": event.slug}
        states = {d["id"]: d["state"] for d in body["destinations"]}
        assert states[on["id"]] in ("connecting", "retrying") and states[off["id"]] == "idle"
        assert KEY not in r.get_data(as_text=True)
        pushed = [p["args"][0] for p in crew.get_received("/crew") if p["name"] == "destinations"]
        assert pushed and pushed[0]["event"] == event.slug and pushed[0]["destination"]["id"] == on["id"]
        assert pushed[0]["destination"]["state"] == "connecting" and KEY not in str(pushed)

        r = client.post(f"/api/v1/events/{event.slug}/restream", json={"action": "stop"}, headers=bearer("crew"))
        assert r.status_code == 200 and all(d["state"] == "idle" for d in r.get_json()["destinations"])
    finally:
        app.extensions["obs"].manager.stop_all()


def test_failure_reasons_and_backoff():
    assert classify("[tcp @ 0x1] Connection to tcp://h:1 failed: Connection refused") == "connection_refused"
    assert classify("Failed to resolve hostname x.invalid: Name or service not known") == "dns"
    assert classify("Server error: Authentication failed") == "auth_refused"
    assert classify("Cannot open connection tls://h:443") == "tls"
    assert classify("av_interleaved_write_frame(): Broken pipe") == "connection_lost"
    assert classify("Stream map '0:v:0' matches no streams.") == "no_video"
    src = "rtmp://127.0.0.1:1935/live/ev"
    assert classify(f"{src}: Connection refused", src) == "source_unavailable"
    assert classify("rtmp://127.0.0.1:1935/live/***: Connection refused", src) == "source_unavailable"
    # the ingest is up but has no program: nobody publishes, or the publisher (OBS) just went
    assert classify(f"[rtmp @ 0x1] Server error: No such stream\n{src}: Operation not permitted", src) == "input_lost"
    assert classify(f"{src}: Input/output error\n[flv @ 0x2] Failed to update header", src) == "input_lost"
    assert classify("<destination>: Input/output error", src) == "connection_lost"  # the page, not the input
    assert [backoff_delay(n, 1.0, 8.0) for n in range(1, 7)] == [1, 2, 4, 8, 8, 8]


def test_a_key_sealed_under_another_secret_key_must_be_entered_again(app, client, event):
    dest_id = create(client, event).get_json()["destination"]["id"]
    app.config["SECRET_KEY"] = "a-different-secret-key"
    r = client.post(url(event, f"/{dest_id}/start"), headers=bearer("crew"))
    assert r.status_code == 409 and r.get_json()["error"] == "key_unreadable"
    r = client.put(url(event, f"/{dest_id}"), json={"key": "re-entered-key"}, headers=bearer("admin"))
    assert r.status_code == 200
    assert dests.key_of(db.session.get(dests.Destination, dest_id)) == "re-entered-key"


def test_an_ingest_that_dies_under_running_pages_comes_back_on_the_same_port(app, client, event):
    dest_id = create(client, event, url="rtmp://127.0.0.1:9/live").get_json()["destination"]["id"]
    assert client.post(url(event, f"/{dest_id}/start"), headers=bearer("crew")).status_code == 200
    ingest = app.extensions["restream"].ingest
    port, first = ingest.port, ingest.proc
    first.kill()
    first.wait()
    assert wait_for(lambda: ingest.running and ingest.proc is not first, 15)
    assert ingest.port == port
    listed = client.get(url(event), headers=bearer("crew")).get_json()
    assert listed["ingest"]["port"] == port and listed["destinations"][0]["state"] in ("connecting", "waiting")
