"""A unit's change history, from the audit log, in words people read: who, when, what from → to."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from loa.audit.models import AuditEntry
from loa.core.phones import display_phone
from loa.units.models import Unit

ACTIONS = {
    "unit.created": pgettext_lazy("unit history", "Created"),
    "unit.updated": pgettext_lazy("unit history", "Edited"),
    "unit.moved": pgettext_lazy("unit history", "Moved"),
    "unit.deactivated": pgettext_lazy("unit history", "Deactivated"),
    "unit.reactivated": pgettext_lazy("unit history", "Reactivated"),
    "unit.imported": _("Imported"),
}
DATE_FIELDS = {"active_from", "active_to"}
EMPTY = "—"


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class HistoryItem:
    at: object
    who: str
    action: str
    note: str
    changes: list = field(default_factory=list)


def _label(name):
    try:
        return Unit._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return name


def _text(name, value):
    if value in (None, ""):
        return EMPTY
    if name in DATE_FIELDS and isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if name == "phone":
        return display_phone(value)
    return str(value)


def unit_history(unit, limit=50):
    """The newest `limit` entries about this unit, newest first, in one query."""
    entries = (
        AuditEntry.objects.filter(object_type=Unit._meta.label_lower, object_id=str(unit.pk))
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
    items = []
    for entry in entries:
        changes = [
            Change(_label(name), _text(name, before), _text(name, after))
            for name, before, after in entry.changes()
            if _text(name, before) != _text(name, after)
        ]
        items.append(
            HistoryItem(
                at=entry.at,
                who=entry.actor.display_name() if entry.actor else _("the system"),
                action=ACTIONS.get(entry.action, entry.action),
                note=entry.note,
                changes=changes,
            )
        )
    return items
