"""Model fields of Loa's own."""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from typing import Any

from django.db import models
from django.utils.functional import cached_property


class DecimalField(models.DecimalField):
    """A DecimalField whose stored value, read back beyond the column's precision, is NaN, not a 500.

    SQLite keeps any number it is given: 12345678.5 in a DecimalField(6, 2), written before ranges
    were checked or by raw SQL. Reading it, Django rounds it to the column in the field's context,
    whose InvalidOperation trap then made every page reading the row a 500, the page to repair it
    included. Without that trap the value reads as Decimal("NaN"), as PostgreSQL returns a NaN
    stored in numeric(6, 2): one "damaged" value on both databases, which the pages show as invalid
    and leave out of their sums (`loa.core.numbers.in_range`). Nothing else changes: the context only
    serves reading SQLite's values and turning floats into decimals, which never trap.

    Migrations record it as Django's own DecimalField: the column is the same, so swapping the class
    writes no migration (and rebuilds no SQLite table).
    """

    @cached_property
    def context(self) -> decimal.Context:
        return decimal.Context(prec=self.max_digits, traps=[decimal.DivisionByZero, decimal.Overflow])

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs
