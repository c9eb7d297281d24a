"""Per-unit counts of a task's assignments, kept up to date as reports arrive.

Each assignment contributes to the rollup row of its own unit and of every unit above it.
A state change applies the difference of the contributions in one UPDATE over those rows.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import F

from loa.directives.models import Assignment, Rollup

COUNTERS = ("expected", "reported", "on_time", "late", "returned")


def contribution(assignment):
    if not assignment.expected:
        return dict.fromkeys(COUNTERS, 0)
    reported = assignment.first_reported_at is not None
    return {
        "expected": 1,
        "reported": int(reported),
        "on_time": int(reported and assignment.on_time),
        "late": int(reported and not assignment.on_time),
        "returned": int(assignment.state == Assignment.State.RETURNED),
    }


def path_ids(path):
    return [int(p) for p in path.strip("/").split("/") if p]


def apply_change(assignment, before):
    """`before` is the contribution captured before the assignment changed."""
    after = contribution(assignment)
    delta = {k: after[k] - before[k] for k in COUNTERS if after[k] != before[k]}
    if delta:
        Rollup.objects.filter(task_id=assignment.task_id, unit_id__in=path_ids(assignment.unit_path)).update(
            **{k: F(k) + v for k, v in delta.items()}
        )


@transaction.atomic
def rebuild(task):
    """Recompute every rollup row of a task from its assignments (at issue, and to repair)."""
    totals = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    parents = {}  # read off the paths: "/1/7/42/" says 7's parent is 1 and 42's is 7
    for a in (
        Assignment.objects.filter(task=task)
        .only("unit_path", "expected", "state", "first_reported_at", "on_time")
        .iterator(chunk_size=5000)
    ):
        c = contribution(a)
        parent = None
        for unit_id in path_ids(a.unit_path):
            parents[unit_id] = parent
            parent = unit_id
            row = totals[unit_id]
            for k in COUNTERS:
                row[k] += c[k]
    Rollup.objects.filter(task=task).delete()
    Rollup.objects.bulk_create(
        [Rollup(task=task, unit_id=uid, parent_unit_id=parents.get(uid), **counts) for uid, counts in totals.items()],
        batch_size=2000,
    )
