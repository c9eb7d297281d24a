"""Job kinds for the lease tests, importable by a worker started as a child process (see `worker_command`)."""

import json
import os
import sys
import threading
import time
from contextlib import nullcontext
from pathlib import Path

from django.db import transaction

from loa.jobs import registry

# Threads of the test process start and stop jobs of kind tests.hold through these events, one pair
# per (name, attempt): "entered" when a run got there, "gate" for the test to let it go on.
_EVENTS = {}


def events(name, attempt=1):
    """(entered, gate) of the runs of tests.hold named `name` at that attempt."""
    return _EVENTS.setdefault((name, attempt), (threading.Event(), threading.Event()))


@registry.register("tests.wait_for_file")
def wait_for_file(job, *, started, release, timeout=120):
    """Say which process runs which attempt (one line per run in `started`), then wait for `release`."""
    with open(started, "a") as out:
        out.write(json.dumps({"pid": os.getpid(), "attempt": job.attempts}) + "\n")
    deadline = time.monotonic() + timeout
    while not Path(release).exists():
        if time.monotonic() > deadline:
            raise TimeoutError("never released")
        time.sleep(0.05)
    return {"pid": os.getpid(), "attempt": job.attempts}


@registry.register("tests.record")
def record(job, *, runs, release, timeout=60):
    """Write which process runs this job and what its input file holds (one line per run in `runs`),
    then wait for `release`, so that each worker holds a job until the test lets them go."""
    with job.input_file.open("rb") as handle:
        content = handle.read().decode()
    with open(runs, "a") as out:
        out.write(json.dumps({"job": job.pk, "pid": os.getpid(), "input": content}) + "\n")
    deadline = time.monotonic() + timeout
    while not Path(release).exists():
        if time.monotonic() > deadline:
            raise TimeoutError("never released")
        time.sleep(0.05)
    return {"pid": os.getpid()}


@registry.register("tests.hold")
def hold(job, *, name, in_transaction=False, report_after=False):
    """Wait until the test opens this run's gate; inside a transaction that has locked the job's own
    row first, as the unit import does, when asked. Returns which attempt finished."""
    entered, gate = events(name, job.attempts)
    with transaction.atomic() if in_transaction else nullcontext():
        if in_transaction:
            job.report(1, 2, "writing", force=True)  # the Job row is now locked until the commit
        entered.set()
        if not gate.wait(60):
            raise TimeoutError("the gate never opened")
    if report_after:
        job.report(2, 2, "finishing", force=True)
    return {"attempt": job.attempts}


@registry.register("tests.not_repeatable", retry=False)
def not_repeatable(job):
    return {"ok": True}


def worker_command(*, lease_seconds, loop=True):
    """A `run_jobs` worker in a child process that knows these kinds, with a short lease."""
    args = ["--interval", "0.1"] + (["--loop"] if loop else [])
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        f"settings.JOB_LEASE_SECONDS = {lease_seconds!r}\n"
        "import loa.jobs.tests.kinds\n"
        "from django.core.management import call_command\n"
        f"call_command('run_jobs', *{args!r})\n"
    )
    return [sys.executable, "-c", code]
