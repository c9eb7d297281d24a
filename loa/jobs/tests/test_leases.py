"""A running job holds a lease: when its worker stops, the job is taken up again, up to
JOB_MAX_ATTEMPTS runs, by one recoverer only, and the stalled run can no longer write."""

import os
import threading
import time
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from loa.jobs.leases import recover_expired, take_over
from loa.jobs.models import Job, JobLease
from loa.jobs.services import claim, enqueue, run_job, run_pending
from loa.jobs.tasks import run_job_task
from loa.jobs.tests.kinds import events

on_postgresql = pytest.mark.skipif(
    "sqlite" in os.environ.get("DATABASE_URL", "sqlite"),
    reason="SQLite has one writer at a time: while a job holds a write transaction, its heartbeat waits too "
    "(docs/jobs-and-import.md); there the default lease outlasts any transaction",
)


@pytest.fixture
def database_backend(settings):
    settings.JOBS_BACKEND = "database"
    settings.JOB_LEASE_SECONDS = 300
    settings.JOB_MAX_ATTEMPTS = 3
    return settings


def _after_the_lease(seconds=1):
    return timezone.now() + timedelta(seconds=300 + seconds)


def _in_thread(target, *args):
    thread = threading.Thread(target=_closing(target), args=args)
    thread.start()
    return thread


def _closing(target):
    def run(*args):
        try:
            target(*args)
        finally:
            connection.close()  # each thread has its own database connection

    return run


@pytest.mark.django_db
def test_claiming_a_job_takes_a_lease_in_the_name_of_the_run(alice, database_backend):
    job = enqueue("tests.hold", by=alice, name="claim")
    before = timezone.now()
    token = claim(job.pk, "worker-7")
    job.refresh_from_db()
    lease = JobLease.objects.get(job=job)
    assert job.status == Job.Status.RUNNING and job.worker == token == lease.token
    assert token.startswith("worker-7:") and token != claim(job.pk, "worker-7")
    assert (job.attempts, lease.attempt) == (1, 1)
    assert before + timedelta(seconds=299) < lease.expires_at <= timezone.now() + timedelta(seconds=300)


@pytest.mark.django_db
def test_a_job_whose_worker_stopped_is_queued_again_then_failed_after_job_max_attempts(alice, database_backend, login):
    job = enqueue("tests.hold", by=alice, name="crashing")
    for attempt in (1, 2, 3):
        token = claim(job.pk)  # a worker takes the job… and dies: nobody renews its lease
        job.refresh_from_db()
        assert job.attempts == attempt and job.status == Job.Status.RUNNING
        if attempt == 2:
            page = login(alice).get(f"/jobs/{job.pk}/").content.decode()
            assert "Đang chạy lại vì tiến trình xử lý trước đã dừng (lần thử 2/3)." in page
        assert recover_expired(now=timezone.now() + timedelta(seconds=299)) == 0  # not expired yet
        assert recover_expired(now=_after_the_lease()) == 1
        job.refresh_from_db()
        assert JobLease.objects.get(job=job).token == ""
        if attempt < 3:
            assert job.status == Job.Status.QUEUED and job.worker == ""
            assert job.started_at is None and job.finished_at is None
            assert job.message == f"Đang chạy lại vì tiến trình xử lý trước đã dừng (lần thử {attempt + 1}/3)."
            assert not Job.objects.filter(worker=token).exists()
    assert job.status == Job.Status.FAILED and job.finished_at is not None
    assert job.message == "Tiến trình xử lý tác vụ này đã dừng (lần thử 3/3); hãy chạy lại tác vụ."
    assert recover_expired(now=_after_the_lease(600)) == 0  # nothing left to recover


@pytest.mark.django_db
def test_a_kind_registered_without_retry_is_failed_at_its_first_crash(alice, database_backend):
    job = enqueue("tests.not_repeatable", by=alice)
    claim(job.pk)
    assert recover_expired(now=_after_the_lease()) == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.attempts == 1
    assert job.message.startswith("Tiến trình xử lý tác vụ này đã dừng trước khi xong.")


@pytest.mark.django_db
def test_a_finished_job_is_never_taken_up_again(alice, database_backend):
    job = enqueue("tests.hold", by=alice, name="finished")
    events("finished")[1].set()
    run_pending()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result == {"attempt": 1}
    assert JobLease.objects.get(job=job).token == ""  # released when the run ended
    assert recover_expired(now=_after_the_lease()) == 0


@pytest.mark.django_db(transaction=True)
def test_of_two_recoverers_racing_for_one_expired_lease_one_wins(alice, database_backend):
    job = enqueue("tests.hold", by=alice, name="raced")
    token = claim(job.pk)
    later = _after_the_lease()
    start = threading.Barrier(2)
    won = []

    def recoverer():
        start.wait()
        won.append(take_over(job.pk, token, now=later))

    threads = [_in_thread(recoverer) for _ in range(2)]
    for thread in threads:
        thread.join(60)
    assert sorted(won) == [False, True]
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.attempts == 1
    assert job.message.endswith("(lần thử 2/3).")


@pytest.mark.django_db(transaction=True)
def test_recovery_run_by_many_processes_at_once_takes_each_job_over_once(alice, database_backend):
    jobs = [enqueue("tests.hold", by=alice, name=f"many-{i}") for i in range(6)]
    for job in jobs:
        claim(job.pk)
    later = _after_the_lease()
    start = threading.Barrier(3)
    counts = []

    def recoverer():
        start.wait()
        counts.append(recover_expired(now=later))

    threads = [_in_thread(recoverer) for _ in range(3)]
    for thread in threads:
        thread.join(60)
    assert sum(counts) == 6
    assert set(Job.objects.values_list("status", "attempts")) == {(Job.Status.QUEUED, 1)}


@pytest.mark.parametrize("how_it_ends", ["finishing", "reporting progress"])
@pytest.mark.django_db(transaction=True)
def test_a_stalled_worker_that_wakes_up_after_the_takeover_does_not_overwrite_the_new_run(
    alice, database_backend, how_it_ends, caplog
):
    name = f"stalled-{how_it_ends}"
    job = enqueue("tests.hold", by=alice, name=name, report_after=how_it_ends == "reporting progress")
    stalled = _in_thread(run_job, job.pk)
    first_entered, first_gate = events(name, 1)
    assert first_entered.wait(10)
    # The first run seems dead (its lease ran out): the job is taken over and run again to the end.
    assert recover_expired(now=_after_the_lease()) == 1
    events(name, 2)[1].set()
    assert run_pending() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result == {"attempt": 2}
    finished = (job.finished_at, job.message, job.progress_done)

    first_gate.set()  # the first run wakes up and returns its own result
    stalled.join(30)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result == {"attempt": 2}
    assert (job.finished_at, job.message, job.progress_done) == finished
    assert "taken over" in caplog.text


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_keeps_a_job_alive_past_its_lease_while_the_job_holds_its_own_row_locked(alice, settings):
    settings.JOBS_BACKEND = "database"
    settings.JOB_LEASE_SECONDS = 2  # renewed every half second
    job = enqueue("tests.hold", by=alice, name="long-transaction", in_transaction=True)
    claimed_at = timezone.now()
    running = _in_thread(run_job, job.pk)
    entered, gate = events("long-transaction")
    try:
        assert entered.wait(20)
        time.sleep(4.5)  # more than twice the lease, all of it inside the job's transaction
        with pytest.raises(DatabaseError), transaction.atomic():  # the job's transaction holds its Job row
            Job.objects.select_for_update(nowait=True).get(pk=job.pk)
        lease = JobLease.objects.get(job=job)
        assert lease.expires_at > timezone.now() > claimed_at + timedelta(seconds=4)
        assert recover_expired() == 0
    finally:
        gate.set()
        running.join(30)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 1 and job.result == {"attempt": 1}


@pytest.mark.django_db
def test_with_celery_a_job_taken_over_or_left_waiting_is_handed_to_a_worker_again(
    alice, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.JOBS_BACKEND = "celery"
    settings.JOB_LEASE_SECONDS = 300
    sent = []
    monkeypatch.setattr(run_job_task, "delay", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue("tests.hold", by=alice, name="celery")
    assert sent == [job.pk]

    # The broker lost the message: after a lease's time waiting, the job is sent again, once.
    with django_capture_on_commit_callbacks(execute=True):
        recover_expired(now=timezone.now() + timedelta(seconds=200))
    assert sent == [job.pk]
    later = _after_the_lease()
    with django_capture_on_commit_callbacks(execute=True):
        recover_expired(now=later)
        recover_expired(now=later)
    assert sent == [job.pk, job.pk]

    # Its worker dies: the job is queued again and handed to Celery again.
    claim(job.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_expired(now=_after_the_lease(60)) == 1
    assert sent == [job.pk, job.pk, job.pk]
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.attempts == 1


@pytest.mark.django_db
def test_recover_jobs_and_the_beat_schedule_take_up_jobs_whose_worker_died(alice, database_backend):
    from io import StringIO

    from django.core.management import call_command

    from loa.jobs.schedule import BEAT_SCHEDULE
    from loa.jobs.tasks import recover_expired_task

    job = enqueue("tests.hold", by=alice, name="cron")
    claim(job.pk)
    JobLease.objects.filter(job=job).update(expires_at=timezone.now() - timedelta(seconds=1))
    out = StringIO()
    call_command("recover_jobs", stdout=out)
    assert out.getvalue().strip() == "1 job(s) taken over"
    assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED
    entry = BEAT_SCHEDULE["jobs-recover-expired"]
    assert entry["task"] == recover_expired_task.name and entry["schedule"] == 60.0
