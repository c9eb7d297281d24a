"""/healthz as a load balancer and a monitor read it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from loa.core.testing_s3 import free_port
from loa.env import storage_from_url
from loa.jobs.models import Job
from loa.notifications.models import Message


def test_it_answers_200_with_every_check_when_all_is_well(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "storage", "queues"}
    assert body["checks"]["queues"]["oldest_job_seconds"] == 0
    assert response["Cache-Control"].startswith("max-age=0")


def test_it_needs_no_login_and_shows_no_user_data(client, db, admin):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "admin" not in response.content.decode()


def test_a_job_waiting_too_long_makes_it_503(client, db, settings):
    settings.HEALTHZ_MAX_WAIT = 60
    job = Job.objects.create(kind="scoring.score_year")
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    response = client.get("/healthz")
    assert response.status_code == 503
    queues = response.json()["checks"]["queues"]
    assert queues["ok"] is False and queues["oldest_job_seconds"] >= 600


def test_a_message_due_long_ago_makes_it_503_but_one_held_for_later_does_not(client, db, settings):
    settings.HEALTHZ_MAX_WAIT = 60
    later = Message.objects.create(
        channel="email", recipient="a@example.vn", template="t", next_attempt_at=timezone.now() + timedelta(hours=1)
    )
    Message.objects.filter(pk=later.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert client.get("/healthz").status_code == 200
    stuck = Message.objects.create(channel="email", recipient="b@example.vn", template="t")
    Message.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["queues"]["oldest_message_seconds"] >= 300


def test_an_unreachable_broker_makes_it_503_without_revealing_the_address(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://:s3cret@127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    broker = response.json()["checks"]["broker"]
    assert broker["ok"] is False and broker["error"]
    assert "s3cret" not in response.content.decode() and "127.0.0.1" not in response.content.decode()


def test_a_reachable_redis_broker_is_ok(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/14"
    response = client.get("/healthz")
    assert response.json()["checks"]["broker"]["ok"] is True


def test_a_broken_cache_makes_it_503(client, db, settings):
    # Changing CACHES resets Django's cache handlers (django.test.signals).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False


def test_a_bucket_that_answers_is_ok_and_one_that_does_not_makes_it_503_without_its_address(
    client, db, settings, s3_server, s3_bucket
):
    assert client.get("/healthz").json()["checks"]["storage"]["ok"] is True
    closed = f"s3://{s3_bucket.name}?endpoint_url=http://127.0.0.1:{free_port()}&region=ap-southeast-1"
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(closed)}

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {"ok": False, "error": "StorageUnavailable"}
    assert "127.0.0.1" not in response.content.decode() and s3_bucket.name not in response.content.decode()


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_answers_reads(client, db, method):
    assert getattr(client, method)("/healthz").status_code == 405


def test_the_web_check_stays_200_while_shared_parts_fail(client, db, settings):
    """A load balancer asks /healthz/web: Redis down or late queues are true of every web server
    at once, and must not take them all out of the balancer."""
    settings.HEALTHZ_MAX_WAIT = 60
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    job = Job.objects.create(kind="scoring.score_year")
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    assert client.get("/healthz").status_code == 503
    response = client.get("/healthz/web")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": response.json()["checks"]["database"]}}
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_web_check_is_503_when_this_server_cannot_reach_its_database(client, db, monkeypatch):
    from django.db import OperationalError

    from loa.ops import health

    def refused(*args, **kwargs):
        raise OperationalError("connection to server at 10.0.0.5 failed: password s3cret")

    with monkeypatch.context() as patched:  # undone before the test database is cleaned up
        patched.setattr(health.connection, "cursor", refused)
        response = client.get("/healthz/web")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert "s3cret" not in response.content.decode() and "10.0.0.5" not in response.content.decode()


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_web_check_only_answers_reads(client, db, method):
    assert getattr(client, method)("/healthz/web").status_code == 405
