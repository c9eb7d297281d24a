"""Queue, claim and run background jobs.

settings.JOBS_BACKEND decides where a job runs: "celery" hands it to a Celery worker,
"database" leaves it queued for `manage.py run_jobs`, "inline" (tests) runs it at once.
Every runner claims a job with a conditional UPDATE (queued -> running): whoever changes the
row runs the job, so two workers never run the same one. The claim takes a lease that a heartbeat
keeps alive while the job runs; a job whose worker stopped is taken up again by
`leases.recover_expired` (loa/jobs/leases.py), and a run that lost its lease cannot write its result.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.core.storage import StorageUnavailable
from loa.core.storage_down import storage_down_message
from loa.jobs import leases
from loa.jobs.models import Job, LeaseLost
from loa.jobs.registry import get_kind

if TYPE_CHECKING:
    from django.core.files import File

    from loa.accounts.models import User
    from loa.units.models import Unit

log = logging.getLogger(__name__)


def enqueue(
    kind: str,
    *,
    by: User | None,
    unit: Unit | None = None,
    input_file: File | None = None,
    run_now: bool = False,
    **params: Any,
) -> Job:
    """Create a job and start it according to JOBS_BACKEND (or at once with run_now=True)."""
    get_kind(kind)  # fail early on a typo, not in the worker
    job = Job(
        kind=kind,
        created_by=by if getattr(by, "pk", None) else None,
        unit=unit,
        params=params,
        queued_at=timezone.now(),
    )
    if input_file is not None:
        job.input_file = input_file
    job.save()
    backend = settings.JOBS_BACKEND
    if run_now or backend == "inline":
        run_job(job.pk)
        job.refresh_from_db()
    elif backend == "celery":
        transaction.on_commit(lambda: leases.send_to_worker(job.pk))
    return job


def worker_name() -> str:
    """The label of a worker process (its runs' lease tokens add a random part)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}"


def claim(job_id: int, worker: str | None = None) -> str | None:
    """Mark one queued job as running and take its lease. Returns the run's lease token, or None when
    another runner changed the row first."""
    token = leases.lease_token(worker)
    now = timezone.now()
    with transaction.atomic():
        changed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING, started_at=now, worker=token, attempts=F("attempts") + 1
        )
        if changed != 1:
            return None
        attempt = Job.objects.filter(pk=job_id).values_list("attempts", flat=True).get()
        leases.take(job_id, token, attempt, now=now)
    return token


def claim_next(worker: str | None = None) -> tuple[Job, str] | None:
    """The oldest queued job, claimed: (job, token); None when there is nothing to do."""
    for job_id in (
        Job.objects.filter(status=Job.Status.QUEUED).order_by("created_at", "id").values_list("pk", flat=True)[:20]
    ):
        token = claim(job_id, worker)
        if token:
            return Job.objects.get(pk=job_id), token
    return None


def run_job(job_id: int, *, worker: str | None = None) -> Job | None:
    """Claim the job and run it. Returns the job, or None if someone else claimed it first."""
    token = claim(job_id, worker)
    if not token:
        return None
    job = Job.objects.get(pk=job_id)
    return _execute(job, token)


def _execute(job: Job, token: str) -> Job:
    # Inside an open transaction (inline runs, tests) nobody else sees the claim until the job has
    # ended: no heartbeat is needed, and its thread could only wait behind this transaction.
    lease = leases.Heartbeat(job.pk, token).start(thread=not connection.in_atomic_block)
    job._lease = lease  # type: ignore[attr-defined]  # read by Job.report (getattr)
    outcome: tuple[str, Any, str | None] | None
    try:
        kind = get_kind(job.kind)
        outcome = (Job.Status.DONE, kind.func(job, **(job.params or {})), None)
    except LeaseLost:
        outcome = None
    except ValidationError as exc:
        outcome = (Job.Status.FAILED, None, " ".join(exc.messages))
    except StorageUnavailable as exc:  # its input file could not be read: say so, as pages do
        log.error("Job %s (%s) failed: file storage unavailable: %s", job.pk, job.kind, exc)
        outcome = (Job.Status.FAILED, None, storage_down_message())
    except Exception as exc:  # a job must never leave its row "running" forever
        log.exception("Job %s (%s) failed", job.pk, job.kind)
        outcome = (Job.Status.FAILED, None, _("The job stopped with an unexpected error: %(error)s") % {"error": exc})
    finally:
        lease.stop()  # before the lease is released, so that no beat mistakes the release for a takeover
        job._lease = None  # type: ignore[attr-defined]
    if outcome is None:
        log.warning(
            "Job %s (%s): this run's lease was taken over; it stopped and its work is dropped", job.pk, job.kind
        )
        job.refresh_from_db()
    else:
        status, result, message = outcome
        _finish(job, token, status, result=result, message=message)
    return job


def _finish(job: Job, token: str, status: str, *, result: Any = None, message: object = None) -> None:
    """Record the run's end, only while the job is still this run's: a run that outlived its lease
    must not write over the result of the run that took the job over."""
    job.status = status
    job.finished_at = timezone.now()
    if result is not None:
        job.result = result
    if message is not None:
        job.message = str(message)[:500]
    if status == Job.Status.DONE and job.progress_total:
        job.progress_done = job.progress_total
    with transaction.atomic():
        written = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, worker=token).update(
            status=job.status,
            finished_at=job.finished_at,
            result=job.result,
            message=job.message,
            progress_done=job.progress_done,
        )
        leases.release(job.pk, token)
    if not written:
        log.warning(
            "Job %s (%s): the lease was taken over before this run ended; its outcome (%s) is dropped",
            job.pk,
            job.kind,
            status,
        )
        job.refresh_from_db()


def run_pending(*, worker: str | None = None, limit: int | None = None) -> int:
    """Run queued jobs one after another until none is left (or `limit` ran). Returns how many ran."""
    count = 0
    while limit is None or count < limit:
        claimed = claim_next(worker)
        if claimed is None:
            break
        _execute(*claimed)
        count += 1
    return count
