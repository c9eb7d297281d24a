"""Reading the tree as it was on a day: the units' placements over time (`UnitPlacement`).

What year-scoped figures are meant to use (docs/units-history.md): a year's figures group units
under the parents they had on the year's last day (`tree_day`), today's tree being the other
choice. Each function is one query, whatever the number of units asked about.

    day = tree_day(2025)
    prefix = path_on([upper.pk], day)[upper.pk]          # where the upper union stood then
    under = subtree_on(prefix, day)                       # its units then: unit_id, parent_id, path
    Score.objects.filter(year=2025, unit_id__in=under.values("unit_id"))
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from loa.audit.models import AuditEntry
from loa.units.models import Unit, UnitPlacement, UnitSuccession


def on(day: datetime.date, *, through: str = "") -> Q:
    """The placements in force on `day` (both ends included; empty ends open). `through`: the
    relation that leads to them ("placements__" from a unit: a join, not a subquery per unit)."""
    start, end = f"{through}valid_from", f"{through}valid_to"
    return (Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": day})) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day})
    )


def tree_day(year: int) -> datetime.date:
    """The day whose tree a year's figures use: 31 December, or today for the current year."""
    return min(datetime.date(year, 12, 31), timezone.localdate())


def parent_on(unit_ids: Iterable[int], day: datetime.date) -> dict[int, int | None]:
    """{unit id: its parent's id on `day` (None at the top)}, in one query. A unit that did not
    stand in the tree that day (its first day was later) is left out."""
    rows = UnitPlacement.objects.filter(on(day), unit_id__in=unit_ids).order_by().values_list("unit_id", "parent_id")
    return dict(rows)


def path_on(unit_ids: Iterable[int], day: datetime.date) -> dict[int, str]:
    """{unit id: its path on `day`}, in one query; units not in the tree that day are left out."""
    rows = UnitPlacement.objects.filter(on(day), unit_id__in=unit_ids).order_by().values_list("unit_id", "path")
    return dict(rows)


def subtree_on(path: str, day: datetime.date) -> QuerySet[UnitPlacement]:
    """The placements of the units under the path `path` on `day` (the unit whose path it was
    included): a queryset of UnitPlacement, one indexed prefix query, as a subtree today is. Take
    `path` from `path_on`: a unit's path on a past day may differ from today's."""
    return UnitPlacement.objects.filter(on(day), path__startswith=path).order_by()


def ancestor_ids_on(unit_ids: Iterable[int], day: datetime.date) -> dict[int, list[int]]:
    """{unit id: the ids above it on `day`, root first}, from the paths (one query)."""
    return {pk: [int(p) for p in path.strip("/").split("/")[:-1]] for pk, path in path_on(unit_ids, day).items()}


def placement_history(unit: Unit) -> list[UnitPlacement]:
    """The unit's placements, oldest first, with their parents: one query."""
    return list(
        UnitPlacement.objects.filter(unit=unit)
        .select_related("parent")
        .order_by(F("valid_from").asc(nulls_first=True), "id")
    )


def parent_history(unit: Unit) -> list[dict[str, Any]]:
    """Where the unit stood, oldest first: [{parent, from, to}], consecutive placements under the
    same parent (its ancestors moved, not it) taken as one. One query."""
    lines: list[dict[str, Any]] = []
    for placement in placement_history(unit):
        if lines and lines[-1]["parent_id"] == placement.parent_id:
            lines[-1]["valid_to"] = placement.valid_to
            continue
        lines.append(
            {
                "parent_id": placement.parent_id,
                "parent": placement.parent,
                "valid_from": placement.valid_from,
                "valid_to": placement.valid_to,
            }
        )
    return lines


def name_history(unit: Unit) -> list[dict[str, Any]]:
    """The unit's names, oldest first, from the audit log: [{name, valid_from, valid_to}]: the
    first from the unit's first day (`active_from`; empty: since it was registered), each later
    one from the day it was changed, to the day before the next. One query."""
    entries = (
        AuditEntry.objects.filter(
            object_type=Unit._meta.label_lower,
            object_id=str(unit.pk),
            action__in=("unit.created", "unit.updated"),
            after__has_key="name",
        )
        .order_by("at", "id")
        .values_list("at", "after")
    )
    lines: list[dict[str, Any]] = []
    for at, after in entries:
        day, name = timezone.localdate(at), (after or {}).get("name")
        if lines and lines[-1]["name"] == name:
            continue
        if lines:
            lines[-1]["valid_to"] = day - datetime.timedelta(days=1)
            if lines[-1]["valid_from"] and lines[-1]["valid_to"] < lines[-1]["valid_from"]:
                lines.pop()  # renamed again the same day: only the day's last name stood
        lines.append({"name": name, "valid_from": day, "valid_to": None})
    if not lines:
        lines.append({"name": unit.name, "valid_from": None, "valid_to": None})
    # The first name stood from the unit's first day, as its first placement does.
    lines[0]["valid_from"] = unit.active_from
    return lines


# --- Successions: merges and splits as records (`UnitSuccession`) -------------------------------


def successions_during(start: datetime.date, end: datetime.date) -> list[UnitSuccession]:
    """The merges and splits whose successor's first day falls in [start, end], oldest first, with
    their units: one query."""
    return list(
        UnitSuccession.objects.filter(on__gte=start, on__lte=end)
        .select_related("source", "successor")
        .order_by("on", "id")
    )


def predecessors(unit_ids: Iterable[int], start: datetime.date, end: datetime.date) -> list[UnitSuccession]:
    """The successions into `unit_ids` dated in [start, end], and those into their predecessors in
    turn (a unit merged in March into one merged again in September), oldest first, with their
    units: one query per step back in the chain."""
    found: dict[int, UnitSuccession] = {}
    wanted, seen = set(unit_ids), set()
    while wanted:
        seen |= wanted
        step = list(
            UnitSuccession.objects.filter(successor_id__in=wanted, on__gte=start, on__lte=end).select_related(
                "source", "successor"
            )
        )
        for succession in step:
            found[succession.pk] = succession
        wanted = {s.source_id for s in step} - seen
    return sorted(found.values(), key=lambda s: (s.on, s.pk))


def successors(unit: Unit) -> list[UnitSuccession]:
    """What the unit's work went to when it was merged or split (empty while it stands), with the
    successors: one query."""
    return list(UnitSuccession.objects.filter(source=unit).select_related("successor").order_by("on", "id"))
