"""Progress of work done inside one long transaction, readable while it runs.

`job.report()` writes the Job row on the job's own connection: inside the job's transaction nobody
else sees it before the commit, and a dry run rolled back takes it away. `work_progress(job, message)`
gives a `progress(done, total)` that, in a worker on PostgreSQL, writes the Job row on a connection of
its own (a short thread, in autocommit, at most once a second, only while the job is still this run's),
so that the page and the API follow the work as it goes. The job's transaction must not write its own
Job row meanwhile (it would hold the row's lock, and the progress write would wait for its commit).

Elsewhere it is `job.report()`: in tests and with the inline backend (the job runs inside the caller's
transaction, on the caller's connection, which sees its own writes), and on SQLite, whose one writer at
a time would make a second connection wait for the job's commit anyway: there the progress shows at
the end.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, connection
from django.utils import timezone

from loa.jobs.models import REPORT_EVERY, Job, LeaseLost

log = logging.getLogger("loa.jobs")


def work_progress(job: Job, message: str) -> Callable[[int, int], None]:
    lease: Any = getattr(job, "_lease", None)
    if lease is None or getattr(lease, "_thread", None) is None or connection.vendor != "postgresql":
        return lambda done, total: _report(job, done, total, message)
    last: list = [None]

    def progress(done: int, total: int) -> None:
        if lease.lost:
            raise LeaseLost(job.pk)
        job.progress_done, job.progress_total, job.message = done, total, str(message)[:500]
        now = timezone.now()
        if done < total and last[0] is not None and now - last[0] < REPORT_EVERY:
            return
        last[0] = now
        write_outside(job.pk, lease.token, done, total, job.message)

    return progress


def _report(job: Job, done: int, total: int, message: str) -> None:
    job.report(done, total, message)


def write_outside(job_id: int, token: str, done: int, total: int, message: str) -> bool:
    """Write a job's progress on a connection of its own, committed at once; False when it could not
    (the job is no longer this run's, or the database refused: the next report tries again)."""
    written = [False]

    def write() -> None:
        try:
            written[0] = bool(
                Job.objects.filter(pk=job_id, worker=token, status=Job.Status.RUNNING).update(
                    progress_done=done, progress_total=total, message=message
                )
            )
        except DatabaseError:
            log.warning("jobs: writing the progress of job %s failed", job_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=write, name=f"job-{job_id}-progress", daemon=True)
    thread.start()
    thread.join(timeout=10)
    return written[0]
