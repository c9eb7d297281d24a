"""Moved subtrees' totals taken off the ancestors they left and added to those they joined.

A rollup table (`directives.Rollup`, `articles.Rollup`) keeps, per unit and key (a task; a year and
a kind), counters that sum the unit's whole subtree, and the unit's `parent_unit_id`. A moved
unit's own rows hold exactly what its subtree adds to every row above it, so a move subtracts them
from the ancestors it left and adds them to the ancestors it joined (creating their rows where
missing); the rows inside the subtree do not change, nor do those of the ancestors both paths
share.

One move or ten thousand (a restructuring's table), the work is the same few statements per chunk:
the moved units' rows are read once, the differences are summed per ancestor and key in Python,
and each ancestor row changes by one `counter = counter + difference` (so that a report counted
meanwhile by another transaction is not lost).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model

from loa.core.batches import chunked, update_rows
from loa.units.signals import Moved

Key = tuple[Hashable, ...]


def path_ids(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


def left_and_joined(old_path: str, new_path: str) -> tuple[list[int], list[int]]:
    """The ancestors a unit left and those it joined, root first (those both paths share in neither)."""
    old_above, new_above = path_ids(old_path)[:-1], path_ids(new_path)[:-1]
    shared = 0
    while shared < min(len(old_above), len(new_above)) and old_above[shared] == new_above[shared]:
        shared += 1
    return old_above[shared:], new_above[shared:]


@dataclass
class Shifted:
    """What `shift_totals` did: the ancestors left ({id: depth}) and the keys the moved rows held."""

    left: dict[int, int] = field(default_factory=dict)
    keys: set[Key] = field(default_factory=set)


def shift_totals(
    model: type[Model],
    moves: Sequence[Moved],
    *,
    keys: Sequence[str],
    counters: Sequence[str],
    keeps: Callable[[int, Key], bool] | None = None,
) -> Shifted:
    """Move the totals of each moved unit's rows (one per value of `keys`) from the ancestors on its
    old path to those on its new path, and point its rows at the new parent. `keeps(ancestor, key)`
    says an ancestor's row keeps counting the moved unit wherever it goes (a directive's issuer)."""
    rows = model._base_manager  # type: ignore[attr-defined]
    by_unit = {m.unit_id: m for m in moves}
    mine: list[dict[str, Any]] = []
    for chunk in chunked(list(by_unit)):
        mine += rows.filter(unit_id__in=chunk).order_by().values("pk", "unit_id", *keys, *counters)
    done = Shifted()
    delta: dict[tuple[int, Key], dict[str, int]] = defaultdict(lambda: dict.fromkeys(counters, 0))
    parent_of: dict[int, int | None] = {}
    joined_any: set[int] = set()
    repoint = []
    for row in mine:
        move = by_unit[row["unit_id"]]
        left, joined = left_and_joined(move.old_path, move.new_path)
        new_above = path_ids(move.new_path)[:-1]
        parent_of.update(zip(new_above, [None, *new_above], strict=False))
        key = tuple(row[k] for k in keys)
        done.keys.add(key)
        old_depth = len(path_ids(move.old_path)) - 1 - len(left)
        done.left.update((a, old_depth + i) for i, a in enumerate(left))
        joined_any.update(joined)
        for sign, ancestors in ((-1, left), (1, joined)):
            for ancestor in ancestors:
                difference = delta[(ancestor, key)]
                if keeps is None or not keeps(ancestor, key):
                    for c in counters:
                        difference[c] += sign * row[c]
        repoint.append((row["pk"], new_above[-1] if new_above else None))
    existing = _row_ids(rows, sorted({a for a, _key in delta}), keys)
    # The joined ancestors' missing rows first, at zero (another move may create one meanwhile: it
    # wins, and the difference below is added to it).
    missing = {(a, key) for (a, key) in delta if (a, key) not in existing and a in joined_any}
    if missing:
        rows.bulk_create(
            [
                model(unit_id=a, parent_unit_id=parent_of[a], **dict(zip(keys, key, strict=True)))
                for a, key in sorted(missing, key=repr)
            ],
            ignore_conflicts=True,
            batch_size=2000,
        )
        existing.update(_row_ids(rows, sorted({a for a, _key in missing}), keys))
    changed = [
        (existing[ancestor, key], *(difference[c] for c in counters))
        for (ancestor, key), difference in delta.items()
        if (ancestor, key) in existing and any(difference.values())
    ]
    update_rows(model, counters, changed, add=counters)
    update_rows(model, ["parent_unit_id"], repoint)
    return done


def _row_ids(rows: Any, unit_ids: list[int], keys: Sequence[str]) -> dict[tuple[int, Key], int]:
    """{(unit id, key): row id} of the units' rows."""
    found = {}
    for chunk in chunked(unit_ids):
        for row in rows.filter(unit_id__in=chunk).order_by().values("pk", "unit_id", *keys):
            found[(row["unit_id"], tuple(row[k] for k in keys))] = row["pk"]
    return found
