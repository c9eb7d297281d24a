from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loa.core.versions import version_field
from loa.units.models import Unit


class DirectiveKind(models.TextChoices):
    """Kinds of administrative documents (Decree 30/2020, Appendix III abbreviations)."""

    CONG_VAN = "CV", _("Official letter (công văn)")
    THONG_BAO = "TB", _("Notice (thông báo)")
    HUONG_DAN = "HD", _("Guidance (hướng dẫn)")
    KE_HOACH = "KH", _("Plan (kế hoạch)")
    QUYET_DINH = "QĐ", _("Decision (quyết định)")
    CHI_THI = "CT", _("Instruction (chỉ thị)")


# Upper-case titles printed on documents that have one; a công văn has none (it uses "V/v …").
KIND_TITLES = {
    "TB": "THÔNG BÁO",
    "HD": "HƯỚNG DẪN",
    "KH": "KẾ HOẠCH",
    "QĐ": "QUYẾT ĐỊNH",
    "CT": "CHỈ THỊ",
}


class Directive(models.Model):
    """A văn bản chỉ đạo: the letter, its recipients, and the tasks it sets."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")

    # "812/TB-CĐVC". A draft may have none yet: it is required to issue (services.check_issuable).
    number = models.CharField(_("number and symbol"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=4, choices=DirectiveKind.choices, default=DirectiveKind.CONG_VAN)
    issued_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=60, default="Cao Bằng")
    summary = models.CharField(_("summary (trích yếu)"), max_length=500)
    issuing_unit = models.ForeignKey(
        "units.Unit", verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="directives"
    )
    superior_body = models.CharField(_("superior body"), max_length=200, blank=True)
    salutation = models.CharField(_("addressed to (Kính gửi)"), max_length=300, blank=True)
    body = models.TextField(_("body"))
    distribution = models.TextField(_("distribution (Nơi nhận)"), blank=True, help_text=_("One recipient per line."))
    signer_capacity = models.CharField(_("signing capacity"), max_length=80, default="TM. BAN THƯỜNG VỤ")
    signer_title = models.CharField(_("signer's title"), max_length=80, default="CHỦ TỊCH")
    signer_name = models.CharField(_("signer"), max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    recipients = models.ManyToManyField("units.Unit", through="Recipient", related_name="received_directives")
    # Every edit carries the version it started from (loa.core.versions).
    version = version_field()

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("directive")

    def __str__(self):
        return f"{self.number} — {self.summary}" if self.number else self.summary

    def distribution_lines(self):
        return [line.strip() for line in self.distribution.splitlines() if line.strip()]


class Recipient(models.Model):
    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="recipient_rows")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["directive", "unit"], name="recipient_unique")]


def attachment_path(instance, filename):
    return f"directives/{instance.directive_id}/{filename}"


class Attachment(models.Model):
    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name


class ReportForm(models.TextChoices):
    NONE = "", _("No report")
    FANPAGE = "fanpage", _("Fanpage set-up report")


class Task(models.Model):
    """Something a directive asks of every recipient by a deadline, optionally with a report."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    # An exact instant. "Trước ngày 30/4/2021" is stored as 30/4/2021 00:00 local: shown as such.
    deadline = models.DateTimeField(_("deadline"))
    report_form = models.CharField(_("report form"), max_length=20, choices=ReportForm.choices, blank=True)
    # Reminders: days before the deadline, on the day, then every N days after (0 = never).
    remind_days_before = models.CharField(_("remind days before"), max_length=40, default="7,2")
    remind_on_day = models.BooleanField(_("remind on the day"), default=True)
    remind_every_days_after = models.PositiveSmallIntegerField(_("then every N days after"), default=3)
    remind_stop_after_days = models.PositiveSmallIntegerField(_("stop reminding after N days late"), default=30)
    created_at = models.DateTimeField(auto_now_add=True)
    version = version_field()

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("task")

    def __str__(self):
        return self.title

    @property
    def has_report(self):
        return bool(self.report_form)

    def span(self):
        """The local days during which a unit must be active to be expected to do the task."""
        return self.directive.issued_on, timezone.localdate(self.deadline)

    def is_overdue(self, now=None):
        return (now or timezone.now()) > self.deadline

    @property
    def year(self):
        """The year the task belongs to: its deadline's (local time), as the Fanpage scoring counts
        the reports (`selectors.fanpage_report_rows`). Its pages group the units by that year's tree."""
        return timezone.localdate(self.deadline).year


class Assignment(models.Model):
    """One recipient's state for one task: the row that tracking, reminders and rollups read.

    Kept in step by the report services; `expected` is false for units inactive during the task.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Not yet")
        ON_TIME = "on_time", _("On time")
        LATE = "late", _("Late")
        RETURNED = "returned", _("Returned for correction")
        CORRECTED = "corrected", _("Corrected")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="assignments")
    unit_path = models.CharField(max_length=255)
    # The unit's Vietnamese sort key, kept here so that a page of 130,000 assignments in name
    # order is an index scan, not a sort of a join (kept in step by units.services.unit_update).
    unit_sort = models.CharField(max_length=1200, default="")
    expected = models.BooleanField(default=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    first_reported_at = models.DateTimeField(null=True, blank=True)  # decides on time / late, never moves
    last_reported_at = models.DateTimeField(null=True, blank=True)
    on_time = models.BooleanField(default=False)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="assignment_unique")]
        indexes = [
            # The tracking list and its figures read one task's assignments under a unit: unit_path
            # LIKE '/1/342/%'. A plain index serves LIKE only in the "C" collation; a database in
            # any other (C.UTF-8, en_US, vi_VN) read every assignment of the task, 130,000 rows, for
            # a province of 1,000 (the load test, docs/performance.md). The pattern operator class
            # makes the prefix a range of the index in every collation (PostgreSQL; ignored elsewhere).
            models.Index(
                fields=["task", "unit_path"], name="assignment_task_path", opclasses=["int8_ops", "varchar_pattern_ops"]
            ),
            models.Index(fields=["task", "state"]),
            models.Index(fields=["task", "unit_sort", "id"], name="assignment_task_sort"),
        ]

    @property
    def reported(self):
        return self.first_reported_at is not None

    @property
    def shown_parent(self):
        """The parent the tracking list shows: the one of the year's tree when the list was read by a
        past year's tree (`selectors.tracked_assignments` annotates it), else today's (select it along)."""
        if not hasattr(self, "then_parent_id"):
            return self.unit.parent
        if self.then_parent_id is None:
            return None
        return Unit(
            pk=self.then_parent_id,
            code=self.then_parent_code or "",
            name=self.then_parent_name or "",
            short_name=self.then_parent_short or "",
        )

    @property
    def page_gap(self):
        """A Fanpage report filed without a Page ("no_page") or without its address ("no_address"): counted
        as filed, shown to staff as a soft warning; "" otherwise. Reads the report (select it along)."""
        if not self.reported:
            return ""
        try:
            data = self.report.data or {}
        except Report.DoesNotExist:
            return ""
        if data.get("no_page"):
            return "no_page"
        # Only a Fanpage report has a name (a task without a form reports a note alone). The address may
        # have been added to the register since (by the officer or staff): then nothing is missing.
        if "name" not in data or data.get("url"):
            return ""
        registered = getattr(self.unit, "fanpage", None)
        return "" if registered is not None and registered.url else "no_address"


class Rollup(models.Model):
    """Counts of a task's assignments under one unit (itself and all below), kept up to date as
    reports arrive, so the completeness page reads a few rows instead of scanning 130,000."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="rollups")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    parent_unit_id = models.BigIntegerField(null=True, db_index=True)
    expected = models.PositiveIntegerField(default=0)
    reported = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="rollup_unique")]
        indexes = [models.Index(fields=["task", "parent_unit_id"])]


class Report(models.Model):
    """What a unit reported for a task; every submission kept as a ReportVersion."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="report")
    data = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=0)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(null=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class ReportVersion(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField()
    source = models.CharField(max_length=20)  # web, link (one-tap), import, api
    file_name = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="report_version_unique")]


class OneTapLink(models.Model):
    """A link in a reminder that opens one unit's report form already signed in.

    The URL carries a signed token naming this row; the row makes it single use and expiring,
    and scopes it to one user, one unit and one task.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="links")
    nonce = models.CharField(max_length=32, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


def returned_form_path(instance, filename):
    return f"returned_forms/{instance.batch.task_id}/{instance.batch_id}/{filename}"


class ReturnedFormBatch(models.Model):
    """Forms e-mailed back by units and uploaded together by an admin for one task."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="import_batches")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class ReturnedFormFile(models.Model):
    """One uploaded returned form: what was read from it, the unit it is for, and what became of it."""

    class Outcome(models.TextChoices):
        PENDING = "", _("Not imported yet")
        RECORDED = "recorded", _("Recorded")
        DUPLICATE = "duplicate", _("Already recorded")
        FAILED = "failed", _("Not recorded")

    batch = models.ForeignKey(ReturnedFormBatch, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=returned_form_path, max_length=300, blank=True)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    kind = models.CharField(max_length=10, blank=True)  # xlsx, docx, jpeg, png, pdf; "" when refused
    uploaded_at = models.DateTimeField(default=timezone.now)
    # When the unit's e-mail arrived: the report's time, which decides on time or late.
    arrived_at = models.DateTimeField(_("arrived at"))
    parsed = models.JSONField(default=dict)  # returned_forms.parse_form's result, or {"error": …}
    data = models.JSONField(default=dict)  # the five fields to record, as read and then edited
    chosen_row = models.PositiveIntegerField(null=True, blank=True)  # which Page row, when several
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    match = models.JSONField(default=dict)  # matching.Match.as_json()
    problems = models.JSONField(default=list)  # [{"code", "field", "message"}] at the last check
    replace_page = models.BooleanField(default=False)
    accepted = models.BooleanField(default=False)
    # A photo or scan read with OCR is recorded only once a person has checked what was read against
    # the picture (directives.ocr_review.confirm_reading).
    ocr_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ocr_confirmed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True, default="")
    outcome_message = models.TextField(blank=True)
    report_version = models.ForeignKey(
        ReportVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    committed_at = models.DateTimeField(null=True, blank=True)
    # Two people correcting the same file (the page, the API): a correction names the version it read.
    version = version_field()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name
