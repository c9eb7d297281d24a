"""Reads shared by pages, exports and the API: what a unit still owes, a task's tracking list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.http import Http404

from loa.accounts.capabilities import Capability
from loa.accounts.scope import can, path_q
from loa.core.text import search_terms
from loa.directives.access import tracking_node
from loa.directives.models import Assignment, Directive, ReportForm, Rollup
from loa.directives.services import pending_q

if TYPE_CHECKING:
    from loa.accounts.models import User
    from loa.directives.models import Task
    from loa.units.models import Unit

# The tracking list's filters and sorts: the page, the xlsx export and the API take the same names.
STATE_FILTERS = {
    "missing": Q(expected=True, first_reported_at__isnull=True),
    "pending": pending_q(),
    "on_time": Q(state=Assignment.State.ON_TIME),
    "late": Q(state=Assignment.State.LATE),
    "returned": Q(state=Assignment.State.RETURNED),
    "corrected": Q(state=Assignment.State.CORRECTED),
    "reported": Q(first_reported_at__isnull=False),
}
SORTS = {
    "name": ("unit_sort", "id"),
    "state": ("state", "unit_sort", "id"),
    # Units that have not reported come last either way, on SQLite and PostgreSQL alike.
    "reported": (F("first_reported_at").asc(nulls_last=True), "unit_sort", "id"),
    "-reported": (F("first_reported_at").desc(nulls_last=True), "unit_sort", "id"),
}


def replies_q(user: User, task: Task, node: Unit) -> Q:
    """The assignments of `task` under `node` that `user` may view, as a Q. An issuer always sees
    the replies to its own directives: at the issuing unit, whoever may view it sees every
    recipient's assignment, also those of units moved from under it since the directive was sent
    (the tree changed, the directive's recipients did not)."""
    issuer = task.directive.issuing_unit
    if node.pk == issuer.pk and can(user, Capability.VIEW, issuer):
        return Q(task=task)
    return Q(task=task, unit_path__startswith=node.path) & path_q(user, Capability.VIEW, field="unit_path")


def tracked_assignments(
    user: User, task: Task, node: Unit, *, state: str = "", q: str = "", sort: str = "name"
) -> QuerySet[Assignment]:
    """A task's assignments under `node` that `user` may view, filtered and sorted; one query.
    Unknown states and sorts are ignored (no filter, by name)."""
    qs = Assignment.objects.filter(replies_q(user, task, node))
    if state in STATE_FILTERS:
        qs = qs.filter(STATE_FILTERS[state])
    for term in search_terms(q.strip()) if q and q.strip() else ():
        qs = qs.filter(unit__search_text__contains=term)
    # The report and the registered Page come along for Assignment.page_gap (a page of 50 rows, or the
    # export's stream).
    return qs.select_related("unit", "unit__parent", "unit__fanpage", "report").order_by(
        *SORTS.get(sort, SORTS["name"])
    )


# A Fanpage report that says the unit has no Page yet, and one filed without the Page's address: both
# count as filed; staff see them apart (soft warnings, never a block).
NO_PAGE = Q(report__data__no_page=True)
# Compared as text: a JSON "" compared as JSON matches nothing on SQLite. A Fanpage report names its Page
# (a "no Page yet" report has an empty name, a task without a form no name at all). An address added to
# the register since the report fills the gap.
ADDRESS_MISSING = Q(report_url="", report_name__gt="") & (Q(unit__fanpage__isnull=True) | Q(unit__fanpage__url=""))


def page_gaps(user: User, task: Task, node: Unit) -> dict[str, int]:
    """How many reports under `node` that `user` may view say "no Page yet", and how many lack the
    Page's address: one grouped query whatever the number of units."""
    qs = Assignment.objects.filter(replies_q(user, task, node), first_reported_at__isnull=False)
    return qs.annotate(
        report_url=KeyTextTransform("url", "report__data"), report_name=KeyTextTransform("name", "report__data")
    ).aggregate(no_page=Count("id", filter=NO_PAGE), address_missing=Count("id", filter=ADDRESS_MISSING))


def child_rollups(task: Task, node: Unit) -> QuerySet[Rollup]:
    """The figures of the units directly below `node` that have units below them (not single CĐCS)."""
    return (
        Rollup.objects.filter(task=task, parent_unit_id=node.pk, expected__gt=1)
        .select_related("unit")
        .order_by("unit__name_sort")
    )


def due_for_units(unit_ids: Iterable[int], *, limit: int = 20) -> list[Assignment]:
    """Open tasks of these units (not reported, or returned), soonest deadline first, one query."""
    return list(
        Assignment.objects.filter(unit_id__in=unit_ids, expected=True, task__directive__status=Directive.Status.ISSUED)
        .filter(pending_q())
        .select_related("task", "task__directive", "unit", "report")
        .order_by("task__deadline", "task_id", "unit__name_sort")[:limit]
    )


def open_tasks_overview(units: Iterable[Unit], *, limit: int = 5) -> list[Rollup]:
    """The latest issued tasks' figures at the given top units: one query over the rollups."""
    return list(
        Rollup.objects.filter(unit__in=units, task__directive__status=Directive.Status.ISSUED)
        .select_related("task", "task__directive", "unit")
        .order_by("-task__deadline")[:limit]
    )


def tasks_with_figures(user: User, tasks: list[Task]) -> list[Task]:
    """Each task's `totals` and `assignment` as this user may see them (the directive's page and
    the API alike). The figures are those at the tracking page's unit (`tracking_node`): the
    issuer for whoever may view it, else the user's own unit under it, so that a recipient never
    reads the issuer's totals over all its recipients."""
    try:
        node = tracking_node(user, tasks[0]) if tasks else None
    except Http404:
        node = None
    totals = {r.task_id: r for r in Rollup.objects.filter(task__in=tasks, unit=node).select_related("unit")}
    own = {a.task_id: a for a in Assignment.objects.filter(task__in=tasks, unit=node).select_related("unit__parent")}
    for task in tasks:
        task.totals = totals.get(task.pk)  # type: ignore[attr-defined]  # the pages' and API's own attributes
        task.assignment = own.get(task.pk)  # type: ignore[attr-defined]
    return tasks


def _fanpage_tasks(year: int) -> Q:
    return Q(task__report_form=ReportForm.FANPAGE, task__deadline__year=year, task__directive__status="issued")


def fanpage_report_rows(units: QuerySet[Unit], year: int) -> QuerySet[Assignment, tuple[Any, ...]]:
    """(unit id, expected, reported, on time) of every assignment of the units (a queryset) to an
    issued Fanpage report task due in `year`: for the scoring."""
    # Whether a report came, not when: 130,000 timestamps cost more to read than the rest.
    return Assignment.objects.filter(_fanpage_tasks(year), unit__in=units).values_list(
        "unit_id",
        "expected",
        ExpressionWrapper(Q(first_reported_at__isnull=False), output_field=BooleanField()),
        "on_time",
    )


def fanpage_report_task_ids(unit: Unit, year: int) -> list[int]:
    """The ids of the issued Fanpage report tasks due in `year` that the unit was given."""
    return list(Assignment.objects.filter(_fanpage_tasks(year), unit=unit).values_list("task_id", flat=True))
