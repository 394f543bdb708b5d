"""Fixtures of the standby tests against fake obs-websocket servers: the standby fake
(``backup_obs``, with a password), the app's OBS runtime (stopped after the test), and ``two``:
an event driving the fake primary with the standby set through the REST API, both connected."""

import pytest

from server.extensions import db
from server.services.accounts import users as accounts
from tests.fakes.fake_obs import FakeObs
from tests.fakes.obs_fixtures import wait_for

BACKUP_PASSWORD = "standby-SeCrEt-pw-7731"


def admin_bearer():
    _token, plain = accounts.create_token("admin")
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def backup_obs():
    server = FakeObs(password=BACKUP_PASSWORD).start()
    yield server
    server.stop()


@pytest.fixture
def runtime(app):
    runtime = app.extensions["obs"]
    yield runtime
    runtime.manager.stop_all()
    runtime.backups.stop_all()


@pytest.fixture
def two(app, client, event, fake_obs, backup_obs, runtime):
    """The event drives the fake primary; the standby is set through the REST API (as an admin)."""
    event.obs_url, event.obs_password = fake_obs.url, fake_obs.password
    db.session.commit()
    primary = runtime.connection_for(event.slug)
    r = client.put(
        f"/api/v1/events/{event.slug}/standby/settings",
        json={"host": "127.0.0.1", "port": backup_obs.port, "password": BACKUP_PASSWORD},
        headers=admin_bearer(),
    )
    assert r.status_code == 200, r.get_json()
    backup = runtime.backups.peek(event.slug)
    assert wait_for(lambda: primary.connected and backup is not None and backup.connected, 5), (
        primary.state["error"],
        backup and backup.state["error"],
    )
    return primary, backup
