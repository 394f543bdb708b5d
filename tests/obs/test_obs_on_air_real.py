"""On-air truth against a real OBS Studio (under xvfb-run), through the app's REST commands:
a stream start answers with what OBS reports (502 stream_failed when nothing receives the
RTMP stream, 200 live when something does), and OBS killed while streaming leaves the mirrored
outputs "unknown", never "live"."""

import time

import pytest

from server.extensions import db
from server.services.accounts import users as accounts
from tests.fakes.obs_fixtures import wait_for
from tests.support.real_obs import RealObs, RtmpReceiver, free_port

pytestmark = [pytest.mark.timeout(150), pytest.mark.obs]
OPTS = dict(probe_interval=1.0, backoff_initial=0.3, backoff_max=2.0, request_timeout=5.0, connect_timeout=3.0)


@pytest.fixture(scope="module")
def real_obs():
    server = RealObs(password="bc-on-air-pw")
    server.start()
    yield server
    server.cleanup()


@pytest.fixture
def app_config(app_config):
    return {**app_config, "OBS_CONNECTION_OPTIONS": OPTS}


@pytest.fixture
def obs_base(app, event, real_obs):
    event.obs_url, event.obs_password = real_obs.url, real_obs.password
    db.session.commit()
    conn = app.extensions["obs"].connection_for(event.slug)
    assert wait_for(lambda: conn.connected, 20), (conn.state["error"], real_obs.log_tail())
    yield f"/api/v1/events/{event.slug}/obs"
    app.extensions["obs"].manager.stop_all()


@pytest.fixture
def headers():
    _token, plain = accounts.create_token("crew")
    return {"Authorization": f"Bearer {plain}"}


def test_stream_to_a_closed_rtmp_port_is_502_stream_failed(client, obs_base, headers):
    closed = f"rtmp://127.0.0.1:{free_port()}/live"  # nothing listens there
    assert (
        client.post(obs_base + "/stream-target", json={"server": closed, "key": "k"}, headers=headers).status_code
        == 200
    )
    t0 = time.monotonic()
    r = client.post(obs_base + "/stream", json={"action": "start"}, headers=headers)
    assert r.status_code == 502, r.json
    assert r.json["error"] == "stream_failed" and closed in r.json["message"]
    assert time.monotonic() - t0 < 11
    state = client.get(obs_base, headers=headers).json
    assert state["stream"]["state"] != "live" and not state["stream"]["active"]


def test_obs_killed_while_streaming_leaves_the_outputs_unknown(client, obs_base, headers, real_obs, tmp_path):
    rtmp = RtmpReceiver(tmp_path, key="on-air-key").start()
    try:
        client.post(obs_base + "/stream-target", json={"server": rtmp.server, "key": rtmp.key}, headers=headers)
        r = client.post(obs_base + "/stream", json={"action": "start"}, headers=headers)
        assert r.status_code == 200 and r.json["state"] == "live", r.json
        assert client.get(obs_base, headers=headers).json["stream"]["state"] == "live"
        t0 = time.monotonic()
        real_obs.kill()
        assert wait_for(lambda: client.get(obs_base, headers=headers).json["status"] != "connected", 3)
        assert time.monotonic() - t0 < 3
        state = client.get(obs_base, headers=headers).json
        assert state["stream"]["state"] == "unknown" and state["record"]["state"] == "unknown"
        r = client.post(obs_base + "/stream", json={"action": "start"}, headers=headers)
        assert r.status_code == 503
    finally:
        rtmp.stop()
        if real_obs.proc is None:
            real_obs.start()  # the module's OBS serves later tests
