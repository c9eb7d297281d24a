"""Reads for other pages: what a unit still owes."""

from loa.directives.models import Assignment, Directive, Rollup
from loa.directives.services import pending_q


def due_for_units(unit_ids, *, limit=20):
    """Open tasks of these units (not reported, or returned), soonest deadline first, one query."""
    return list(
        Assignment.objects.filter(unit_id__in=unit_ids, expected=True, task__directive__status=Directive.Status.ISSUED)
        .filter(pending_q())
        .select_related("task", "task__directive", "unit")
        .order_by("task__deadline")[:limit]
    )


def open_tasks_overview(units, *, limit=5):
    """The latest issued tasks' figures at the given top units: one query over the rollups."""
    return list(
        Rollup.objects.filter(unit__in=units, task__directive__status=Directive.Status.ISSUED)
        .select_related("task", "task__directive", "unit")
        .order_by("-task__deadline")[:limit]
    )
