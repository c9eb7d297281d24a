"""Redis (Celery's broker) down while the web servers run (docs/topology.md): a page that queues a
message or a job saves it and answers as usual; the work waits in the database and goes out once the
broker is back. Celery raises kombu's OperationalError from `delay()` when it cannot reach the
broker (checked by hand with Redis stopped); here `delay` raises it without the network."""

import logging

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError

from loa.jobs.leases import recover_expired
from loa.jobs.models import Job
from loa.jobs.services import enqueue
from loa.jobs.tasks import run_job_task
from loa.jobs.tests.kinds import events  # noqa: F401  (registers the test kinds)
from loa.notifications import tasks
from loa.notifications.delivery import deliver_due
from loa.notifications.models import Message

REFUSED = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture
def broker_down(settings, monkeypatch):
    settings.JOBS_BACKEND = "celery"
    settings.JOB_LEASE_SECONDS = 300

    def refuse(*args, **kwargs):
        raise REFUSED

    monkeypatch.setattr(tasks.deliver_outbox_task, "delay", refuse)
    monkeypatch.setattr(run_job_task, "delay", refuse)


@pytest.mark.django_db
def test_an_invitation_made_while_the_broker_is_down_is_saved_and_sent_by_the_next_outbox_run(
    password_login, admin, tree, broker_down, django_capture_on_commit_callbacks, smtp_server, caplog
):
    from loa.accounts.models import User

    client = password_login(admin)
    form = {"full_name": "Đinh Thị Mới", "email": "moi@example.vn", "phone": "0912 345 678"}
    with caplog.at_level(logging.WARNING, logger="loa.notifications"), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:user_invite"), {**form, "unit": tree["a"].pk, "role": "officer"})

    # The invitation is made and the admin sees the new user's page, not a 500 after it was saved.
    assert response.url == reverse("accounts:user_detail", args=[User.objects.get(email="moi@example.vn").pk])
    message = Message.objects.get(recipient="moi@example.vn")
    assert message.status == Message.Status.QUEUED
    assert "could not be handed to Celery" in caplog.text

    # Redis is back: beat's outbox run (every minute) sends what waited.
    assert deliver_due(limit=10) == 1
    assert smtp_server.wait_for(1)[0].rcpt_tos == ["moi@example.vn"]


@pytest.mark.django_db
def test_a_job_queued_while_the_broker_is_down_waits_and_is_handed_again_after_a_lease(
    alice, broker_down, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    from datetime import timedelta

    from django.utils import timezone

    with caplog.at_level(logging.WARNING, logger="loa.jobs"), django_capture_on_commit_callbacks(execute=True):
        job = enqueue("tests.hold", by=alice, name="broker down")
    assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED
    assert "could not be handed to Celery" in caplog.text

    sent = []
    monkeypatch.setattr(run_job_task, "delay", sent.append)  # Redis is back
    with django_capture_on_commit_callbacks(execute=True):
        recover_expired(now=timezone.now() + timedelta(seconds=301))
    assert sent == [job.pk]
