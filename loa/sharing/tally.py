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

from django.db import connection

from loa.core.batches import chunk_size
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
    _upsert(sorted(totals.items()), parent_of)


def _upsert(rows: list[tuple[tuple[int, date], Counter[str]]], parent_of: dict[int, int | None]) -> None:
    """Insert each (unit, month) row with its counts, or add them to the row there: one
    `INSERT … ON CONFLICT DO UPDATE` per chunk (PostgreSQL, and SQLite 3.24+), in (unit, month) order
    so that two writers never wait for each other in a circle. A new row's parent is the unit's parent
    now; an existing row keeps its own (moves shift it, `follow_moves`)."""
    quote = connection.ops.quote_name
    table = quote(Tally._meta.db_table)
    columns = ["unit_id", "month", "parent_unit_id", *COUNTERS]
    added = ", ".join(f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in COUNTERS)
    size = max(1, chunk_size() // len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(chunk))
            params: list[Any] = []
            for (unit_id, month), counts in chunk:
                params += [unit_id, month, parent_of[unit_id], *(counts[c] for c in COUNTERS)]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) VALUES {values} "
                f"ON CONFLICT ({quote('unit_id')}, {quote('month')}) DO UPDATE SET {added}",
                params,
            )


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
