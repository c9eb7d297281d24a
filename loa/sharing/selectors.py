"""Reads of the items to share: which items a unit is asked to share on a day (its audience)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from loa.sharing.models import Item, Share
from loa.units.rollup_moves import path_ids

if TYPE_CHECKING:
    from loa.units.models import Unit


def active_q(day: date) -> Q:
    return Q(status=Item.Status.ACTIVE, starts_on__lte=day, ends_on__gte=day)


def in_audience(item: Item, unit: Unit) -> bool:
    """Whether `item` is asked of `unit`: under the curating unit, and of a chosen kind or a chosen
    unit if the item narrows its audience (reads the prefetched `audience_kinds`/`audience_units`)."""
    if not unit.path.startswith(item.unit_path):
        return False
    kinds = {k.pk for k in item.audience_kinds.all()}
    units = {u.pk for u in item.audience_units.all()}
    if not kinds and not units:
        return True
    return unit.kind_id in kinds or unit.pk in units


def items_for(unit: Unit, day: date) -> list[Item]:
    """The items active on `day` asked of `unit`, newest first, each with `shared` (the unit's Share
    or None). Three queries whatever the number of items."""
    ancestors = path_ids(unit.path)
    items = (
        Item.objects.filter(active_q(day), unit_id__in=ancestors)
        .prefetch_related("audience_kinds", "audience_units")
        .order_by("-starts_on", "-id")
    )
    found = [item for item in items if in_audience(item, unit)]
    by_item = {s.item_id: s for s in Share.objects.filter(unit=unit, item__in=[i.pk for i in found])}
    for item in found:
        item.shared = by_item.get(item.pk)  # type: ignore[attr-defined]
    return found


def active_items(day: date) -> QuerySet[Item]:
    """Every item active on `day`, with its audience prefetched (the morning run)."""
    return Item.objects.filter(active_q(day)).prefetch_related("audience_kinds", "audience_units")
