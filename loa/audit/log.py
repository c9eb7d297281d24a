"""The one way to write the audit log (pretix's log_action habit)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal

from django.db import models

from loa.audit.models import AuditEntry, _batch
from loa.core.text import fold


def _jsonable(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def snapshot(obj, fields):
    """The audit view of an object: the named fields, foreign keys by their text."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def search_text(action, object_repr, note):
    """What the audit page's text search matches: the action, the object and the note, folded.
    Every writer of AuditEntry rows (this module, bulk imports) fills it through here."""
    return fold(f"{action} {object_repr} {note}")


@contextmanager
def audit_batch(key: str) -> Iterator[str]:
    """Every audit entry written inside belongs to the batch `key` (AuditEntry.batch), and is read back
    with AuditEntry.objects.filter(batch=key): the entries of one piece of work, whoever else writes
    meanwhile, even the same person in another transaction. Batches do not nest: the inner key wins."""
    token = _batch.set(key[:60])
    try:
        yield key
    finally:
        _batch.reset(token)


def entry(action, *, actor, obj=None, unit=None, before=None, after=None, note=""):
    """An audit entry, not saved yet: `log_action` saves one, `log_entries` many at once. Inside
    `audit_batch` it belongs to the batch."""
    if unit is None and obj is not None:
        unit = obj if obj._meta.label == "units.Unit" else getattr(obj, "unit", None)
    object_repr = str(obj)[:255] if obj is not None else ""
    return AuditEntry(
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        unit=unit,
        unit_path=getattr(unit, "path", "") or "",
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=object_repr,
        before=before,
        after=after,
        note=note,
        search_text=search_text(action, object_repr, note),
        batch=_batch.get(),
    )


def log_action(action, *, actor, obj=None, unit=None, before=None, after=None, note=""):
    logged = entry(action, actor=actor, obj=obj, unit=unit, before=before, after=after, note=note)
    logged.save()
    return logged


def log_entries(entries):
    """Save many entries (`entry`) in a few INSERTs: a restructuring's thousands of moves."""
    AuditEntry.objects.bulk_create(list(entries), batch_size=1000)
