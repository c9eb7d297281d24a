"""Sessions with Redis (CACHE_URL set): read from Redis, written through to the database, so that a
Redis restart signs nobody out and a Redis that does not answer is a cache miss, never a 500."""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.urls import reverse

from loa.core.testing_s3 import free_port

REDIS_DB = 11  # this branch's Redis database for tests; nothing else writes there


def _redis(settings, url):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    settings.SESSION_ENGINE = "loa.accounts.sessions"


@pytest.fixture
def redis_up(settings):
    _redis(settings, f"redis://127.0.0.1:6379/{REDIS_DB}")
    try:
        caches["default"].clear()
    except Exception as exc:  # noqa: BLE001 - no Redis on this machine: say so rather than fail
        pytest.skip(f"no Redis on 127.0.0.1:6379 ({exc})")
    yield caches["default"]
    caches["default"].clear()


def _signed_in_as(client, user):
    page = client.get(reverse("home"))
    return page.status_code == 200 and user.username in page.content.decode()


@pytest.mark.xdist_group("redis-db-11")
def test_a_session_is_kept_in_the_database_and_read_from_redis(redis_up, admin, password_login, client):
    password_login(admin)

    key = client.cookies["sessionid"].value
    assert Session.objects.filter(session_key=key).exists()
    assert redis_up.get("django.contrib.sessions.cached_db" + key) is not None
    assert _signed_in_as(client, admin)


@pytest.mark.xdist_group("redis-db-11")
def test_a_redis_restart_signs_nobody_out(redis_up, admin, password_login, client):
    password_login(admin)

    redis_up.clear()  # what a restart of a Redis that keeps nothing on disk leaves

    assert _signed_in_as(client, admin)


def test_with_redis_down_a_signed_in_person_keeps_working_and_can_sign_out(settings, admin, login, client):
    _redis(settings, f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    login(admin)
    key = client.cookies["sessionid"].value

    assert _signed_in_as(client, admin)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("home")).status_code == 302  # to the log-in page


def test_without_a_cache_url_sessions_are_database_sessions():
    from django.conf import settings

    # The test settings have no CACHE_URL, as a single machine without Redis.
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
