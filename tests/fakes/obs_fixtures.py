"""Pytest fixtures for the fake OBS: a running fake server and a supervised connection to it.

Registered for every test by ``tests/conftest.py`` (``pytest_plugins``): ask for ``fake_obs`` or ``obs``.
"""

import time

import pytest

from server.services.obs import ObsConnection, ObsSettings
from tests.fakes.fake_obs import FakeObs

FAST = dict(probe_interval=0.2, backoff_initial=0.1, backoff_max=0.8, request_timeout=2.0, connect_timeout=2.0)


def wait_for(predicate, timeout=5.0, interval=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


@pytest.fixture
def fake_obs():
    server = FakeObs().start()
    yield server
    server.stop()


@pytest.fixture
def obs(fake_obs):
    changes = []
    conn = ObsConnection(
        ObsSettings("127.0.0.1", fake_obs.port, fake_obs.password), changes.append, name="test", **FAST
    )
    conn.changes = changes
    conn.start()
    assert wait_for(lambda: conn.connected), conn.state["error"]
    yield conn
    conn.stop()
