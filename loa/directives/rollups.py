"""Per-unit counts of a task's assignments, kept up to date as reports arrive.

Each assignment contributes to the rollup row of its own unit and of every unit above it, and always
to the row of its directive's issuing unit: an issuer sees the replies to its own directives, also
from units moved from under it since (`selectors.replies_q`), so its totals count them too.
A state change applies the difference of the contributions in one UPDATE over those rows.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery

from loa.core.batches import chunked
from loa.directives.models import Assignment, Rollup, Task
from loa.units.rollup_moves import shift_totals

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
        issuer = Task.objects.filter(pk=assignment.task_id).values("directive__issuing_unit_id")[:1]
        Rollup.objects.filter(task_id=assignment.task_id).filter(
            Q(unit_id__in=path_ids(assignment.unit_path)) | Q(unit_id=Subquery(issuer))
        ).update(**{k: F(k) + v for k, v in delta.items()})


@transaction.atomic
def rebuild(task):
    """Recompute every rollup row of a task from its assignments (at issue, and to repair)."""
    totals = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    parents = {}  # read off the paths: "/1/7/42/" says 7's parent is 1 and 42's is 7
    issuer = task.directive.issuing_unit
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
        if issuer.pk not in path_ids(a.unit_path):  # moved from under the issuer since: still its reply
            row = totals[issuer.pk]
            for k in COUNTERS:
                row[k] += c[k]
    if issuer.pk in totals and issuer.pk not in parents:
        parents[issuer.pk] = issuer.parent_id
    Rollup.objects.filter(task=task).delete()
    Rollup.objects.bulk_create(
        [Rollup(task=task, unit_id=uid, parent_unit_id=parents.get(uid), **counts) for uid, counts in totals.items()],
        batch_size=2000,
    )


def follow_moves(*, moves, **kwargs):
    """After units moved (their assignments' paths already rewritten): their subtrees' counts leave
    the old ancestors' rows and join the new ones' (`subtrees_moved`, in the move's transaction)."""
    moved_ids = [m.unit_id for m in moves]
    issuer_of = {}
    for chunk in chunked(moved_ids):
        tasks = Rollup.objects.filter(unit_id__in=chunk).values("task_id")
        issuer_of.update(Task.objects.filter(pk__in=tasks).values_list("pk", "directive__issuing_unit_id"))
    # The issuing unit's row counts every recipient wherever it moved (the module's text): a unit
    # leaving the issuer's subtree stays in its totals, one coming back is not counted twice.
    shifted = shift_totals(
        Rollup,
        moves,
        keys=("task_id",),
        counters=COUNTERS,
        keeps=lambda ancestor, key: issuer_of.get(key[0]) == ancestor,
    )
    # A unit has a row for a task exactly when recipients of it lie under the unit (access.reaches
    # reads that as "may see the directive"): an ancestor left keeps its row only if it still has a
    # row below it or an assignment of its own. Deepest first, one DELETE per level of the tree.
    task_ids = sorted(key[0] for key in shifted.keys)
    by_depth = defaultdict(list)
    for ancestor, depth in shifted.left.items():
        by_depth[depth].append(ancestor)
    for depth in sorted(by_depth, reverse=True):
        for chunk in chunked(by_depth[depth]):
            Rollup.objects.filter(unit_id__in=chunk, task_id__in=task_ids).exclude(
                Exists(Rollup.objects.filter(task_id=OuterRef("task_id"), parent_unit_id=OuterRef("unit_id")))
            ).exclude(
                Exists(Assignment.objects.filter(task_id=OuterRef("task_id"), unit_id=OuterRef("unit_id")))
            ).exclude(task__directive__issuing_unit_id=F("unit_id")).delete()
