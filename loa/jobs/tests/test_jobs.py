import threading

import pytest
from django.core.management import call_command
from django.db import connection

from loa.accounts.models import Role
from loa.jobs import registry
from loa.jobs.models import Job
from loa.jobs.services import claim, enqueue, run_job, run_pending

RUNS = []


@registry.register("tests.count")
def _count(job, *, n=3):
    for i in range(n):
        job.report(i + 1, n, f"step {i + 1}")
    RUNS.append(job.pk)
    return {"n": n}


@registry.register("tests.boom")
def _boom(job):
    raise RuntimeError("disk full")


@pytest.fixture(autouse=True)
def _clear_runs():
    RUNS.clear()


@pytest.mark.django_db
def test_inline_jobs_run_at_once_and_keep_their_result(alice, settings):
    job = enqueue("tests.count", by=alice, n=4)
    assert job.status == Job.Status.DONE and job.result == {"n": 4}
    assert (job.progress_done, job.progress_total, job.percent) == (4, 4, 100)
    assert job.created_by == alice and job.started_at and job.finished_at


@pytest.mark.django_db
def test_with_the_database_backend_a_job_waits_for_run_jobs(alice, settings):
    settings.JOBS_BACKEND = "database"
    job = enqueue("tests.count", by=alice)
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and RUNS == []
    call_command("run_jobs", verbosity=0)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and RUNS == [job.pk]


@pytest.mark.django_db
def test_a_failing_job_is_marked_failed_with_its_reason(alice):
    job = enqueue("tests.boom", by=alice)
    assert job.status == Job.Status.FAILED and "disk full" in job.message


@pytest.mark.django_db
def test_a_job_is_claimed_once_only(alice, settings):
    settings.JOBS_BACKEND = "database"
    job = enqueue("tests.count", by=alice)
    assert claim(job.pk, "worker-1").startswith("worker-1:")  # the run's lease token
    assert claim(job.pk, "worker-2") is None
    assert run_job(job.pk) is None  # already running elsewhere
    assert RUNS == []


@pytest.mark.django_db
def test_progress_writes_are_throttled(alice, settings):
    settings.JOBS_BACKEND = "database"
    job = enqueue("tests.count", by=alice)
    assert job.report(1, 100, "a") is True
    assert job.report(2, 100, "b") is False  # within a second: kept in memory only
    assert Job.objects.get(pk=job.pk).progress_done == 1
    assert job.report(100, 100, "done") is True


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_run_the_same_job(alice, settings):
    settings.JOBS_BACKEND = "database"
    jobs = [enqueue("tests.count", by=alice, n=1) for _ in range(12)]
    barrier = threading.Barrier(2)

    def worker(name):
        barrier.wait()
        try:
            run_pending(worker=name)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(RUNS) == sorted(j.pk for j in jobs)  # each job ran, and only once
    assert set(Job.objects.values_list("status", flat=True)) == {Job.Status.DONE}


@pytest.mark.django_db
def test_the_creator_sees_the_job_page_and_it_polls_until_done(alice, login, settings):
    settings.JOBS_BACKEND = "database"
    job = enqueue("tests.count", by=alice)
    page = login(alice).get(f"/jobs/{job.pk}/")
    assert page.status_code == 200 and 'hx-trigger="every 1s"' in page.content.decode()
    run_pending()
    fragment = login(alice).get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert 'data-status="done"' in body and "every 1s" not in body and "<html" not in body


@pytest.mark.django_db
def test_a_manager_over_the_jobs_unit_may_see_it_but_others_get_404(tree, alice, teammate, bob, admin, login, client):
    job = enqueue("tests.count", by=alice, unit=tree["a"])
    assert login(admin).get(f"/jobs/{job.pk}/").status_code == 200
    assert login(teammate).get(f"/jobs/{job.pk}/").status_code == 404  # same unit, but not a manager
    assert login(bob).get(f"/jobs/{job.pk}/").status_code == 404
    Role.objects.create(user=bob, unit=tree["b"], role="admin")
    assert login(bob).get(f"/jobs/{job.pk}/").status_code == 404  # manages another unit


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(alice, client):
    job = enqueue("tests.count", by=alice)
    response = client.get(f"/jobs/{job.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
