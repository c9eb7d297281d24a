"""What no model of Loa stores: control characters in its text, numbers its columns cannot hold.

The door (`loa.core.controls.InputCleaningMiddleware`) cleans what comes over HTTP; this guard, a
pre_save receiver for every model of Loa's apps, covers every other way a model is saved (a
management command, an import that saves row by row, a job, the shell). Before each save:

- CharField and TextField values lose their control characters but tab and newline (a NUL would
  make PostgreSQL refuse the row, a \\x0b would break every Word export), and so do the strings
  inside a JSONField (PostgreSQL's jsonb refuses \\u0000 too);
- every integer and decimal must fit its column (`loa.core.numbers.check_ranges`): a ValidationError
  with a Vietnamese message, before the database refuses it (PostgreSQL, a 500) or keeps it (SQLite).

Writes that send no signal (bulk_create, QuerySet.update, COPY) are not seen: their callers clean
what they write (`strip_controls`, `strip_controls_in`).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from loa.core.controls import has_controls, has_controls_in, strip_controls, strip_controls_in
from loa.core.numbers import check_ranges

_GUARDED: dict[
    type[models.Model], tuple[list[str], list[str]] | None
] = {}  # model -> (text fields, JSON fields), or None for a model that is not Loa's


def _fields(model: type[models.Model]) -> tuple[list[str], list[str]] | None:
    if model not in _GUARDED:
        if not model.__module__.startswith("loa."):
            _GUARDED[model] = None
        else:
            concrete = [f for f in model._meta.concrete_fields if not f.is_relation]
            _GUARDED[model] = (
                [f.attname for f in concrete if isinstance(f, (models.CharField, models.TextField))],
                [f.attname for f in concrete if isinstance(f, models.JSONField)],
            )
    return _GUARDED[model]


def clean_before_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    fields = _fields(sender)
    if fields is None or raw:  # raw: loaddata writes fixtures exactly as they are
        return
    texts, documents = fields
    for name in texts:
        value = getattr(instance, name)
        if type(value) is str and has_controls(value):
            setattr(instance, name, strip_controls(value))
    for name in documents:
        value = getattr(instance, name)
        if has_controls_in(value):  # most documents are clean: they are only read, not copied
            setattr(instance, name, strip_controls_in(value))
    check_ranges(instance)
