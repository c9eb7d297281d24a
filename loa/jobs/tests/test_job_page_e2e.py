"""In a browser: the job page keeps asking while the job runs, and stops asking once it ended."""

import pytest
from django.utils import timezone

from conftest import browser_login
from loa.jobs.models import Job
from loa.jobs.services import enqueue
from loa.jobs.tests import kinds  # noqa: F401  (registers the test kinds)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_officer_watching_a_job_sees_it_end_and_the_page_stops_asking(phone, alice, settings):
    settings.JOBS_BACKEND = "database"
    job = enqueue("tests.hold", by=alice, name="watched")
    polls = []
    phone.on(
        "request",
        lambda r: polls.append(r.url) if r.url.endswith(f"/jobs/{job.pk}/") and r.headers.get("hx-request") else None,
    )
    browser_login(phone, "alice")
    phone.goto(phone.base_url + f"/jobs/{job.pk}/")
    phone.locator("[data-testid=job-status][data-status=queued]").wait_for()
    phone.wait_for_timeout(2500)
    assert len(polls) >= 2  # every second while the job is new

    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, finished_at=timezone.now(), result={"attempt": 1})
    phone.locator("[data-testid=job-status][data-status=done]").wait_for()
    assert phone.locator("[data-testid=job-status]").get_attribute("hx-trigger") is None
    seen = len(polls)
    phone.wait_for_timeout(3000)
    assert len(polls) == seen  # no more requests once the job ended
