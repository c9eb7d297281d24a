"""Reads of the items to share: which items a unit is asked to share on a day (its audience)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, Q, QuerySet, Sum

from loa.core.text import sort_key
from loa.sharing.models import ClickDay, Item, Share, Tally
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
    or None). Four queries (the items, their kinds and units, the shares) whatever their number."""
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


# --- Figures: share rates per unit and period, read from the monthly tallies ---------------------

FIGURES = ("asked", "shared", "on_time", "declared", "clicks")


@dataclass
class Figures:
    """A unit's sharing figures over a period (its whole subtree unless said otherwise)."""

    unit: Unit | None
    asked: int = 0
    shared: int = 0
    on_time: int = 0
    declared: int = 0
    clicks: int = 0

    @property
    def rate(self) -> float | None:
        """Shared on time of the items asked, 0..1; None when nothing was asked."""
        return min(self.on_time / self.asked, 1.0) if self.asked else None

    @property
    def rate_overall(self) -> float | None:
        """Shared at all (late too) of the items asked."""
        return min(self.shared / self.asked, 1.0) if self.asked else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(100 * self.rate)

    @property
    def percent_overall(self) -> int | None:
        return None if self.rate_overall is None else round(100 * self.rate_overall)

    def minus(self, other: Figures) -> Figures:
        return Figures(self.unit, *(max(getattr(self, f) - getattr(other, f), 0) for f in FIGURES))

    def plus(self, other: Figures) -> Figures:
        return Figures(self.unit, *(getattr(self, f) + getattr(other, f) for f in FIGURES))


def period(year: int, month: int | None = None) -> tuple[date, date]:
    """The first days of the period's first and last months (a month, or the whole year)."""
    if month:
        return date(year, month, 1), date(year, month, 1)
    return date(year, 1, 1), date(year, 12, 1)


def _sums() -> dict[str, Sum]:
    return {f: Sum(f) for f in FIGURES}


def children_table(node: Unit, year: int, month: int | None = None) -> tuple[Figures, Figures, list[Figures]]:
    """(the node's subtree, the node's own figures, its children's subtrees) over the period: two
    indexed queries whatever the number of units (the tallies of the node and of its children, then
    the children themselves, so that a child with nothing asked is listed too)."""
    first, last = period(year, month)
    rows = (
        Tally.objects.filter(Q(parent_unit_id=node.pk) | Q(unit_id=node.pk), month__gte=first, month__lte=last)
        .values("unit_id")
        .annotate(**_sums())
        .order_by()
    )
    by_unit = {r["unit_id"]: r for r in rows}
    children = list(node.children.select_related("kind"))

    def figures(unit: Unit | None, unit_id: int) -> Figures:
        r = by_unit.get(unit_id) or {}
        return Figures(unit, *(r.get(f) or 0 for f in FIGURES))

    total = figures(node, node.pk)
    table = [figures(child, child.pk) for child in children]
    below = Figures(node)
    for row in table:
        below = below.plus(row)
    return total, total.minus(below), table


SORTS: dict[str, Callable[[Figures], Any]] = {
    "name": lambda r: sort_key(r.unit.name if r.unit else ""),
    "asked": lambda r: r.asked,
    "shared": lambda r: r.shared,
    "on_time": lambda r: r.on_time,
    "declared": lambda r: r.declared,
    "rate": lambda r: -1 if r.rate is None else r.rate,
    "rate_overall": lambda r: -1 if r.rate_overall is None else r.rate_overall,
    "clicks": lambda r: r.clicks,
}


def sort_rows(rows: list[Figures], sort: str | None) -> tuple[list[Figures], str]:
    """Rows sorted by `sort` ("rate", "-rate", …; by name when unknown)."""
    sort = sort or "name"
    key = sort.lstrip("-")
    if key not in SORTS:
        key, sort = "name", "name"
    return sorted(rows, key=SORTS[key], reverse=sort.startswith("-")), sort


def unit_comparison(unit: Unit, year: int, month: int | None = None) -> list[Figures]:
    """The unit's figures, then its parent's and the root's (the tree's averages it is measured
    against), each for its whole subtree: one query, plus one for the units above."""
    first, last = period(year, month)
    ids = path_ids(unit.path)
    wanted = list(dict.fromkeys([unit.pk, *ids[-2:-1], ids[0]]))
    rows = {
        r["unit_id"]: r
        for r in Tally.objects.filter(unit_id__in=wanted, month__gte=first, month__lte=last)
        .values("unit_id")
        .annotate(**_sums())
        .order_by()
    }
    units = type(unit).objects.in_bulk([i for i in wanted if i != unit.pk])
    units[unit.pk] = unit
    return [Figures(units.get(i), *((rows.get(i) or {}).get(f) or 0 for f in FIGURES)) for i in wanted]


def monthly(unit: Unit, year: int) -> list[Figures]:
    """The unit's subtree figures for each month of the year (12 rows, one query)."""
    first, last = period(year)
    rows = {t.month.month: t for t in Tally.objects.filter(unit_id=unit.pk, month__gte=first, month__lte=last)}
    return [
        Figures(unit, *(getattr(rows[m], f) for f in FIGURES)) if m in rows else Figures(unit) for m in range(1, 13)
    ]


def year_figures(units: QuerySet[Unit], year: int) -> dict[int, tuple[int, int, int]]:
    """{unit id: (asked, shared on time, clicks)} of the year for each of `units` (its subtree:
    a CĐCS's own), one grouped query: the scoring's share-rate and clicks measures."""
    first, last = period(year)
    rows = (
        Tally.objects.filter(unit_id__in=units.values("id"), month__gte=first, month__lte=last)
        .values("unit_id")
        .annotate(asked=Sum("asked"), on_time=Sum("on_time"), clicks=Sum("clicks"))
        .order_by()
        .values_list("unit_id", "asked", "on_time", "clicks")
    )
    return {u: (a or 0, o or 0, c or 0) for u, a, o, c in rows}


def latest_year() -> int | None:
    """The latest year with a tally (the figures pages' default year is this year, or that one)."""
    month = Tally.objects.aggregate(m=Max("month"))["m"]
    return month.year if month else None


# --- Figures of one item: who shared it, how fast, which shares brought readers ------------------


def _under(paths: list[str], field: str) -> Q:
    """Rows whose unit lies under one of `paths` (the reader's role paths; "/" is everything)."""
    if "/" in paths:
        return Q()
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in paths))


def item_shares(item: Item, paths: list[str]) -> QuerySet[Share]:
    """The item's shares by the units under `paths`, first shared first, with each unit: page it."""
    return (
        Share.objects.filter(_under(paths, "unit_path"), item=item).select_related("unit").order_by("shared_at", "id")
    )


def item_summary(item: Item, paths: list[str]) -> dict[str, int]:
    """{shared, on_time, declared, clicks} of the item by the units under `paths`: two queries."""
    figures: dict[str, int] = Share.objects.filter(_under(paths, "unit_path"), item=item).aggregate(
        shared=Count("id"),
        on_time=Count("id", filter=Q(on_time=True)),
        declared=Count("id", filter=Q(kind=Share.Kind.DECLARED)),
    )
    clicks = ClickDay.objects.filter(_under(paths, "link__unit__path"), link__item=item).aggregate(n=Sum("clicks"))
    return {**figures, "clicks": clicks["n"] or 0}


def item_clicks(item: Item, unit_ids: list[int]) -> dict[int, int]:
    """{unit id: clicks its link for `item` counted}, for the units given (one query)."""
    rows = (
        ClickDay.objects.filter(link__item=item, link__unit_id__in=unit_ids)
        .values("link__unit_id")
        .annotate(n=Sum("clicks"))
        .order_by()
        .values_list("link__unit_id", "n")
    )
    return dict(rows)


def item_readers(item: Item, paths: list[str], limit: int = 20) -> list[dict[str, Any]]:
    """The units under `paths` whose shares of `item` brought the most readers, most first (one query)."""
    return list(
        ClickDay.objects.filter(_under(paths, "link__unit__path"), link__item=item)
        .values("link__unit_id", "link__unit__name", "link__unit__code")
        .annotate(clicks=Sum("clicks"))
        .filter(clicks__gt=0)
        .order_by("-clicks", "link__unit__name")[:limit]
    )
