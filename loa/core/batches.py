"""Long lists of ids in `IN (…)` clauses, a chunk at a time."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from django.db import connection

T = TypeVar("T")


def chunk_size() -> int:
    """How many ids one `IN (…)` carries: SQLite's builds allow 32,766 variables since 3.32 and
    older ones 999, so 900; PostgreSQL has no small limit, so fewer, larger statements."""
    return 5000 if connection.vendor == "postgresql" else 900


def chunked(items: Sequence[T]) -> Iterator[Sequence[T]]:
    size = chunk_size()
    for start in range(0, len(items), size):
        yield items[start : start + size]
