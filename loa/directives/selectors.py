"""Reads shared by pages, exports and the API: what a unit still owes, a task's tracking list.

A task's tracking (its figures drilled down the tree, its list, its export, the consolidated
report) belongs to the task's year (`Task.year`, its deadline's). By that year's tree (`tree=year`,
the default; `loa.accounts.year_tree`) a past year's recipients are grouped under the parents they
had on the year's tree day: the assignments are joined to the units' placements that day (a unit
with no placement that day, one created since by a merge or a split, counts where it stands today),
and the figures are one GROUP BY over them. By today's tree (`tree=today`, and always for the current
year) the figures are the rollups and the list reads `Assignment.unit_path`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, Concat, Substr
from django.http import Http404

from loa.accounts import year_tree
from loa.accounts.capabilities import Capability
from loa.accounts.scope import can, path_q
from loa.core.text import search_terms
from loa.directives.access import tracking_node
from loa.directives.models import Assignment, Directive, ReportForm, Rollup
from loa.directives.services import pending_q
from loa.units.models import Unit, UnitPlacement
from loa.units.search import held_by_at_most, matching_unit_ids, uses_search_rows
from loa.units.selectors import on

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

    from loa.accounts.models import User
    from loa.directives.models import Task

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
# A search whose rarest word fewer units hold has its matches sorted after they are found.
NARROW_SEARCH = 50_000
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


def tree_day(task: Task, tree: str) -> datetime.date | None:
    """The day whose tree groups the task's figures, or None for today's tree (`year_tree.past_day`
    of the task's year)."""
    return year_tree.past_day(task.year, tree)


def _placed(day: datetime.date) -> QuerySet[UnitPlacement]:
    """The placement on `day` of the outer assignment's unit (a subquery)."""
    return UnitPlacement.objects.filter(on(day), unit_id=OuterRef("unit_id")).order_by()


def _then(qs: QuerySet[Assignment], day: datetime.date) -> QuerySet[Assignment]:
    """The assignments with `then_path`: their unit's path on `day`, or today's for a unit that did
    not stand in the tree that day (created since, by a merge or a split)."""
    return qs.annotate(placed_path=Subquery(_placed(day).values("path")[:1])).annotate(
        then_path=Coalesce(F("placed_path"), F("unit_path"))
    )


def replies(user: User, task: Task, node: Unit, tree: str = year_tree.YEAR) -> QuerySet[Assignment]:
    """The assignments of `task` under `node` that `user` may view, by the task's year's tree or
    today's (`tree`). By today's: `replies_q`. By a past year's: the units under `node` on the tree
    day (their `then_path`), and who may view them as `year_tree.figures_q` says (today's tree,
    widened to the units then under one of the user's role units); at the issuing unit, as by
    today's, every recipient. Two queries at most before the rows (where the user's role units and
    `node` stood that day, `year_tree`), whatever the number of units."""
    day = tree_day(task, tree)
    if day is None:
        return Assignment.objects.filter(replies_q(user, task, node))
    qs = _then(Assignment.objects.filter(task=task), day)
    issuer = task.directive.issuing_unit
    if node.pk == issuer.pk and can(user, Capability.VIEW, issuer):
        return qs
    _roles, prefix = year_tree.paths_then(user, Capability.VIEW, day, node)
    reach = year_tree.figures_q(user, Capability.VIEW, task.year, tree)
    # A node that did not stand in the tree that day (created since) has, like the units created since,
    # its today's path.
    return qs.filter(reach, Q(then_path__startswith=prefix or node.path))


def tracked_assignments(
    user: User,
    task: Task,
    node: Unit,
    *,
    state: str = "",
    q: str = "",
    sort: str = "name",
    tree: str = year_tree.YEAR,
    parents: bool = True,
) -> QuerySet[Assignment]:
    """A task's assignments under `node` that `user` may view, filtered and sorted; one query
    (`replies`: two more by a past year's tree). Unknown states and sorts are ignored (no filter, by
    name). By a past year's tree each row carries the parent its unit had then (`then_parent_*`,
    read by `Assignment.shown_parent`), unless `parents` is false (a page that fetches its rows
    again gives them their parents with `parents_then`)."""
    qs = replies(user, task, node, tree)
    day = tree_day(task, tree)
    if day is not None and parents:
        qs = qs.annotate(
            then_parent_id=Case(
                When(placed_path__isnull=True, then=F("unit__parent_id")),
                default=Subquery(_placed(day).values("parent_id")[:1]),
                output_field=BigIntegerField(),
            )
        )
        parent = Unit.objects.filter(pk=OuterRef("then_parent_id"))
        qs = qs.annotate(
            then_parent_code=Subquery(parent.values("code")[:1]),
            then_parent_name=Subquery(parent.values("name")[:1]),
            then_parent_short=Subquery(parent.values("short_name")[:1]),
        )
    if state in STATE_FILTERS:
        qs = qs.filter(STATE_FILTERS[state])
    order: tuple[Any, ...] = SORTS.get(sort, SORTS["name"])
    if q and q.strip():
        qs = _searched(qs, q.strip())
        if order == SORTS["name"] and held_by_at_most(q, NARROW_SEARCH):
            # The same order, as an expression no index gives: the matches are found first and then
            # sorted (20,906 schools: 45 ms), where the planner, misjudging how many match, could walk
            # the task's whole list in name order to reach them (93,861 entries: 175 ms).
            order = (Concat("unit_sort", Value("")), "id")
    # The report and the registered Page come along for Assignment.page_gap (a page of 50 rows, or the
    # export's stream).
    return qs.select_related("unit", "unit__parent", "unit__fanpage", "report").order_by(*order)


def _searched(qs: QuerySet[Assignment], q: str) -> QuerySet[Assignment]:
    """The assignments whose unit's code, name or short name holds every word of `q` (accents
    ignored). On PostgreSQL the words go to the trigram index of the units' search rows
    (`loa.units.search`): the unit table has no index on its text, and scanning it (in parallel on
    a quiet machine) took 130–360 ms for a national task."""
    if uses_search_rows():
        return qs.filter(unit_id__in=matching_unit_ids(q))
    for term in search_terms(q):
        qs = qs.filter(unit__search_text__contains=term)
    return qs


def parents_then(assignments: list[Assignment], task: Task, tree: str) -> None:
    """Give fetched assignments the parent their unit had by the task's year's tree (as
    `tracked_assignments` annotates it, for rows fetched again without the annotations: a capped
    page): one query, none by today's tree. A unit with no place that day keeps today's parent."""
    day = tree_day(task, tree)
    if day is None or not assignments:
        return
    rows = UnitPlacement.objects.filter(on(day), unit_id__in=[a.unit_id for a in assignments]).values_list(
        "unit_id", "parent_id", "parent__code", "parent__name", "parent__short_name"
    )
    then = {row[0]: row[1:] for row in rows}
    for a in assignments:
        parent = a.unit.parent
        today = (parent.pk, parent.code, parent.name, parent.short_name) if parent else (None, None, None, None)
        a.then_parent_id, a.then_parent_code, a.then_parent_name, a.then_parent_short = then.get(a.unit_id, today)  # type: ignore[attr-defined]  # the rows' own attributes


# A Fanpage report that says the unit has no Page yet, and one filed without the Page's address: both
# count as filed; staff see them apart (soft warnings, never a block).
NO_PAGE = Q(report__data__no_page=True)
# Compared as text: a JSON "" compared as JSON matches nothing on SQLite. A Fanpage report names its Page
# (a "no Page yet" report has an empty name, a task without a form no name at all). An address added to
# the register since the report fills the gap.
ADDRESS_MISSING = Q(report_url="", report_name__gt="") & (Q(unit__fanpage__isnull=True) | Q(unit__fanpage__url=""))


def page_gaps(user: User, task: Task, node: Unit, tree: str = year_tree.YEAR) -> dict[str, int]:
    """How many reports under `node` that `user` may view (by `tree`, as `replies`) say "no Page
    yet", and how many lack the Page's address: one grouped query whatever the number of units."""
    qs = replies(user, task, node, tree).filter(first_reported_at__isnull=False)
    qs = qs.annotate(
        report_url=KeyTextTransform("url", "report__data"), report_name=KeyTextTransform("name", "report__data")
    )
    if connection.vendor == "postgresql":
        # Only the reports with a gap are read, from a partial index that holds them (directives
        # migration 0010), where counting every report of a national task took 140 ms. The
        # condition is the index's, word for word, so that the planner can use it.
        qs = qs.filter(NO_PAGE | Q(report_url="", report_name__gt=""))
    return qs.aggregate(no_page=Count("id", filter=NO_PAGE), address_missing=Count("id", filter=ADDRESS_MISSING))


def child_rollups(task: Task, node: Unit) -> QuerySet[Rollup]:
    """The figures of the units directly below `node` that have units below them (not single CĐCS)."""
    return (
        Rollup.objects.filter(task=task, parent_unit_id=node.pk, expected__gt=1)
        .select_related("unit")
        .order_by("unit__name_sort")
    )


class PathHead(Func):
    """The text before the first "/" of a path's tail ("42/7/" → "42"; "" → ""): the id of the child
    a unit lies under. PostgreSQL's split_part; SQLite has none."""

    output_field = CharField()
    template = "SPLIT_PART(%(expressions)s, '/', 1)"

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"SUBSTR({sql}, 1, INSTR({sql} || '/', '/') - 1)", (*params, *params)


# A task's counters as `rollups.contribution` counts them, for a GROUP BY over its assignments.
_REPORTED = Q(expected=True, first_reported_at__isnull=False)
COUNTS = {
    "expected": Q(expected=True),
    "reported": _REPORTED,
    "on_time": _REPORTED & Q(on_time=True),
    "late": _REPORTED & Q(on_time=False),
    "returned": Q(expected=True, state=Assignment.State.RETURNED),
}


def task_figures(user: User, task: Task, node: Unit, tree: str = year_tree.YEAR) -> tuple[Rollup | None, list[Rollup]]:
    """(the figures at `node`, those of the units directly below it that have units below them),
    as the tracking page, its API and the drill-down read them. By today's tree: the rollups. By a
    past year's tree: the assignments `user` may view under `node` that year (`replies`), grouped
    by the child of `node` their unit was under on the tree day in one GROUP BY, as unsaved Rollup
    rows; a few queries whatever the number of units."""
    day = tree_day(task, tree)
    if day is None:
        totals = Rollup.objects.filter(task=task, unit=node).select_related("unit").first()
        return totals, list(child_rollups(task, node)) if can(user, Capability.VIEW, node) else []
    _roles, prefix = year_tree.paths_then(user, Capability.VIEW, day, node)
    prefix = prefix or node.path
    child = Case(
        When(then_path__startswith=prefix, then=PathHead(Substr("then_path", len(prefix) + 1))),
        default=Value(""),
        output_field=CharField(),
    )
    rows = list(
        replies(user, task, node, tree)
        .order_by()
        .values(child_id=child)
        .annotate(**{f"n_{k}": Count("id", filter=q) for k, q in COUNTS.items()})
        .values_list("child_id", *(f"n_{k}" for k in COUNTS))
    )
    if not rows:
        return None, []
    totals = Rollup(task=task, unit=node, **{k: sum(r[i] for r in rows) for i, k in enumerate(COUNTS, start=1)})
    below = {int(r[0]): dict(zip(COUNTS, r[1:], strict=True)) for r in rows if r[0] and r[1] > 1}
    units = Unit.objects.in_bulk(list(below)) if below and can(user, Capability.VIEW, node) else {}
    children = [Rollup(task=task, unit=unit, parent_unit_id=node.pk, **below[pk]) for pk, unit in units.items()]
    children.sort(key=lambda r: (r.unit.name_sort, r.unit.pk))
    return totals, children


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
