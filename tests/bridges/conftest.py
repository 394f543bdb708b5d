"""Fixtures shared by the bridge-point tests: ``clock``, a presence clock the test moves by hand
(``tests/support/presence_clock.py``), with any restart grace ended after the test."""

import pytest

from tests.support.presence_clock import Clock


@pytest.fixture
def clock():
    from server.services.bridges import presence

    c = Clock()
    presence.set_clock(c)
    yield c
    presence.set_clock(None)
    presence.end_grace()
