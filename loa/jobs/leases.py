"""Leases on running jobs: a worker that dies leaves its job to be taken up again, not "running" forever.

Claiming a job (queued -> running, a conditional UPDATE in loa.jobs.services.claim) also takes a
lease in the same transaction: a token unique to the run (host:pid:random, stored in Job.worker and
JobLease.token) and an expiry JOB_LEASE_SECONDS ahead. While the job runs, a heartbeat thread
pushes the expiry forward every quarter of the lease. A lease that ran out means its worker stopped
(killed, out of memory, machine lost): `recover_expired` queues the job again (Job.attempts counts
the runs) until JOB_MAX_ATTEMPTS, then marks it failed with the reason, and a kind registered with
retry=False is marked failed at its first crash.

Why the lease has its own table, written by its own connection
    A job writes its own Job row (job.report), sometimes inside its own long transaction (the unit
    import reports progress while it writes). On PostgreSQL that transaction holds the Job row's lock
    until it commits; a heartbeat that updated the Job row would wait behind the very job it vouches
    for, and the lease of a live job would run out. So the heartbeat writes only JobLease, a row the
    job's own transaction never touches, on the heartbeat thread's own connection (Django gives each
    thread its own) in autocommit, and closes that connection when the thread ends. Updating
    JobLease's token and expiry changes no key, so even its foreign key to the job takes no lock that
    the job's transaction holds.

Who wins
    The recoverer's UPDATE is conditional on the token and on the expiry being past: the database
    serialises competing writes to the row (PostgreSQL re-checks the condition on a row another
    transaction changed meanwhile; SQLite has one writer at a time), so of two recoverers, or of a
    recoverer and a late heartbeat, one only changes the row. Before that the recoverer locks the Job
    row with SKIP LOCKED (PostgreSQL): a job whose own transaction still holds its row is alive, or its
    connection has not been dropped yet, and is left for a later turn instead of blocking recovery.

A run that was taken over
    A worker that was only stalled (not dead) may wake up after its job was given to another run. Its
    finish, progress and heartbeat are all conditional on its token: its result is logged and
    dropped, and its next job.report() raises LeaseLost, which rolls back whatever it had not
    committed. Kinds must therefore be safe to run again after a crash at any point: all or nothing
    in one transaction, or idempotent writes (docs/jobs-and-import.md lists the kinds).

SQLite
    One writer at a time: while a job holds a write transaction, the heartbeat's write waits (up to
    the connection's timeout, then tries again at the next beat) and so does every recoverer, which
    needs the write lock too. When the job commits, heartbeat and recoverer race for the next write:
    a transaction longer than the whole lease can then be taken for dead. The default lease (300 s)
    is far longer than any transaction SQLite-sized data needs; keep it so.

A job run inside an open transaction (the inline backend, tests) takes its lease too but gets no
heartbeat: nobody else can see the claim before that transaction commits, and by then it has ended.
Clocks: expiries are written with each machine's clock; keep the servers' clocks in sync (NTP).
"""

import logging
import os
import socket
import threading
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.jobs.models import Job, JobLease
from loa.jobs.registry import get_kind

log = logging.getLogger("loa.jobs")


def lease_seconds():
    return max(1, settings.JOB_LEASE_SECONDS)


def max_attempts():
    return max(1, settings.JOB_MAX_ATTEMPTS)


def lease_token(label=None):
    """A token unique to one run of a job: host and process (or the worker's label) and a random part."""
    base = label or f"{socket.gethostname()[:30]}:{os.getpid()}"
    return f"{base[:100]}:{uuid.uuid4().hex[:12]}"


def take(job_id, token, attempt, *, now):
    """Write the lease of a job just claimed (inside the claim's transaction)."""
    JobLease.objects.update_or_create(
        job_id=job_id,
        defaults={"token": token, "expires_at": now + timedelta(seconds=lease_seconds()), "attempt": attempt},
    )


def renew(job_id, token):
    """Push the lease's expiry forward; False when the lease is no longer this run's."""
    expires = timezone.now() + timedelta(seconds=lease_seconds())
    return JobLease.objects.filter(job_id=job_id, token=token).update(expires_at=expires) == 1


def release(job_id, token):
    JobLease.objects.filter(job_id=job_id, token=token).update(token="")


class Heartbeat:
    """Keeps one run's lease alive from a thread of its own while the job works.

    `lost` turns true when the lease turns out to be someone else's; job.report() then raises
    LeaseLost. Without a thread (`start(thread=False)`) it only carries the token.
    """

    def __init__(self, job_id, token):
        self.job_id = job_id
        self.token = token
        self.lost = False
        self._stop = threading.Event()
        self._thread = None

    def start(self, *, thread=True):
        if thread:
            self._thread = threading.Thread(target=self._beat, name=f"job-{self.job_id}-heartbeat", daemon=True)
            self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _beat(self):
        interval = lease_seconds() / 4
        try:
            while not self._stop.wait(interval):
                try:
                    if not renew(self.job_id, self.token):
                        self.lost = True
                        log.warning(
                            "jobs: the lease on job %s was taken over; this run's result will be dropped", self.job_id
                        )
                        return
                except DatabaseError:
                    # SQLite busy behind a long write, a dropped connection…: try again at the next beat.
                    log.warning("jobs: renewing the lease on job %s failed", self.job_id, exc_info=True)
                    connection.close()
        finally:
            connection.close()  # this thread's own connection


# --- Recovery --------------------------------------------------------------------------------


def expired(now):
    """(job id, token) of running jobs whose lease ran out."""
    return list(
        JobLease.objects.filter(expires_at__lt=now, job__status=Job.Status.RUNNING)
        .exclude(token="")
        .order_by("expires_at")
        .values_list("job_id", "token")
    )


def take_over(job_id, token, *, now):
    """Queue again (or fail) one job whose lease `token` ran out. True for the one recoverer that won."""
    retry_on_commit = False
    with transaction.atomic():
        # A job whose own transaction still holds its row is not dead yet (or its connection is not
        # gone yet): leave it for a later turn rather than wait behind it.
        job = (
            Job.objects.select_for_update(skip_locked=True)
            .filter(pk=job_id, status=Job.Status.RUNNING, worker=token)
            .first()
        )
        if job is None:
            return False
        won = JobLease.objects.filter(job_id=job_id, token=token, expires_at__lt=now).update(token="")
        if not won:
            return False  # renewed meanwhile, or another recoverer was first
        try:
            retry = get_kind(job.kind).retry
        except LookupError:
            retry = False
        limit = max_attempts()
        rows = Job.objects.filter(pk=job_id, status=Job.Status.RUNNING, worker=token)
        if retry and job.attempts < limit:
            message = _("Retrying after the worker stopped (attempt %(attempt)s of %(max)s).") % {
                "attempt": job.attempts + 1,
                "max": limit,
            }
            rows.update(
                status=Job.Status.QUEUED, worker="", queued_at=now, started_at=None, progress_done=0, message=message
            )
            retry_on_commit = True
            log.warning(
                "jobs: the worker of job %s (%s) stopped; queued again (attempt %s of %s)",
                job_id,
                job.kind,
                job.attempts + 1,
                limit,
            )
        else:
            if retry:
                message = _("The worker running this job stopped (attempt %(attempt)s of %(max)s); start it again.") % {
                    "attempt": job.attempts,
                    "max": limit,
                }
            else:
                message = _(
                    "The worker running this job stopped before it finished. This kind of job is not "
                    "started again by itself: check what it did, then start it again."
                )
            rows.update(status=Job.Status.FAILED, finished_at=now, message=message[:500])
            log.error(
                "jobs: the worker of job %s (%s) stopped; failed after %s attempt(s)", job_id, job.kind, job.attempts
            )
    if retry_on_commit:
        _hand_over(job_id)
    return True


def _hand_over(job_id):
    """With Celery, a job queued again is handed to a worker; `run_jobs` finds it by itself."""
    if settings.JOBS_BACKEND == "celery":
        transaction.on_commit(lambda: send_to_worker(job_id))


def send_to_worker(job_id):
    """Hand a queued job to a Celery worker, best effort: the job is a row in the database already.
    When the broker (Redis) cannot be reached, the job stays queued and the page that queued it
    answers as usual; once the broker is back, `kick_waiting` (beat, every minute) hands again every
    job that waited longer than a lease (docs/topology.md)."""
    from loa.jobs.tasks import run_job_task

    try:
        run_job_task.delay(job_id)
    except Exception:  # kombu's OperationalError, or whatever the transport raises
        log.warning("jobs: job %s could not be handed to Celery; it waits in the database", job_id, exc_info=True)


def kick_waiting(now):
    """With Celery, hand again the jobs queued longer than a lease (the broker may have lost the
    message). Claiming is conditional, so a second message for a job that was only waiting is harmless."""
    if settings.JOBS_BACKEND != "celery":
        return 0
    cutoff = now - timedelta(seconds=lease_seconds())
    stale = Q(status=Job.Status.QUEUED) & (Q(queued_at__lt=cutoff) | Q(queued_at__isnull=True, created_at__lt=cutoff))
    kicked = 0
    for job_id in Job.objects.filter(stale).order_by("created_at", "id").values_list("pk", flat=True)[:500]:
        if Job.objects.filter(stale, pk=job_id).update(queued_at=now):  # one recoverer hands each job
            _hand_over(job_id)
            kicked += 1
    if kicked:
        log.warning("jobs: %s job(s) waited longer than %s s and were handed to Celery again", kicked, lease_seconds())
    return kicked


def recover_expired(now=None):
    """Take up again the jobs whose worker stopped; with Celery, hand on jobs left waiting. Returns how many
    running jobs were taken over (queued again or failed)."""
    now = now or timezone.now()
    taken = 0
    for job_id, token in expired(now):
        try:
            taken += take_over(job_id, token, now=now)
        except DatabaseError:  # e.g. SQLite busy behind a long write: the next turn tries again
            log.warning("jobs: recovering job %s failed", job_id, exc_info=True)
    kick_waiting(now)
    return taken
