"""One owner per event: Redis locks with expiry, renewal, takeover, and the local mode."""

import time

import pytest

from server.services.ownership import LocalOwnership, OwnershipManager, RedisOwnership


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.mark.redis
def test_only_one_process_owns_an_event_and_the_other_takes_over_after_expiry(redis_server):
    a = OwnershipManager(RedisOwnership(redis_server.url, ttl=1.0))
    b = OwnershipManager(RedisOwnership(redis_server.url, ttl=1.0))
    changes = []
    b.on_change(lambda slug, owned: changes.append((slug, owned)))
    slug = f"ev-{time.monotonic_ns()}"
    assert a.renew([slug]) == [slug]
    assert b.renew([slug]) == []
    assert a.is_owner(slug) and not b.is_owner(slug)
    # a keeps renewing: b still cannot take it
    time.sleep(0.5)
    a.renew([slug])
    time.sleep(0.6)
    assert b.renew([slug]) == [] and a.backend.holder(slug) == a.backend.node
    # a dies (stops renewing): the lock expires and b takes over
    deadline = time.monotonic() + 1.5
    while not b.renew([slug]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert b.is_owner(slug) and changes == [(slug, True)]
    assert a.renew([slug]) == [] and not a.is_owner(slug)


@pytest.mark.redis
def test_release_hands_the_event_over_at_once(redis_server):
    a = OwnershipManager(RedisOwnership(redis_server.url, ttl=30.0))
    b = OwnershipManager(RedisOwnership(redis_server.url, ttl=30.0))
    slug = f"ev-{time.monotonic_ns()}"
    a.renew([slug])
    a.release_all()
    assert b.renew([slug]) == [slug]
    assert not a.backend.release(slug)  # a cannot delete b's lock


def test_unreachable_backend_loses_ownership_when_the_claim_expires():
    class Flaky(LocalOwnership):
        down = False

        def claim(self, slug):
            if self.down:
                raise ConnectionError("redis down")
            return True

    clock = FakeClock()
    backend = Flaky(ttl=10.0)
    mgr = OwnershipManager(backend, clock=clock)
    lost = []
    mgr.on_change(lambda slug, owned: lost.append(owned))
    assert mgr.renew(["x"]) == ["x"]
    backend.down = True
    clock.now += 5
    assert mgr.renew(["x"]) == ["x"]  # still within its claim
    clock.now += 5
    assert mgr.renew(["x"]) == [] and not mgr.is_owner("x")
    assert lost == [True, False]
    backend.down = False
    assert mgr.renew(["x"]) == ["x"]


def test_without_redis_the_process_owns_every_active_event(app, event):
    from server.services import ownership

    mgr = ownership.manager()
    assert mgr.backend.kind == "local"
    assert event.slug in mgr.renew()
    assert ownership.is_owner(event.slug)
    assert ownership.run_if_owner(event.slug, lambda x: x * 2, 21) == 42
    assert ownership.run_if_owner("not-owned", lambda: 1) is None


def test_ownership_api_needs_an_admin_token(app, client, event):
    from server.services import ownership
    from server.services.accounts.users import create_token

    ownership.manager().renew()
    _token, crew = create_token("crew")
    assert client.get("/api/v1/ops/ownership", headers={"Authorization": f"Bearer {crew}"}).status_code == 403
    _token, admin = create_token("admin")
    body = client.get("/api/v1/ops/ownership", headers={"Authorization": f"Bearer {admin}"}).get_json()
    assert body["backend"] == "local" and event.slug in body["owned"]
