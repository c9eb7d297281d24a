"""Failures arriving at once are all counted, on the Redis cache production uses (db 15, flushed
before and after) and in local memory."""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache

from loa.accounts import throttle

# Every test here flushes Redis db 15: they run in one worker, one after another.
pytestmark = pytest.mark.xdist_group("redis-db-15")

REDIS_URL = os.environ.get("LOA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
THREADS = 20


def _redis_reachable():
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.fixture(params=["redis", "locmem"])
def shared_cache(request, settings):
    if request.param == "redis":
        if not _redis_reachable():
            pytest.skip(f"no Redis at {REDIS_URL}")
        # Changing CACHES gives Django a fresh cache handler (django.test.signals), in every thread.
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    else:
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "concurrency"}
        }
    cache.clear()  # on Redis: FLUSHDB of db 15 only
    yield request.param
    cache.clear()


def _at_once(target, n=THREADS):
    """target(i) in n threads released together; their results (an exception is raised here)."""
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait(timeout=10)
        return target(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def _counts(username, ip):
    keys = throttle._Keys(username, ip)
    return cache.get(keys.pair), cache.get(keys.address)


def test_twenty_failures_at_once_are_twenty_counted_failures(shared_cache, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 1000
    settings.LOGIN_THROTTLE_ADDRESS_ATTEMPTS = 1000
    _at_once(lambda i: throttle.record_failure("alice", "203.0.113.5"))
    assert _counts("alice", "203.0.113.5") == (THREADS, THREADS)


def test_the_counters_expire_with_the_window(shared_cache, settings):
    _at_once(lambda i: throttle.record_failure("alice", "203.0.113.5"))
    if shared_cache == "redis":
        keys = throttle._Keys("alice", "203.0.113.5")
        ttls = [cache._cache.get_client(key).ttl(cache.make_and_validate_key(key)) for key in (keys.pair, keys.address)]
        assert all(0 < ttl <= settings.LOGIN_THROTTLE_WINDOW + 1 for ttl in ttls), ttls


def test_a_burst_past_the_limit_starts_one_lock_that_every_later_attempt_sees(shared_cache, settings):
    locks = _at_once(lambda i: throttle.record_failure("alice", "203.0.113.5"))
    reached = [lock for lock in locks if lock is not None]
    assert len(reached) == THREADS - settings.LOGIN_THROTTLE_ATTEMPTS + 1
    assert len({lock.until for lock in reached}) <= 2  # the pair's lock, and the address's from its limit on
    blocked = throttle.blocked("alice", "203.0.113.5")
    assert blocked is not None and blocked.until == max(lock.until for lock in reached)
    assert throttle.blocked("bob", "198.51.100.1") is None


def test_many_user_names_at_once_from_one_address_reach_the_address_limit(shared_cache, settings):
    _at_once(lambda i: throttle.record_failure(f"officer{i}", "192.0.2.66"))
    lock = throttle.blocked("someone-else", "192.0.2.66")
    assert lock is not None and lock.scope == throttle.ADDRESS


def test_an_unlock_lifts_every_address_at_once(shared_cache):
    _at_once(lambda i: [throttle.record_failure("alice", f"203.0.113.{i}") for _ in range(5)], n=10)
    assert all(throttle.blocked("alice", f"203.0.113.{i}") for i in range(10))
    assert throttle.user_locked_until("alice") is not None
    assert throttle.unlock_user("alice") is not None
    assert not any(throttle.blocked("alice", f"203.0.113.{i}") for i in range(10))
    assert throttle.user_locked_until("alice") is None
