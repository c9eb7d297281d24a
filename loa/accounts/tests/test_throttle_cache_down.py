"""The cache that counts failed log-ins is down (Redis stopped, docs/topology.md): log-ins are refused
with a message to try again, not let through uncounted and not answered with a 500."""

import socket

import pytest
from django.urls import reverse

from loa.accounts import throttle


def _dead_redis():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"  # nobody listens there once the socket is closed


@pytest.fixture
def cache_down(settings):
    # Changing CACHES gives Django a fresh cache handler (django.test.signals).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _dead_redis()}}


def test_a_log_in_with_the_right_password_is_refused_with_a_message(client, alice, cache_down):
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": "pass-for-tests"})

    assert response.status_code in (200, 400)
    assert "Tạm thời chưa đăng nhập được" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_is_refused_the_same_way(client, alice, cache_down):
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": "wrong"})

    assert response.status_code in (200, 400)
    assert "Tạm thời chưa đăng nhập được" in response.content.decode()


def test_clearing_a_count_after_a_success_does_not_fail_without_the_cache(db, cache_down):
    throttle.succeeded("alice", "203.0.113.5")  # logged, not raised


def test_the_throttle_says_it_is_unavailable(db, cache_down):
    with pytest.raises(throttle.Unavailable):
        throttle.blocked("alice", "203.0.113.5")
    with pytest.raises(throttle.Unavailable):
        throttle.record_failure("alice", "203.0.113.5")
