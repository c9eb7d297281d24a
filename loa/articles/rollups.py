"""Keep `Rollup` rows right, in the transaction of each change (the directives rollup habit).

A unit's own figures live in its own row (own_*); what they contribute (target, counted, in-depth,
exemplary, over quota, met) is added to its row and every ancestor's row by one UPDATE of the
difference. The province table then reads the rows of one level: a few dozen rows, whatever the
number of submissions.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import Count, F, Q

from loa.articles.models import Kind, Quota, Rollup, Submission
from loa.core import generations
from loa.units.models import Unit
from loa.units.rollup_moves import shift_totals

OWN = ("target", "counted", "in_depth", "exemplary")
TOTALS = ("target", "counted", "in_depth", "exemplary", "over", "with_quota", "met")


def path_ids(path):
    return [int(p) for p in path.strip("/").split("/") if p]


def year_generation(year):
    """The generation (`loa.core.generations`) of a year's own figures: bumped by every change of
    them, it keys the year's sums by a past tree that the progress tables cache (`selectors`)."""
    return f"articles-year:{year}"


def contribution(own):
    target, counted = own["target"], own["counted"]
    return {
        "target": target,
        "counted": counted,
        "in_depth": own["in_depth"],
        "exemplary": own["exemplary"],
        "over": max(0, counted - target) if target else counted,
        "with_quota": int(target > 0),
        "met": int(target > 0 and counted >= target),
    }


def _ensure_rows(ids, year, kind):
    parents = [None] + ids[:-1]
    Rollup.objects.bulk_create(
        [Rollup(unit_id=i, parent_unit_id=p, year=year, kind=kind) for i, p in zip(ids, parents)], ignore_conflicts=True
    )


@transaction.atomic
def change(*, unit_path, year, kind, target=None, counted=0, in_depth=0, exemplary=0):
    """Apply one change of a unit's own figures: `target` is the new quota (None: unchanged), the
    others are differences. Runs inside the caller's transaction when there is one (a savepoint)."""
    ids = path_ids(unit_path)
    generations.bump(year_generation(year))
    _ensure_rows(ids, year, kind)
    row = Rollup.objects.select_for_update().get(unit_id=ids[-1], year=year, kind=kind)
    own = {k: getattr(row, f"own_{k}") for k in OWN}
    before = contribution(own)
    if target is not None:
        own["target"] = target
    own["counted"] += counted
    own["in_depth"] += in_depth
    own["exemplary"] += exemplary
    after = contribution(own)
    delta = {k: after[k] - before[k] for k in TOTALS if after[k] != before[k]}
    Rollup.objects.filter(pk=row.pk).update(**{f"own_{k}": v for k, v in own.items()})
    if delta:
        Rollup.objects.filter(unit_id__in=ids, year=year, kind=kind).update(**{k: F(k) + v for k, v in delta.items()})


def counts(submission):
    """What a submission adds to its unit's figures, as (year, kind, in_depth, exemplary) or None."""
    if submission.counted_year is None:
        return None
    return (submission.counted_year, submission.kind, int(submission.in_depth), int(submission.exemplary))


def apply_submission(submission, before):
    """`before` is counts(submission) captured before the change."""
    after = counts(submission)
    if before == after:
        return
    if before:
        change(
            unit_path=submission.unit_path,
            year=before[0],
            kind=before[1],
            counted=-1,
            in_depth=-before[2],
            exemplary=-before[3],
        )
    if after:
        change(
            unit_path=submission.unit_path,
            year=after[0],
            kind=after[1],
            counted=1,
            in_depth=after[2],
            exemplary=after[3],
        )


@transaction.atomic
def rebuild(year):
    """Recompute a year's rows from the quotas and the counted submissions (after changing
    ARTICLES_COUNT_ACCEPTED, moving units, or to repair). Grouped queries, then bulk inserts."""
    generations.bump(year_generation(year))
    own = defaultdict(lambda: dict.fromkeys(OWN, 0))
    for unit_id, kind, target in Quota.objects.filter(year=year).values_list("unit_id", "kind", "target"):
        own[(unit_id, kind)]["target"] = target
    rows = (
        Submission.objects.filter(counted_year=year)
        .values("unit_id", "kind")
        .annotate(n=Count("id"), d=Count("id", filter=Q(in_depth=True)), e=Count("id", filter=Q(exemplary=True)))
    )
    for r in rows:
        o = own[(r["unit_id"], r["kind"])]
        o.update(counted=r["n"], in_depth=r["d"], exemplary=r["e"])
    paths = dict(Unit.objects.filter(id__in={u for u, _ in own}).values_list("id", "path"))
    totals = defaultdict(lambda: dict.fromkeys(TOTALS, 0))
    parent_of = {}
    for (unit_id, kind), o in own.items():
        ids = path_ids(paths[unit_id])
        for i, anc in enumerate(ids):
            parent_of[anc] = ids[i - 1] if i else None
            t = totals[(anc, kind)]
            for k, v in contribution(o).items():
                t[k] += v
    Rollup.objects.filter(year=year).delete()
    Rollup.objects.bulk_create(
        [
            Rollup(
                unit_id=u,
                parent_unit_id=parent_of[u],
                year=year,
                kind=kind,
                **t,
                **{f"own_{k}": v for k, v in own.get((u, kind), dict.fromkeys(OWN, 0)).items()},
            )
            for (u, kind), t in totals.items()
        ],
        batch_size=5000,
    )


def follow_moves(*, moves, **kwargs):
    """After units moved: their subtrees' figures of every year leave the old ancestors' rows and
    join the new ones' (`subtrees_moved`, in the move's transaction). A row left at zero stays: a
    unit with a quota of 0 has such a row too, and the province table shows the same either way."""
    shift_totals(Rollup, moves, keys=("year", "kind"), counters=TOTALS)


def unit_figures(unit, year):
    """{kind: Rollup or None} for one unit: two rows by the unique index."""
    found = {r.kind: r for r in Rollup.objects.filter(unit=unit, year=year)}
    return {k: found.get(k) for k in Kind.values}
