"""A unit's change history, from the audit log, in words people read: who, when, what from → to."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from loa.audit import labels
from loa.audit.models import AuditEntry
from loa.units.models import Unit


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


def unit_history(unit, limit=50):
    """The newest `limit` entries about this unit, newest first, in one query."""
    entries = (
        AuditEntry.objects.filter(object_type=Unit._meta.label_lower, object_id=str(unit.pk))
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
    items = []
    for entry in entries:
        changes = [Change(*change) for change in labels.readable_changes(entry)]
        items.append(
            HistoryItem(
                at=entry.at,
                who=entry.actor.display_name() if entry.actor else _("the system"),
                action=labels.action_label(entry.action),
                note=entry.note,
                changes=changes,
            )
        )
    return items
