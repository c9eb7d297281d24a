"""The sharing figures per unit and month, summed up the tree (`Tally`): every write adds to the
unit's row and to its ancestors' rows, in a few statements whatever the number of units (the morning
run asks 130,000 units at once).

A share counts in the month its item was asked, so that a month's rate is "of the items asked that
month, how many were shared (on time)"; clicks count in the month they came.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import date
from typing import Any

from loa.core.batches import chunked, update_rows
from loa.sharing.models import Tally
from loa.units.rollup_moves import path_ids, shift_totals

COUNTERS = ("asked", "shared", "on_time", "declared", "clicks")


def month_of(day: date) -> date:
    return day.replace(day=1)


def add(changes: Mapping[tuple[str, date], Mapping[str, int]]) -> None:
    """Add `changes` ({(unit path, month): {counter: amount}}) to each unit's row and its ancestors'."""
    totals: dict[tuple[int, date], Counter[str]] = defaultdict(Counter)
    parent_of: dict[int, int | None] = {}
    for (path, month), counts in changes.items():
        ids = path_ids(path)
        for i, unit_id in enumerate(ids):
            parent_of[unit_id] = ids[i - 1] if i else None
            totals[(unit_id, month)].update(counts)
    if not totals:
        return
    by_month: dict[date, list[int]] = defaultdict(list)
    for unit_id, month in totals:
        by_month[month].append(unit_id)
    Tally.objects.bulk_create(
        [Tally(unit_id=u, month=m, parent_unit_id=parent_of[u]) for u, m in totals],
        ignore_conflicts=True,
        batch_size=2000,
    )
    rows: list[tuple[Any, ...]] = []
    for month, unit_ids in by_month.items():
        for chunk in chunked(sorted(unit_ids)):
            for pk, unit_id in Tally.objects.filter(month=month, unit_id__in=chunk).values_list("pk", "unit_id"):
                counts = totals[(unit_id, month)]
                rows.append((pk, *(counts[c] for c in COUNTERS)))
    update_rows(Tally, COUNTERS, rows, add=COUNTERS)


def record_asked(day: date, asked: Mapping[str, int]) -> None:
    """The morning run of `day` asked `asked[unit path]` new items of each unit."""
    month = month_of(day)
    add({(path, month): {"asked": n} for path, n in asked.items() if n})


def record_share(*, unit_path: str, asked_on: date, on_time: bool, declared: bool) -> None:
    add({(unit_path, month_of(asked_on)): {"shared": 1, "on_time": int(on_time), "declared": int(declared)}})


def record_clicks(clicks: Mapping[tuple[str, date], int]) -> None:
    """Clicks counted: {(unit path, day): clicks}."""
    merged: dict[tuple[str, date], dict[str, int]] = defaultdict(lambda: {"clicks": 0})
    for (path, day), n in clicks.items():
        merged[(path, month_of(day))]["clicks"] += n
    add(merged)


def follow_moves(*, moves: Any, **kwargs: Any) -> None:
    """A moved subtree's figures leave its old ancestors' rows and join the new ones' (`subtrees_moved`)."""
    shift_totals(Tally, moves, keys=("month",), counters=COUNTERS)
