"""Two worker processes on one queue, as on two machines: every job runs exactly once, and each
reads its input file from the object storage both share (no shared MEDIA_ROOT); and a job whose
input the store cannot give fails with the message pages show for it."""

import json
import signal
import subprocess
import time
from collections import Counter

import pytest
from django.core.files.base import ContentFile

from loa.core.testing_processes import REPO, child_env
from loa.core.testing_s3 import TEST_KEYS, free_port
from loa.env import storage_from_url
from loa.jobs.models import Job
from loa.jobs.services import enqueue, run_pending
from loa.jobs.tests.kinds import worker_command

pytestmark = pytest.mark.django_db(transaction=True)

JOBS = 24


def _lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _wait(condition, workers, timeout=90):
    deadline = time.monotonic() + timeout
    while not condition():
        for worker in workers:
            if worker.poll() is not None:
                pytest.fail(f"a worker exited early: {worker.communicate()}")
        if time.monotonic() > deadline:
            pytest.fail("the workers did not get there in time")
        time.sleep(0.1)


def test_two_workers_run_every_job_exactly_once_reading_inputs_from_the_bucket(
    alice, settings, s3_server, s3_bucket, tmp_path
):
    settings.JOBS_BACKEND = "database"
    runs, release = tmp_path / "runs.jsonl", tmp_path / "release"
    jobs = [
        enqueue(
            "tests.record",
            by=alice,
            input_file=ContentFile(f"input {i}".encode(), name=f"tests-{i}.txt"),
            runs=str(runs),
            release=str(release),
        )
        for i in range(JOBS)
    ]
    assert len(s3_bucket.keys()) == JOBS  # the inputs are in the bucket, not on a disk the workers share
    env = child_env(tmp_path, **TEST_KEYS, STORAGE_URL=s3_server.storage_url(s3_bucket.name))
    workers = [
        subprocess.Popen(
            worker_command(lease_seconds=60),
            cwd=REPO,
            env=dict(env, MEDIA_ROOT=str(tmp_path / f"media-{n}")),  # no disk shared
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    try:
        # Each worker runs one job at a time and holds it until released: two runs at once are
        # two workers at work together.
        _wait(lambda: len(_lines(runs)) >= 2, workers)
        first_two = _lines(runs)
        assert len(first_two) == 2 and first_two[0]["job"] != first_two[1]["job"]
        assert {line["pid"] for line in first_two} == {w.pid for w in workers}
        release.touch()
        _wait(lambda: Job.objects.filter(status=Job.Status.DONE).count() == JOBS, workers)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGINT)
        outputs = [worker.communicate(timeout=30) for worker in workers]

    lines = _lines(runs)
    assert Counter(line["job"] for line in lines) == Counter({job.pk: 1 for job in jobs}), outputs
    assert {line["input"] for line in lines} == {f"input {i}" for i in range(JOBS)}
    by_worker = Counter(line["pid"] for line in lines)
    assert set(by_worker) == {w.pid for w in workers}
    assert Job.objects.filter(status=Job.Status.DONE, attempts=1).count() == JOBS


def test_a_job_whose_input_file_cannot_be_read_fails_with_the_vietnamese_storage_message(
    alice, settings, s3_server, s3_bucket, tmp_path
):
    settings.JOBS_BACKEND = "database"
    job = enqueue(
        "tests.record", by=alice, input_file=ContentFile(b"x", name="in.txt"), runs=str(tmp_path / "r"), release=""
    )
    closed = f"s3://{s3_bucket.name}?endpoint_url=http://127.0.0.1:{free_port()}&region=ap-southeast-1"
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(closed)}

    assert run_pending() == 1

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "Kho tệp đang không trả lời" in job.message and "127.0.0.1" not in job.message
