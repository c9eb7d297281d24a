"""Queue, claim and run background jobs.

settings.JOBS_BACKEND decides where a job runs: "celery" hands it to a Celery worker,
"database" leaves it queued for `manage.py run_jobs`, "inline" (tests) runs it at once.
Every runner claims a job with a conditional UPDATE (queued -> running): whoever changes the
row runs the job, so two workers never run the same one.
"""

import logging
import os
import socket

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.jobs.models import Job
from loa.jobs.registry import get_kind

log = logging.getLogger(__name__)


def enqueue(kind, *, by, unit=None, input_file=None, run_now=False, **params):
    """Create a job and start it according to JOBS_BACKEND (or at once with run_now=True)."""
    get_kind(kind)  # fail early on a typo, not in the worker
    job = Job(kind=kind, created_by=by if getattr(by, "pk", None) else None, unit=unit, params=params)
    if input_file is not None:
        job.input_file = input_file
    job.save()
    backend = settings.JOBS_BACKEND
    if run_now or backend == "inline":
        run_job(job.pk)
        job.refresh_from_db()
    elif backend == "celery":
        from loa.jobs.tasks import run_job_task

        transaction.on_commit(lambda: run_job_task.delay(job.pk))
    return job


def worker_name():
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(job_id, worker=None):
    """Mark one queued job as running; True only for the caller whose UPDATE changed the row."""
    changed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now(), worker=(worker or worker_name())[:120]
    )
    return changed == 1


def claim_next(worker=None):
    """The oldest queued job, claimed; None when there is nothing to do."""
    for job_id in Job.objects.filter(status=Job.Status.QUEUED).order_by("created_at", "id").values_list("pk", flat=True)[:20]:
        if claim(job_id, worker):
            return Job.objects.get(pk=job_id)
    return None


def run_job(job_id, *, worker=None):
    """Claim the job and run it. Returns the job, or None if someone else claimed it first."""
    if not claim(job_id, worker):
        return None
    job = Job.objects.get(pk=job_id)
    return _execute(job)


def _execute(job):
    try:
        kind = get_kind(job.kind)
        result = kind.func(job, **(job.params or {}))
    except ValidationError as exc:
        _finish(job, Job.Status.FAILED, message=" ".join(exc.messages))
    except Exception as exc:  # a job must never leave its row "running" forever
        log.exception("Job %s (%s) failed", job.pk, job.kind)
        _finish(job, Job.Status.FAILED, message=_("The job stopped with an unexpected error: %(error)s") % {"error": exc})
    else:
        _finish(job, Job.Status.DONE, result=result)
    return job


def _finish(job, status, *, result=None, message=None):
    job.status = status
    job.finished_at = timezone.now()
    if result is not None:
        job.result = result
    if message is not None:
        job.message = str(message)[:500]
    if status == Job.Status.DONE and job.progress_total:
        job.progress_done = job.progress_total
    job.save(update_fields=["status", "finished_at", "result", "message", "progress_done"])


def run_pending(*, worker=None, limit=None):
    """Run queued jobs one after another until none is left (or `limit` ran). Returns how many ran."""
    count = 0
    while limit is None or count < limit:
        job = claim_next(worker)
        if job is None:
            break
        _execute(job)
        count += 1
    return count
