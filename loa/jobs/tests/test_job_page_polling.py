"""The job page asks for news less and less often while the job waits or runs, and not at all once it ended."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from loa.jobs.models import Job
from loa.jobs.services import enqueue
from loa.jobs.tests import kinds  # noqa: F401  (registers the test kinds)


def _poll(body):
    """(hx-get present, the hx-trigger) of the status fragment."""
    status = re.search(r'<div id="job-status"[^>]*>', body).group(0)
    trigger = re.search(r'hx-trigger="([^"]*)"', status)
    return "hx-get=" in status, trigger.group(1) if trigger else None


@pytest.mark.parametrize(
    "status, age, trigger",
    [
        ("queued", timedelta(seconds=0), "every 1s"),
        ("queued", timedelta(seconds=9), "every 1s"),
        ("queued", timedelta(seconds=30), "every 2s"),
        ("running", timedelta(seconds=3), "every 1s"),
        ("running", timedelta(seconds=59), "every 2s"),
        ("running", timedelta(minutes=2), "every 5s"),
        ("running", timedelta(minutes=40), "every 15s"),
        ("done", timedelta(seconds=1), None),
        ("failed", timedelta(seconds=1), None),
    ],
)
@pytest.mark.django_db
def test_the_status_fragment_polls_by_how_long_the_job_has_been_in_its_state(
    alice, login, settings, status, age, trigger
):
    settings.JOBS_BACKEND = "database"
    job = enqueue("tests.hold", by=alice, name="polled")
    since = timezone.now() - age
    # Only the time in the present state counts: a job queued for an hour that has just started polls fast.
    Job.objects.filter(pk=job.pk).update(
        status=status,
        created_at=since - timedelta(hours=1),
        queued_at=since if status == "queued" else since - timedelta(hours=1),
        started_at=since if status != "queued" else None,
        finished_at=since if status in ("done", "failed") else None,
    )
    client = login(alice)
    fragment = client.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    for body in (fragment, page):
        assert _poll(body) == ((trigger is not None), trigger)
    assert "<html" not in fragment and f'data-status="{status}"' in fragment


@pytest.mark.django_db
def test_a_job_waiting_without_a_queue_time_counts_from_its_creation(alice):
    job = Job(status=Job.Status.QUEUED, created_at=timezone.now() - timedelta(minutes=3))
    assert job.poll_seconds() == 5
    job.status = Job.Status.DONE
    assert job.poll_seconds() is None
