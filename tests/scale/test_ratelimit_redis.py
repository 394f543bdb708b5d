"""Question rate limits shared by every process through Redis, and what happens when
Redis goes away (a process-local bucket stands in: nothing is refused for that)."""

import signal

import pytest

from server.services.ratelimit import RedisRateLimiter, Rule, check_all
from tests.support.processes import stop_process

pytestmark = pytest.mark.redis


def test_two_processes_share_one_bucket(redis_server):
    now = [1_000_000.0]
    a = RedisRateLimiter(redis_server.url, clock=lambda: now[0])
    b = RedisRateLimiter(redis_server.url, clock=lambda: now[0])
    a.reset()
    rule = Rule.parse("3/60")  # 3 at once, then one every 20 s
    assert [a.hit("q:ip:1", rule)[0], b.hit("q:ip:1", rule)[0], a.hit("q:ip:1", rule)[0]] == [True, True, True]
    allowed, wait = b.hit("q:ip:1", rule)
    assert not allowed and 1 <= wait <= 20
    assert a.hit("q:ip:other", rule) == (True, 0)  # buckets are per key
    now[0] += 20.5  # one token back
    assert b.hit("q:ip:1", rule) == (True, 0)
    assert not a.hit("q:ip:1", rule)[0]


def test_a_refused_check_costs_nothing_in_the_other_buckets(redis_server):
    lim = RedisRateLimiter(redis_server.url)
    lim.reset()
    one, many = Rule.parse("1/60"), Rule.parse("5/60")
    assert check_all([("dev", one), ("ip", many)], lim) == (True, 0)
    allowed, _wait = check_all([("ip", many), ("dev", one)], lim)
    assert not allowed
    # "ip" was refunded: 4 tokens are left in it, not 3
    assert [check_all([("ip", many)], lim)[0] for _ in range(5)] == [True, True, True, True, False]


def test_redis_down_falls_back_to_a_local_bucket(redis_server):
    lim = RedisRateLimiter(redis_server.url)
    lim.reset()
    rule = Rule.parse("2/60")
    stop_process(redis_server.proc, signal.SIGTERM)  # down (its directory kept for the restart)
    try:
        assert [lim.hit("q:dev:x", rule)[0] for _ in range(3)] == [True, True, False]
    finally:
        redis_server.start()


def test_the_app_uses_redis_when_configured(redis_server):
    from server import create_app
    from server.services.ratelimit import limiter

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "AUTO_MIGRATE": False,
            "DEMO_SEED": False,
            "SECRET_KEY": "x",
            "LOG_JSON": False,
            "ASYNC_MODE": "threading",
            "REDIS_URL": redis_server.url,
        }
    )
    assert isinstance(limiter(app), RedisRateLimiter)
