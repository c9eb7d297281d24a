"""A moved subtree's totals taken off the ancestors it left and added to those it joined.

A rollup table (`directives.Rollup`, `articles.Rollup`) keeps, per unit and key (a task; a year and
a kind), counters that sum the unit's whole subtree, and the unit's `parent_unit_id`. The moved
unit's own rows hold exactly what its subtree adds to every row above it, so a move subtracts them
from the ancestors it left and adds them to the ancestors it joined (creating their rows where
missing); the rows inside the subtree do not change, nor do those of the ancestors both paths
share. A few statements, whatever the size of the subtree and the number of keys.
"""

from django.db.models import Exists, F, OuterRef, Subquery


def path_ids(path):
    return [int(p) for p in path.strip("/").split("/") if p]


def shift_totals(model, *, unit_id, old_path, new_path, keys, counters):
    """Move the totals of `unit_id`'s rows (one per value of `keys`) from the ancestors on
    `old_path` to those on `new_path`, and point its rows at the new parent. Returns the ids of
    the ancestors left and of those joined (the shared ones in neither)."""
    old_above, new_above = path_ids(old_path)[:-1], path_ids(new_path)[:-1]
    shared = 0
    while shared < min(len(old_above), len(new_above)) and old_above[shared] == new_above[shared]:
        shared += 1
    left, joined = old_above[shared:], new_above[shared:]
    rows = model._base_manager
    mine = rows.filter(unit_id=unit_id)
    same_key = mine.filter(**{k: OuterRef(k) for k in keys})

    def moved(counter):
        return Subquery(same_key.values(counter)[:1])

    if left:
        rows.filter(unit_id__in=left).filter(Exists(same_key)).update(**{c: F(c) - moved(c) for c in counters})
    if joined:
        key_values = list(mine.values(*keys))
        parent_of = dict(zip(new_above, [None, *new_above[:-1]]))
        rows.bulk_create(
            [model(unit_id=a, parent_unit_id=parent_of[a], **k) for k in key_values for a in joined],
            ignore_conflicts=True,
            batch_size=2000,
        )
        rows.filter(unit_id__in=joined).filter(Exists(same_key)).update(**{c: F(c) + moved(c) for c in counters})
    mine.update(parent_unit_id=new_above[-1] if new_above else None)
    return left, joined
