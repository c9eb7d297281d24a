"""/api/v1/directives: directives, their tasks, each unit's report and the completeness figures.

The same rules as the directive pages (`loa.directives.access`): a directive is visible when it was
issued within the caller's units or sent to one of them; anything out of reach answers 404. Writing
a directive or returning a report needs ISSUE_DIRECTIVES over the issuing unit, submitting a report
REPORT_FOR_UNIT over the unit; a caller who can see but not do answers 403. Writes go through
`loa.directives.services`, which validate and write the audit log.
"""

from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from loa.accounts import year_tree
from loa.accounts.capabilities import Capability
from loa.accounts.models import User
from loa.accounts.scope import can, get_unit_or_404
from loa.api.errors import READ, WRITE, Forbidden, answers
from loa.api.pagination import Pages
from loa.api.types import OMITTED, AuthedRequest, Day, Id, In, Instant, SmallCount
from loa.api.versions import VERSION, Version, patched_fields, responses, versioned_write
from loa.directives import notices, services
from loa.directives.access import (
    can_issue,
    get_assignment,
    get_directive,
    get_task,
    tracking_node,
    visible_directives,
)
from loa.directives.deadlines import deadline_text
from loa.directives.files import attachment_response
from loa.directives.models import Assignment, Attachment, Directive, ReportVersion, Rollup, Task
from loa.directives.selectors import SORTS, STATE_FILTERS, task_figures, tasks_with_figures, tracked_assignments
from loa.units.models import Unit, UnitKind

router = Router(tags=["directives"])


# --- Schemas out -----------------------------------------------------------------------------


class UnitRef(Schema):
    id: int
    code: str
    name: str


class DirectiveOut(Schema):
    id: int
    number: str
    kind: str
    issued_on: date
    summary: str
    issuing_unit: UnitRef
    status: str
    issued_at: datetime | None
    task_count: int


class TaskOut(Schema):
    id: int
    directive: int = Field(..., alias="directive_id")
    title: str
    description: str
    deadline: datetime
    deadline_text: str
    report_form: str
    remind_days_before: str
    remind_on_day: bool
    remind_every_days_after: int
    remind_stop_after_days: int
    version: int = Field(..., description="Send it back with a change (PATCH).")

    @staticmethod
    def resolve_deadline_text(obj: Task) -> str:
        return str(deadline_text(obj.deadline))


class Figures(Schema):
    """A rollup row: counts of expected units (active during the task) under a unit, and the ratios."""

    unit: UnitRef
    expected: int
    reported: int
    on_time: int
    late: int
    returned: int
    missing: int
    completeness: float = Field(..., description="reported ÷ expected (0 when nothing is expected)")
    timeliness: float = Field(..., description="on time ÷ expected (0 when nothing is expected)")

    @staticmethod
    def resolve_missing(obj: Rollup) -> int:
        return obj.expected - obj.reported

    @staticmethod
    def resolve_completeness(obj: Rollup) -> float:
        return round(obj.reported / obj.expected, 4) if obj.expected else 0.0

    @staticmethod
    def resolve_timeliness(obj: Rollup) -> float:
        return round(obj.on_time / obj.expected, 4) if obj.expected else 0.0


class AssignmentStateOut(Schema):
    """Where a unit stands on a task."""

    unit: UnitRef
    expected: bool
    state: str
    state_label: str
    on_time: bool
    first_reported_at: datetime | None
    last_reported_at: datetime | None


class AssignmentOut(AssignmentStateOut):
    parent: UnitRef | None

    @staticmethod
    def resolve_parent(obj: Assignment) -> Unit | None:
        """Today's parent, or the one of the task's year's tree (`tree=year`, a past year)."""
        return obj.shown_parent

    @staticmethod
    def resolve_state_label(obj: Assignment) -> str:
        return str(obj.get_state_display())


class TaskWithTotals(TaskOut):
    totals: Figures | None = Field(
        None,
        description=(
            "The figures of an issued directive: at the issuing unit for whoever may view it; a recipient sees "
            "only its own unit's (the tracking page's rule, `unit` says which)."
        ),
    )
    assignment: AssignmentOut | None = Field(
        None, description=("A recipient's own assignment for this task (its state); null for the issuer's staff.")
    )


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_at: datetime
    url: str


class DirectiveDetailOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    issued_on: date
    place: str
    summary: str
    issuing_unit: UnitRef
    superior_body: str
    salutation: str
    body: str
    distribution: str
    signer_capacity: str
    signer_title: str
    signer_name: str
    status: str
    issued_at: datetime | None
    recipient_count: int
    tasks: list[TaskWithTotals]
    attachments: list[AttachmentOut]
    documents: dict = Field(..., description="Download URLs of the directive as an official document: docx, pdf.")
    can_issue: bool
    version: int = Field(..., description="Send it back with a change (PATCH).")


class TrackingOut(Schema):
    task: TaskOut
    directive: DirectiveOut
    node: UnitRef = Field(..., description="The unit the figures are for (`?unit=`, default as the tracking page).")
    totals: Figures | None
    children: list[Figures] = Field(..., description="The units directly below the node that have units below them.")
    can_issue: bool
    year: int = Field(..., description="The task's year: its deadline's.")
    tree: year_tree.Tree = Field(..., description="The tree the figures are grouped by (`tree=`).")


class VersionOut(Schema):
    number: int
    data: dict
    submitted_at: datetime
    submitted_by: str | None
    source: str
    file_name: str

    @staticmethod
    def resolve_submitted_by(obj: ReportVersion) -> str | None:
        return obj.submitted_by.display_name() if obj.submitted_by else None


class ReportOut(AssignmentStateOut):
    task: int
    data: dict | None = Field(..., description="The latest report; null before the first one.")
    version: int
    submitted_at: datetime | None
    returned_at: datetime | None
    return_reason: str
    versions: list[VersionOut]
    can_report: bool
    can_return: bool


class ReceiptOut(Schema):
    task: int
    unit: UnitRef
    received_at: datetime
    version: int
    state: str
    state_label: str
    on_time: bool
    duplicate: bool = Field(
        ..., description="true: the same report had just been received; nothing was recorded twice."
    )


# --- Schemas in ------------------------------------------------------------------------------


class DirectiveCreateIn(In):
    issuing_unit: Id = Field(..., description="Id of the unit that issues the directive.")
    number: str = Field(
        "",
        max_length=60,
        description="Number and symbol, e.g. 812/TB-CĐVC. May be empty while drafting; needed to issue.",
    )
    kind: str = Field(OMITTED, description="CV, TB, HD, KH, QĐ or CT.")
    issued_on: Day
    place: str = Field(OMITTED, max_length=60)
    summary: str = Field(..., min_length=1, max_length=500)
    superior_body: str = Field(OMITTED, max_length=200)
    salutation: str = Field(OMITTED, max_length=300)
    body: str = Field(..., min_length=1)
    distribution: str = Field(OMITTED, description="One recipient per line.")
    signer_capacity: str = Field(OMITTED, max_length=80)
    signer_title: str = Field(OMITTED, max_length=80)
    signer_name: str = Field(..., min_length=1, max_length=120)


class DirectiveUpdateIn(In):
    """Only the fields sent are changed."""

    version: Version | None = VERSION
    number: str = Field(OMITTED, max_length=60)
    kind: str = OMITTED
    issued_on: Day = OMITTED
    place: str = Field(OMITTED, max_length=60)
    summary: str = Field(OMITTED, min_length=1, max_length=500)
    superior_body: str = Field(OMITTED, max_length=200)
    salutation: str = Field(OMITTED, max_length=300)
    body: str = Field(OMITTED, min_length=1)
    distribution: str = OMITTED
    signer_capacity: str = Field(OMITTED, max_length=80)
    signer_title: str = Field(OMITTED, max_length=80)
    signer_name: str = Field(OMITTED, min_length=1, max_length=120)


class RecipientsIn(In):
    mode: Literal["all", "kind", "units"] = Field(
        ...,
        description="all: every CĐCS under the issuer; kind: every unit of one kind under it; units: the ids given.",
    )
    kind: str | None = Field(None, description="Unit kind code, for mode=kind.")
    # Bounded: a list by hand is for a few units ("all" and "kind" choose thousands), and a longer
    # one would become a query with more parameters than SQLite takes.
    units: list[Id] = Field(default_factory=list, max_length=10_000, description="Unit ids, for mode=units.")
    active_only: bool = Field(True, description="Only units active on the directive's date.")


class TaskIn(In):
    title: str = Field(..., min_length=1, max_length=300)
    description: str = ""
    deadline: Instant = Field(
        ...,
        description="An exact instant; without an offset it is local time (Asia/Ho_Chi_Minh). "
        "“Before 30/4/2021” is 2021-04-30T00:00:00+07:00.",
    )
    report_form: str = Field("", description="'' (no report) or 'fanpage'.")
    remind_days_before: str = Field(OMITTED, max_length=40, description="E.g. 7,2")
    remind_on_day: bool = OMITTED
    remind_every_days_after: SmallCount = OMITTED
    remind_stop_after_days: SmallCount = OMITTED


class TaskUpdateIn(TaskIn):
    """Only the fields sent are changed."""

    version: Version | None = VERSION
    title: str = Field(OMITTED, min_length=1, max_length=300)
    description: str = OMITTED
    deadline: Instant = OMITTED
    report_form: str = OMITTED


class ReportIn(In):
    """The Fanpage form's fields (a task without a form takes only `note`)."""

    name: str = Field("", max_length=255, description="The Page's exact name")
    url: str = Field("", max_length=300, description="Optional: facebook.com/… or fb.com/…")
    admin_name: str = Field("", max_length=150)
    admin_phone: str = Field("", max_length=60, description="One number, or several: the first is the main one.")
    other_phones: str = Field("", max_length=200)
    note: str = ""
    no_page: bool = Field(False, description="The unit has no Page yet; the note says why.")
    replace_page: bool = Field(False, description="Replace the unit's registered Page with this one.")


class ReturnIn(In):
    reason: str = Field("", description="Why the report is returned; the unit reads it. Required.")


class DirectiveFilters(Schema):
    status: Literal["draft", "issued"] | None = None
    q: str = Field("", description="Search in the number and the summary.")


TREE_FIELD = Field(
    year_tree.YEAR,
    description="`year` (the default): a past year's recipients grouped under the parents they had in the task's "
    "year (its deadline's; 31 December, or today for the current year), `today`: under today's. Who may read what "
    "follows today's tree; by a past year's tree, also the units that were under one's units then.",
)


class AssignmentFilters(Schema):
    unit: Id | None = Field(None, description="Only units under this one (default as the tracking page).")
    state: Literal[tuple(STATE_FILTERS)] | None = None  # type: ignore[valid-type]  # choices computed at import, listed in the schema
    q: str = Field("", description="Search in unit names and codes, ignoring accents.")
    sort: Literal[tuple(SORTS)] = "name"  # type: ignore[valid-type]  # choices computed at import, listed in the schema
    tree: year_tree.Tree = TREE_FIELD


# --- Helpers ---------------------------------------------------------------------------------


def _directive_to_issue(user: User, directive_id: int) -> Directive:
    directive = get_directive(user, directive_id)
    if not can_issue(user, directive):
        raise Forbidden(_("You may view this directive but not change it."))
    return directive


def _task_to_issue(user: User, task_id: int) -> Task:
    task = get_task(user, task_id)
    if not can_issue(user, task.directive):
        raise Forbidden(_("You may view this directive but not change it."))
    return task


def _kind(code: str) -> UnitKind:
    kind = UnitKind.objects.filter(code=code).first()
    if kind is None:
        raise ValidationError({"kind": _("There is no unit kind with the code “%(code)s”.") % {"code": code}})
    return kind


def _directive_row(directive_id: int) -> Directive:
    return Directive.objects.select_related("issuing_unit").annotate(task_count=Count("tasks")).get(pk=directive_id)


DIRECTIVE_FIELDS = ("id", "issuing_unit", *services.DIRECTIVE_FIELDS, "issued_at", "version")


def _detail(request: AuthedRequest, directive: Directive) -> dict[str, Any]:
    directive = Directive.objects.select_related("issuing_unit").get(pk=directive.pk)
    tasks = tasks_with_figures(request.user, list(directive.tasks.select_related("directive__issuing_unit")))
    absolute = request.build_absolute_uri
    return {
        **{name: getattr(directive, name) for name in DIRECTIVE_FIELDS},
        "kind_label": str(directive.get_kind_display()),
        "recipient_count": directive.recipient_rows.count(),
        "tasks": tasks,
        "attachments": [
            {
                "id": a.id,
                "name": a.name,
                "content_type": a.content_type,
                "size": a.size,
                "uploaded_at": a.uploaded_at,
                "url": absolute(reverse("api:download_attachment", args=[directive.pk, a.pk])),
            }
            for a in directive.attachments.order_by("uploaded_at", "id")
        ],
        "documents": {
            fmt: absolute(reverse("directives:document", args=[directive.pk, fmt])) for fmt in ("docx", "pdf")
        },
        "can_issue": can_issue(request.user, directive),
    }


def _report(request: AuthedRequest, assignment: Assignment) -> dict[str, Any]:
    report = getattr(assignment, "report", None)
    versions = list(report.versions.select_related("submitted_by")) if report else []
    return {
        "task": assignment.task_id,
        "unit": assignment.unit,
        "expected": assignment.expected,
        "state": assignment.state,
        "state_label": str(assignment.get_state_display()),
        "on_time": assignment.on_time,
        "first_reported_at": assignment.first_reported_at,
        "last_reported_at": assignment.last_reported_at,
        "data": report.data if report else None,
        "version": report.version if report else 0,
        "submitted_at": report.submitted_at if report else None,
        "returned_at": report.returned_at if report else None,
        "return_reason": report.return_reason if report else "",
        "versions": versions,
        "can_report": can(request.user, Capability.REPORT_FOR_UNIT, assignment.unit),
        "can_return": can_issue(request.user, assignment.task.directive),
    }


# --- Directives ------------------------------------------------------------------------------


@router.get("", response=answers(list[DirectiveOut], *READ), summary="List directives")
@paginate(Pages)
def list_directives(request: AuthedRequest, filters: Query[DirectiveFilters]) -> QuerySet[Directive]:
    """Directives issued within the caller's units or sent to them, newest first."""
    qs = (
        visible_directives(request.user)
        .select_related("issuing_unit")
        .annotate(task_count=Count("tasks", distinct=True))
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    q = filters.q.strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(summary__icontains=q))
    return qs.order_by("-issued_on", "-id")


@router.get("/{int:directive_id}", response=answers(DirectiveDetailOut, *READ), summary="A directive")
def get_directive_detail(request: AuthedRequest, directive_id: Id) -> dict[str, Any]:
    """With its tasks (and their figures at the issuer), recipient count and attachments."""
    return _detail(request, get_directive(request.user, directive_id))


@router.post("", response=answers({201: DirectiveDetailOut}, *WRITE), summary="Create a draft directive")
def create_directive(request: AuthedRequest, payload: DirectiveCreateIn) -> Status:
    issuer = get_unit_or_404(request.user, Capability.VIEW, pk=payload.issuing_unit)
    if not can(request.user, Capability.ISSUE_DIRECTIVES, issuer):
        raise Forbidden(_("You may not issue directives for this unit."))
    fields = payload.dict(exclude={"issuing_unit"}, exclude_none=True)
    directive = services.directive_create(by=request.user, issuing_unit=issuer, **fields)
    return Status(201, _detail(request, directive))


@router.patch("/{int:directive_id}", response=responses(DirectiveDetailOut), summary="Change a directive")
def update_directive(request: AuthedRequest, directive_id: Id, payload: DirectiveUpdateIn) -> Status:
    directive = _directive_to_issue(request.user, directive_id)
    fields = patched_fields(payload)
    return versioned_write(
        payload.version,
        lambda version: services.directive_update(
            by=request.user, directive=directive, expected_version=version, **fields
        ),
        lambda directive: _detail(request, directive),
    )


@router.put(
    "/{int:directive_id}/recipients", response=answers(DirectiveDetailOut, *WRITE), summary="Choose the recipients"
)
def set_recipients(request: AuthedRequest, directive_id: Id, payload: RecipientsIn) -> dict[str, Any]:
    """Replaces the recipient list (after issue, recipients can only be added)."""
    directive = _directive_to_issue(request.user, directive_id)
    kind = None
    if payload.mode == "kind":
        if not payload.kind:
            raise ValidationError({"kind": _("Choose the kind of unit.")})
        kind = _kind(payload.kind)
    wanted = set(payload.units)
    if payload.mode == "units" and not wanted:
        raise ValidationError({"units": _("Give at least one unit id.")})
    units = list(
        services.choose_recipients(
            user=request.user,
            directive=directive,
            mode="hand" if payload.mode == "units" else payload.mode,
            kind=kind,
            unit_ids=wanted,
            active_only=payload.active_only,
        )
    )
    if payload.mode == "units":
        unknown = sorted(wanted - {u.pk for u in units})
        if unknown:
            raise ValidationError(
                {
                    "units": _("These units are not under the issuing unit or not in reach: %(ids)s.")
                    % {"ids": ", ".join(map(str, unknown))}
                }
            )
    services.directive_set_recipients(by=request.user, directive=directive, units=units)
    return _detail(request, directive)


@router.post("/{int:directive_id}/tasks", response=answers({201: TaskOut}, *WRITE), summary="Add a task")
def add_task(request: AuthedRequest, directive_id: Id, payload: TaskIn) -> Status:
    directive = _directive_to_issue(request.user, directive_id)
    fields = payload.dict(exclude_none=True)
    task = services.task_add(by=request.user, directive=directive, **fields)
    return Status(201, task)


class IssuedOut(DirectiveDetailOut):
    messages_queued: int = Field(
        ...,
        description="Messages queued to tell the recipients' officers (one per officer, "
        "by Zalo or e-mail; a unit without officers at its contact address).",
    )


@router.post("/{int:directive_id}/issue", response=answers(IssuedOut, *WRITE), summary="Issue the directive")
def issue_directive(request: AuthedRequest, directive_id: Id) -> dict[str, Any]:
    """Creates one assignment per recipient and task, and queues the message that tells each recipient's
    officers, with a one-tap link to their form; units can then report. Issuing twice is refused."""
    directive = _directive_to_issue(request.user, directive_id)
    directive, queued = notices.issue_and_notify(by=request.user, directive=directive)
    return {**_detail(request, directive), "messages_queued": queued}


@router.get(
    "/{int:directive_id}/attachments/{int:attachment_id}",
    summary="Download an attached file",
    response=answers({200: None}, *READ),
    url_name="download_attachment",
)
def download_attachment(request: AuthedRequest, directive_id: Id, attachment_id: Id) -> HttpResponse:
    """The file itself (PDF or DOCX), to whoever may read the directive."""
    directive = get_directive(request.user, directive_id)
    attachment = get_object_or_404(Attachment, pk=attachment_id, directive=directive)
    return attachment_response(request, attachment)


# --- Tasks and their figures -----------------------------------------------------------------


@router.patch("/tasks/{int:task_id}", response=responses(TaskOut), summary="Change a task")
def update_task(request: AuthedRequest, task_id: Id, payload: TaskUpdateIn) -> Status:
    task = _task_to_issue(request.user, task_id)
    fields = patched_fields(payload)
    return versioned_write(
        payload.version,
        lambda version: services.task_update(by=request.user, task=task, expected_version=version, **fields),
        lambda task: task,
    )


@router.get(
    "/tasks/{int:task_id}", response=answers(TrackingOut, *READ), summary="A task with its completeness figures"
)
def get_task_figures(
    request: AuthedRequest, task_id: Id, unit: Id | None = None, tree: year_tree.Tree = year_tree.YEAR
) -> dict[str, Any]:
    """Figures at `unit` (default: the issuer, or the caller's own unit) and at each unit below it.
    `tree=year` (the default): a past year's recipients grouped under the parents they had in the
    task's year (its deadline's); `tree=today`: under today's."""
    task = get_task(request.user, task_id)
    node = tracking_node(request.user, task, unit)
    totals, children = task_figures(request.user, task, node, tree)
    return {
        "task": task,
        "directive": _directive_row(task.directive_id),
        "node": node,
        "totals": totals,
        "children": children,
        "can_issue": can_issue(request.user, task.directive),
        "year": task.year,
        "tree": tree,
    }


@router.get(
    "/tasks/{int:task_id}/assignments",
    response=answers(list[AssignmentOut], *READ),
    summary="Each unit's state for a task",
)
@paginate(Pages)
def list_assignments(request: AuthedRequest, task_id: Id, filters: Query[AssignmentFilters]) -> QuerySet[Assignment]:
    """The units under `unit` the caller may view. state: missing (expected, not reported), pending
    (not reported or returned), on_time, late, returned, corrected, reported. sort: name, state,
    reported, -reported."""
    task = get_task(request.user, task_id)
    node = tracking_node(request.user, task, filters.unit)
    return tracked_assignments(
        request.user, task, node, state=filters.state or "", q=filters.q, sort=filters.sort, tree=filters.tree
    )


# --- Reports ---------------------------------------------------------------------------------


@router.get(
    "/tasks/{int:task_id}/units/{int:unit_id}/report", response=answers(ReportOut, *READ), summary="A unit's report"
)
def get_report(request: AuthedRequest, task_id: Id, unit_id: Id) -> dict[str, Any]:
    """The latest data, the state, and every version submitted."""
    return _report(request, get_assignment(request.user, task_id, unit_id, Capability.VIEW))


@router.post(
    "/tasks/{int:task_id}/units/{int:unit_id}/report",
    response=answers({200: ReceiptOut, 201: ReceiptOut}, *WRITE),
    summary="Submit a unit's report",
)
def submit_report(request: AuthedRequest, task_id: Id, unit_id: Id, payload: ReportIn) -> Status:
    """Never refused for being late: marked late. 201 with the receipt; 200 with `duplicate: true`
    when the same report had just been received (a double submit records nothing)."""
    assignment = get_assignment(request.user, task_id, unit_id, Capability.VIEW)
    if not can(request.user, Capability.REPORT_FOR_UNIT, assignment.unit):
        raise Forbidden(_("You may view this unit's report but not submit it."))
    data = payload.dict(exclude={"replace_page"})
    receipt = services.report_submit(
        by=request.user, assignment=assignment, data=data, source="api", replace_page=payload.replace_page
    )
    a = receipt.assignment
    body = {
        "task": a.task_id,
        "unit": a.unit,
        "received_at": receipt.received_at,
        "version": receipt.report.version,
        "state": a.state,
        "state_label": str(a.get_state_display()),
        "on_time": a.on_time,
        "duplicate": receipt.duplicate,
    }
    return Status(200 if receipt.duplicate else 201, body)


@router.post(
    "/tasks/{int:task_id}/units/{int:unit_id}/return", response=answers(ReportOut, *WRITE), summary="Return a report"
)
def return_report(request: AuthedRequest, task_id: Id, unit_id: Id, payload: ReturnIn) -> dict[str, Any]:
    """Sends the report back to the unit with a reason (required); the unit's officers are e-mailed."""
    assignment = get_assignment(request.user, task_id, unit_id, Capability.VIEW)
    if not can_issue(request.user, assignment.task.directive):
        raise Forbidden(_("Only the issuing unit may return a report."))
    services.report_return(by=request.user, assignment=assignment, reason=payload.reason)
    notices.report_returned(assignment=assignment, reason=payload.reason.strip())
    assignment = get_assignment(request.user, task_id, unit_id, Capability.VIEW)
    return _report(request, assignment)
