"""Long lists of ids in `IN (…)` clauses, a chunk at a time."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model

T = TypeVar("T")


def chunk_size() -> int:
    """How many ids one `IN (…)` carries: SQLite's builds allow 32,766 variables since 3.32 and
    older ones 999, so 900; PostgreSQL has no small limit, so fewer, larger statements."""
    return 5000 if connection.vendor == "postgresql" else 900


def chunked(items: Sequence[T]) -> Iterator[Sequence[T]]:
    size = chunk_size()
    for start in range(0, len(items), size):
        yield items[start : start + size]


def update_rows(
    model: type[Model], columns: Sequence[str], rows: Sequence[Sequence[Any]], *, add: Sequence[str] = ()
) -> None:
    """Write many rows' own values in one statement per chunk: `rows` are (pk, *values of
    `columns`), and a column of `add` is increased by its value instead of set to it (counters that
    another transaction may be changing too). `UPDATE … FROM (VALUES …)`, which SQLite (3.33+) and
    PostgreSQL both read: Django's `bulk_update` builds a CASE per column and row, whose compiling
    costs seconds per thousand rows."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    fields: list[Any] = [model._meta.get_field(c) for c in columns]

    def value(i: int, field: Any) -> str:
        # PostgreSQL types a VALUES column by its rows: one of NULLs only would be text.
        if connection.vendor == "postgresql":
            return f"CAST(v.column{i} AS {field.db_type(connection)})"
        return f"v.column{i}"

    sets = ", ".join(
        f"{quote(f.column)} = {quote(f.column)} + {value(i, f)}" if c in add else f"{quote(f.column)} = {value(i, f)}"
        for i, (c, f) in enumerate(zip(columns, fields, strict=True), start=2)
    )
    placeholder = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    size = max(1, chunk_size() // (len(columns) + 1)) if connection.vendor != "postgresql" else 2000
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            part = rows[start : start + size]
            values = ", ".join([placeholder] * len(part))
            params = [value for row in part for value in row]
            cursor.execute(
                f"UPDATE {table} SET {sets} FROM (VALUES {values}) AS v WHERE {table}.{quote(model._meta.pk.column)} = v.column1",
                params,
            )
