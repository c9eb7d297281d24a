from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Progress is written at most this often, so that a job does not spend its time on bookkeeping.
REPORT_EVERY = timedelta(seconds=1)

# How often a waiting job page asks for news, by how long the job has been in its state: quickly at
# first (most jobs end within seconds), then less and less often, so that a page left open on a long
# import does not ask every second for an hour.
POLL_STEPS = ((timedelta(seconds=10), 1), (timedelta(seconds=60), 2), (timedelta(minutes=5), 5))
POLL_LONGEST = 15


class LeaseLost(Exception):
    """This run's lease was taken over (it was thought dead): its work and result must be dropped."""


class Job(models.Model):
    """A piece of background work: who asked for it, how far it got, and what came out."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("job status", "Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", pgettext_lazy("job status", "Failed")

    kind = models.CharField(_("kind"), max_length=60)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    params = models.JSONField(default=dict, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    result = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The unit the job works on: MANAGE_UNITS holders over it may follow the job too.
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    input_file = models.FileField(upload_to="jobs/%Y/%m/", blank=True)
    # The lease token of the run holding the job (host:pid:random), written with each claim.
    worker = models.CharField(max_length=120, blank=True)
    # Runs started so far: 2 and more means that earlier workers stopped (loa/jobs/leases.py).
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the job was last handed to the queue (created, retried, or handed to Celery again).
    queued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("background job")

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(100 * self.progress_done / self.progress_total))

    @property
    def max_attempts(self):
        return max(1, settings.JOB_MAX_ATTEMPTS)

    @property
    def retry_attempt(self):
        """The number of this attempt when the job is being retried after a worker stopped, else None."""
        if self.status == self.Status.QUEUED and self.attempts >= 1:
            return self.attempts + 1
        if self.status == self.Status.RUNNING and self.attempts > 1:
            return self.attempts
        return None

    @property
    def in_state_since(self):
        if self.status == self.Status.RUNNING and self.started_at:
            return self.started_at
        if self.status == self.Status.QUEUED and self.queued_at:
            return self.queued_at
        return self.created_at

    def poll_seconds(self, now=None):
        """Seconds between two looks of the job's page; None once the job has ended (no more polling)."""
        if self.is_finished:
            return None
        since = self.in_state_since
        age = (now or timezone.now()) - since if since else timedelta(0)
        for limit, seconds in POLL_STEPS:
            if age < limit:
                return seconds
        return POLL_LONGEST

    @property
    def poll_every(self):
        return self.poll_seconds()

    def report(self, done, total=None, message=None, *, force=False):
        """Record progress; written to the database at most once a second unless forced or finished.

        While a runner holds the job (`_lease` set by loa.jobs.services), the write is made only if
        the job is still this run's, and a run whose lease was taken over stops here with LeaseLost:
        the job is someone else's now, and whatever this run had not committed is rolled back.
        """
        lease = getattr(self, "_lease", None)
        if lease is not None and lease.lost:
            raise LeaseLost(self.pk)
        self.progress_done = done
        if total is not None:
            self.progress_total = total
        if message is not None:
            self.message = str(message)[:500]
        now = timezone.now()
        last = getattr(self, "_last_report", None)
        finished = total is not None and done >= total
        if not force and not finished and last is not None and now - last < REPORT_EVERY:
            return False
        self._last_report = now
        if self.pk:
            rows = Job.objects.filter(pk=self.pk)
            if lease is not None:
                rows = rows.filter(worker=lease.token, status=self.Status.RUNNING)
            written = rows.update(
                progress_done=self.progress_done, progress_total=self.progress_total, message=self.message
            )
            if lease is not None and not written:
                lease.lost = True
                raise LeaseLost(self.pk)
        return True

    def checkpoint(self, result):
        """Store a result inside the job's own transaction: a run that takes the job up again after its
        worker stopped finds it, and knows how far the crashed run got (the unit import's commit)."""
        self.result = result
        lease = getattr(self, "_lease", None)
        rows = Job.objects.filter(pk=self.pk)
        if lease is not None:
            rows = rows.filter(worker=lease.token, status=self.Status.RUNNING)
        if not rows.update(result=result) and lease is not None:
            lease.lost = True
            raise LeaseLost(self.pk)


class JobLease(models.Model):
    """The running job's lease: written only by claimers, the run's heartbeat and recoverers.

    Kept apart from the Job row, which the job itself may hold locked in a long transaction, so that
    the heartbeat is never stuck behind the job it vouches for (loa/jobs/leases.py explains).
    """

    job = models.OneToOneField(Job, primary_key=True, on_delete=models.CASCADE, related_name="lease")
    # The holding run's token (Job.worker); empty once the run ended or was taken over.
    token = models.CharField(max_length=120, blank=True)
    expires_at = models.DateTimeField(db_index=True)
    attempt = models.PositiveSmallIntegerField(default=1)

    def __str__(self):
        return f"lease of job #{self.job_id} by {self.token or '-'} until {self.expires_at}"
