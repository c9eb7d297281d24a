from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Progress is written at most this often, so that a job does not spend its time on bookkeeping.
REPORT_EVERY = timedelta(seconds=1)


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
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    # The unit the job works on: MANAGE_UNITS holders over it may follow the job too.
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    input_file = models.FileField(upload_to="jobs/%Y/%m/", blank=True)
    worker = models.CharField(max_length=120, blank=True)
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

    def report(self, done, total=None, message=None, *, force=False):
        """Record progress; written to the database at most once a second unless forced or finished."""
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
            Job.objects.filter(pk=self.pk).update(
                progress_done=self.progress_done, progress_total=self.progress_total, message=self.message
            )
        return True
