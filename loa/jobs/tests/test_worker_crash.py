"""A worker process killed in the middle of a job: the job is taken up again by another worker
(separate processes and connections, on SQLite's file and on PostgreSQL)."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.utils import timezone

from loa.core.testing_processes import database_url
from loa.jobs.models import Job, JobLease
from loa.jobs.services import enqueue
from loa.jobs.tests.kinds import worker_command

pytestmark = pytest.mark.django_db(transaction=True)

REPO = Path(__file__).resolve().parents[3]
LEASE = 2  # seconds, for the workers started here (renewed every half second)


def _worker(tmp_path, *, loop):
    env = dict(
        os.environ,
        LOA_ENV_FILE=str(tmp_path / "no.env"),
        LOA_VAR_DIR=str(tmp_path),
        DEBUG="true",
        SECRET_KEY="test",
        JOBS_BACKEND="database",
        DATABASE_URL=database_url(),
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="loa.settings",
    )
    return subprocess.Popen(
        worker_command(lease_seconds=LEASE, loop=loop),
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _runs(path, count, *, worker, timeout=60):
    """The runs written by the job (pid and attempt of each), once there are `count` of them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = path.read_text().splitlines() if path.exists() else []
        if len(lines) >= count:
            return [json.loads(line) for line in lines]
        if worker.poll() is not None:
            pytest.fail(f"the worker exited early: {worker.communicate()}")
        time.sleep(0.05)
    pytest.fail(f"no run {count} within {timeout} s")


def test_a_killed_workers_job_is_taken_up_again_and_finished_by_another_worker(alice, settings, tmp_path):
    settings.JOBS_BACKEND = "database"
    started, release = tmp_path / "started.jsonl", tmp_path / "release"
    job = enqueue("tests.wait_for_file", by=alice, started=str(started), release=str(release))

    first = _worker(tmp_path, loop=True)
    try:
        assert _runs(started, 1, worker=first) == [{"pid": first.pid, "attempt": 1}]
        claimed_until = JobLease.objects.get(job=job).expires_at
        time.sleep(LEASE)  # the heartbeat renews the lease while the job works
        assert JobLease.objects.get(job=job).expires_at > claimed_until
    finally:
        first.send_signal(signal.SIGKILL)  # killed, as by the OOM killer: no clean-up at all
        first.communicate(timeout=30)

    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING  # nobody said it stopped
    deadline = time.monotonic() + 10
    while JobLease.objects.get(job=job).expires_at >= timezone.now() and time.monotonic() < deadline:
        time.sleep(0.1)  # until its lease runs out

    release.touch()
    second = _worker(tmp_path, loop=False)  # `run_jobs` recovers first, then runs what is queued
    out, err = second.communicate(timeout=90)
    assert second.returncode == 0, err

    job.refresh_from_db()
    assert job.status == Job.Status.DONE, (job.message, out, err)
    assert job.result == {"pid": second.pid, "attempt": 2}
    assert job.attempts == 2
    assert _runs(started, 2, worker=second) == [{"pid": first.pid, "attempt": 1}, {"pid": second.pid, "attempt": 2}]
    assert "1 job(s) taken over" in out
