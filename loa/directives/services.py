"""Directive workflow: draft, recipients, tasks, issue; reports submitted, returned, corrected."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.accounts.capabilities import Capability
from loa.accounts.scope import units_for
from loa.audit.log import log_action, snapshot
from loa.core import versions
from loa.core.controls import strip_controls
from loa.core.files import generated_name
from loa.core.uploads import CONTENT_TYPES, DOCX, PDF, check_upload
from loa.directives import rollups
from loa.directives.models import Assignment, Attachment, Directive, Recipient, Report, ReportForm, ReportVersion, Task
from loa.fanpages import selectors as page_register
from loa.units.models import Unit

T = TypeVar("T")

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from loa.accounts.models import User
    from loa.units.models import UnitKind, UnitQuerySet

# What editing a directive may change; its status changes by the workflow only.
EDITABLE_DIRECTIVE_FIELDS = (
    "number",
    "kind",
    "issued_on",
    "place",
    "summary",
    "superior_body",
    "salutation",
    "body",
    "distribution",
    "signer_capacity",
    "signer_title",
    "signer_name",
)
DIRECTIVE_FIELDS = (*EDITABLE_DIRECTIVE_FIELDS, "status")
TASK_FIELDS = ("title", "deadline", "report_form", "remind_days_before", "remind_on_day", "remind_every_days_after")
# A second identical submission this soon after the first is a double tap, not a new version.
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=10)


def _check_number_free(directive: Directive) -> None:
    if (
        directive.number
        and Directive.objects.filter(number__iexact=directive.number, issuing_unit=directive.issuing_unit)
        .exclude(pk=directive.pk)
        .exists()
    ):
        raise ValidationError(
            {"number": _("Another directive of this unit already has the number “%(n)s”.") % {"n": directive.number}}
        )


@transaction.atomic
def directive_create(*, by: User, issuing_unit: Unit, **fields: Any) -> Directive:
    directive = Directive(issuing_unit=issuing_unit, created_by=by if getattr(by, "pk", None) else None, **fields)
    if not directive.superior_body and issuing_unit.parent_id and issuing_unit.parent is not None:
        directive.superior_body = issuing_unit.parent.name.upper()
    _check_number_free(directive)
    directive.full_clean(exclude=["created_by"])
    directive.save()
    log_action(
        "directive.created", actor=by, obj=directive, unit=issuing_unit, after=snapshot(directive, DIRECTIVE_FIELDS)
    )
    return directive


@transaction.atomic
def directive_update(
    *, by: User, directive: Directive, expected_version: int | None = None, **fields: Any
) -> Directive:
    """Change a directive's fields; refused (StaleVersion) if it changed since `expected_version`."""
    directive = versions.lock(Directive.objects.all(), expected_version, pk=directive.pk)
    before = snapshot(directive, DIRECTIVE_FIELDS)
    for name, value in fields.items():
        if name not in EDITABLE_DIRECTIVE_FIELDS:
            raise ValueError(f"{name} cannot be changed here")
        setattr(directive, name, value)
    _check_number_free(directive)
    directive.full_clean(exclude=["created_by"])
    versions.bump(directive)
    directive.save()
    after = snapshot(directive, DIRECTIVE_FIELDS)
    if after != before:
        log_action(
            "directive.updated", actor=by, obj=directive, unit=directive.issuing_unit, before=before, after=after
        )
    return directive


def recipients_under(
    unit: Unit, *, kind: UnitKind | None = None, grassroots_only: bool = True, day: date | None = None
) -> UnitQuerySet:
    """The units a directive can be sent to under `unit`: by default every active CĐCS below it."""
    qs = Unit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk)
    if grassroots_only:
        qs = qs.filter(kind__is_grassroots=True)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if day is not None:
        qs = qs.active_on(day)
    return qs


RECIPIENT_MODES = ("all", "kind", "hand")


def choose_recipients(
    *,
    user: User,
    directive: Directive,
    mode: str,
    kind: UnitKind | None = None,
    unit_ids: Iterable[int] = (),
    active_only: bool = True,
) -> QuerySet[Unit]:
    """The units a recipients choice means: every CĐCS under the issuer ("all"), every unit of one
    kind under it ("kind"), or the ones picked by hand among those the user may see ("hand").
    `active_only` keeps the units active on the directive's date. The page and the API both ask here."""
    day = directive.issued_on if active_only else None
    if mode == "all":
        return recipients_under(directive.issuing_unit, day=day)
    if mode == "kind":
        return recipients_under(directive.issuing_unit, kind=kind, grassroots_only=False, day=day)
    if mode == "hand":
        return (
            units_for(user, Capability.VIEW)
            .filter(id__in=list(unit_ids), path__startswith=directive.issuing_unit.path)
            .exclude(pk=directive.issuing_unit_id)
        )
    raise ValueError(f"unknown recipients mode {mode!r}")


def _chunks(items: Iterable[T], size: int = 2000) -> Iterator[list[T]]:
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


@transaction.atomic
def directive_set_recipients(*, by: User, directive: Directive, units: QuerySet[Unit] | Sequence[Unit]) -> Directive:
    """Replace the recipient list (`units`: a queryset or a list of units; a whole country's CĐCS
    is fine). After issue, recipients can be added but never removed."""
    directive = Directive.objects.select_for_update().select_related("issuing_unit").get(pk=directive.pk)
    issuer = directive.issuing_unit
    rows = (
        units.values_list("id", "path", "name")
        if isinstance(units, QuerySet)
        else [(u.pk, u.path, u.name) for u in units]
    )
    wanted = set()
    for uid, path, name in rows:
        if not path.startswith(issuer.path) or uid == issuer.pk:
            raise ValidationError(_("“%(unit)s” is not under the issuing unit.") % {"unit": name})
        wanted.add(uid)
    current = set(Recipient.objects.filter(directive=directive).values_list("unit_id", flat=True))
    removed, added = current - wanted, wanted - current
    if removed and directive.status == Directive.Status.ISSUED:
        raise ValidationError(_("Recipients of an issued directive cannot be removed."))
    for chunk in _chunks(removed):
        Recipient.objects.filter(directive=directive, unit_id__in=chunk).delete()
    Recipient.objects.bulk_create([Recipient(directive=directive, unit_id=uid) for uid in added], batch_size=5000)
    if directive.status == Directive.Status.ISSUED and added:
        for task in directive.tasks.all():
            for chunk in _chunks(added):
                _create_assignments(task, Unit.objects.filter(id__in=chunk))
            rollups.rebuild(task)
    if added or removed:
        log_action(
            "directive.recipients_set",
            actor=by,
            obj=directive,
            unit=issuer,
            before={"count": len(current)},
            after={"count": len(wanted), "added": len(added), "removed": len(removed)},
        )
    return directive


def _validate_task(task: Task) -> None:
    if task.remind_days_before:
        try:
            days = [int(x) for x in task.remind_days_before.split(",") if x.strip()]
        except ValueError:
            raise ValidationError(
                {"remind_days_before": _("Write the days as numbers separated by commas, e.g. 7,2.")}
            ) from None
        if any(d <= 0 for d in days):
            raise ValidationError({"remind_days_before": _("Days before the deadline must be positive numbers.")})
        task.remind_days_before = ",".join(str(d) for d in sorted(set(days), reverse=True))
    task.full_clean(exclude=["directive"])


@transaction.atomic
def task_add(*, by: User, directive: Directive, **fields: Any) -> Task:
    task = Task(directive=directive, **fields)
    _validate_task(task)
    task.save()
    if directive.status == Directive.Status.ISSUED:
        _create_assignments(task, directive.recipients.all())
        rollups.rebuild(task)
    log_action(
        "directive.task.added", actor=by, obj=task, unit=directive.issuing_unit, after=snapshot(task, TASK_FIELDS)
    )
    return task


@transaction.atomic
def task_update(*, by: User, task: Task, expected_version: int | None = None, **fields: Any) -> Task:
    """Change a task; refused (StaleVersion) if it changed since `expected_version`."""
    task = versions.lock(Task.objects.select_related("directive"), expected_version, pk=task.pk)
    before = snapshot(task, TASK_FIELDS)
    for name, value in fields.items():
        setattr(task, name, value)
    _validate_task(task)
    versions.bump(task)
    task.save()
    after = snapshot(task, TASK_FIELDS)
    if before["deadline"] != after["deadline"] and task.directive.status == Directive.Status.ISSUED:
        # On time / late follows the deadline in force: recompute from the first report times.
        for a in Assignment.objects.filter(task=task, first_reported_at__isnull=False):
            a.on_time = a.first_reported_at is not None and a.first_reported_at <= task.deadline
            if a.state in (Assignment.State.ON_TIME, Assignment.State.LATE):
                a.state = Assignment.State.ON_TIME if a.on_time else Assignment.State.LATE
            a.save(update_fields=["on_time", "state"])
        _refresh_expected(task)
        rollups.rebuild(task)
    if after != before:
        log_action(
            "directive.task.updated", actor=by, obj=task, unit=task.directive.issuing_unit, before=before, after=after
        )
    return task


def _active_during(task: Task, field: str = "") -> Q:
    """Units active for at least one day of the task's span: only they are expected to do it."""
    start, end = task.span()
    return (Q(**{f"{field}active_from__isnull": True}) | Q(**{f"{field}active_from__lte": end})) & (
        Q(**{f"{field}active_to__isnull": True}) | Q(**{f"{field}active_to__gte": start})
    )


def _create_assignments(task: Task, units: QuerySet[Unit]) -> None:
    """One assignment per unit of the queryset `units`, read in one streamed query."""
    rows = units.annotate(is_expected=ExpressionWrapper(_active_during(task), output_field=BooleanField())).values_list(
        "id", "path", "name_sort", "is_expected"
    )
    batch = []
    for uid, path, sort, expected in rows.iterator(chunk_size=5000):
        batch.append(Assignment(task=task, unit_id=uid, unit_path=path, unit_sort=sort, expected=bool(expected)))
        if len(batch) == 5000:
            Assignment.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Assignment.objects.bulk_create(batch, ignore_conflicts=True)


def _refresh_expected(task: Task) -> None:
    Assignment.objects.filter(task=task).update(
        expected=Exists(Unit.objects.filter(_active_during(task), pk=OuterRef("unit_id")))
    )


def check_issuable(directive: Directive) -> int:
    """Why a directive cannot be issued yet (a ValidationError), else its number of recipients."""
    if directive.status == Directive.Status.ISSUED:
        raise ValidationError(_("This directive has already been issued."))
    if not directive.number:
        raise ValidationError({"number": _("Give the directive its number and symbol before issuing it.")})
    recipient_count = directive.recipients.count()
    if not recipient_count:
        raise ValidationError(_("Choose the recipients before issuing the directive."))
    if not directive.tasks.exists():
        raise ValidationError(_("Add at least one task before issuing the directive."))
    return recipient_count


@transaction.atomic
def directive_issue(*, by: User, directive: Directive) -> Directive:
    """Issue: one assignment per recipient and task, and the rollups. For tens of thousands of
    recipients the page runs this as a background job (see jobs.py)."""
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    recipient_count = check_issuable(directive)
    units = directive.recipients.all()
    tasks = list(directive.tasks.all())
    directive.status = Directive.Status.ISSUED
    directive.issued_at = timezone.now()
    # A new version: an edit form opened on the draft is told it was issued meanwhile.
    directive.save(update_fields=versions.bump(directive, ["status", "issued_at"]))
    for task in tasks:
        task.directive = directive
        _create_assignments(task, units)
        rollups.rebuild(task)
    log_action(
        "directive.issued",
        actor=by,
        obj=directive,
        unit=directive.issuing_unit,
        after={"recipients": recipient_count, "tasks": len(tasks)},
    )
    return directive


# --- Reports -------------------------------------------------------------------------------


def clean_report_data(task: Task, data: dict[str, Any]) -> dict[str, Any]:
    if task.report_form == ReportForm.FANPAGE:
        from loa.fanpages.services import clean_page_data

        return clean_page_data(data)
    return {"note": (data.get("note") or "").strip()}


class ReportReceipt:
    """What the officer sees after submitting: the time, the version, and whether it was on time."""

    def __init__(self, assignment: Assignment, report: Report, duplicate: bool = False) -> None:
        self.assignment, self.report, self.duplicate = assignment, report, duplicate

    @property
    def received_at(self) -> datetime | None:
        return self.report.submitted_at


@transaction.atomic
def report_submit(
    *,
    by: User,
    assignment: Assignment,
    data: dict[str, Any],
    source: str = "web",
    at: datetime | None = None,
    replace_page: bool = False,
    file_name: str = "",
    identical_is_duplicate: bool = False,
) -> ReportReceipt:
    """Record a unit's report. Never refused for being late: marked late. A resubmission after a
    return marks the report corrected; an identical resubmission within minutes is a double tap, and
    with `identical_is_duplicate` (a file imported again, days later) at any time."""
    assignment = (
        Assignment.objects.select_for_update().select_related("task", "task__directive", "unit").get(pk=assignment.pk)
    )
    task = assignment.task
    if task.directive.status != Directive.Status.ISSUED:
        raise ValidationError(_("This directive has not been issued yet."))
    clean = clean_report_data(task, data)
    if task.report_form == ReportForm.FANPAGE and not clean["url"] and not clean.get("no_page"):
        # A form without the address names the unit's registered Page: the report carries its address.
        clean["url"] = page_register.registered_url(assignment.unit)
    now = at or timezone.now()
    report = Report.objects.select_for_update().filter(assignment=assignment).first()
    if (
        report
        and report.data == clean
        and assignment.state != Assignment.State.RETURNED
        and report.submitted_at
        and (identical_is_duplicate or abs(now - report.submitted_at) < DOUBLE_SUBMIT_WINDOW)
    ):
        return ReportReceipt(assignment, report, duplicate=True)
    if task.report_form == ReportForm.FANPAGE and not clean.get("no_page"):
        from loa.fanpages.services import register_page

        register_page(by=by, unit=assignment.unit, data=clean, source="report", replace=replace_page)
    before = rollups.contribution(assignment)
    old_state = assignment.state
    if assignment.first_reported_at is None:
        assignment.first_reported_at = now
        assignment.on_time = now <= task.deadline
        assignment.state = Assignment.State.ON_TIME if assignment.on_time else Assignment.State.LATE
    elif assignment.state == Assignment.State.RETURNED:
        assignment.state = Assignment.State.CORRECTED
    assignment.last_reported_at = now
    assignment.save(update_fields=["first_reported_at", "on_time", "state", "last_reported_at"])
    user = by if getattr(by, "pk", None) else None
    if report is None:
        report = Report(assignment=assignment)
    report.data, report.version = clean, report.version + 1
    report.submitted_by, report.submitted_at = user, now
    report.save()
    ReportVersion.objects.create(
        report=report,
        number=report.version,
        data=clean,
        submitted_by=user,
        submitted_at=now,
        source=source,
        file_name=file_name,
    )
    log_action(
        "directive.report.submitted" if report.version == 1 else "directive.report.resubmitted",
        actor=by,
        obj=task,
        unit=assignment.unit,
        before={"state": old_state},
        after={"state": assignment.state, "version": report.version, "source": source, **clean},
    )
    # Last: the UPDATE locks the rollup rows of every unit above, the country's and the province's
    # among them, which every unit's first report also updates. Held from here to the commit only,
    # not through the writes above (the deadline-day replay saw filings queue on these rows).
    rollups.apply_change(assignment, before)
    return ReportReceipt(assignment, report)


@transaction.atomic
def report_return(*, by: User, assignment: Assignment, reason: str) -> Assignment:
    reason = strip_controls(reason or "").strip()  # written with update(): the models' guard does not see it
    if not reason:
        raise ValidationError({"reason": _("Say why the report is returned, so the unit knows what to fix.")})
    assignment = Assignment.objects.select_for_update().select_related("task", "unit").get(pk=assignment.pk)
    if assignment.first_reported_at is None:
        raise ValidationError(_("This unit has not reported yet: there is nothing to return."))
    if assignment.state == Assignment.State.RETURNED:
        raise ValidationError(_("This report has already been returned and awaits the unit's correction."))
    before = rollups.contribution(assignment)
    old_state = assignment.state
    assignment.state = Assignment.State.RETURNED
    assignment.save(update_fields=["state"])
    rollups.apply_change(assignment, before)
    Report.objects.filter(assignment=assignment).update(
        returned_at=timezone.now(), return_reason=reason, returned_by=by if getattr(by, "pk", None) else None
    )
    log_action(
        "directive.report.returned",
        actor=by,
        obj=assignment.task,
        unit=assignment.unit,
        before={"state": old_state},
        after={"state": assignment.state},
        note=reason,
    )
    return assignment


def pending_q() -> Q:
    """Assignments still owing their report: never reported, or returned and not yet corrected."""
    return Q(first_reported_at__isnull=True) | Q(state=Assignment.State.RETURNED)


@transaction.atomic
def attachment_add(*, by: User, directive: Directive, upload: UploadedFile) -> Attachment:
    """Attach an uploaded PDF or Word file to a directive, kept under a generated name; raises
    ValidationError when the bytes are neither."""
    # check_upload raises for anything that is not one of the kinds asked for: a kind comes back.
    kind = cast(str, check_upload(upload, (PDF, DOCX)))
    attachment = Attachment(
        directive=directive,
        name=(upload.name or "")[:255],
        content_type=CONTENT_TYPES[kind],
        size=upload.size or 0,
        uploaded_by=by,
    )
    attachment.file.save(generated_name(kind), upload, save=False)
    attachment.save()
    log_action(
        "directive.attachment.added",
        actor=by,
        obj=directive,
        unit=directive.issuing_unit,
        after={"file": attachment.name, "size": attachment.size},
    )
    return attachment
