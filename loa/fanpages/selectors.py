"""Reads of the Page register and its figures for the other areas (a directive's Fanpage report, the
scoring): they read Pages through these, never through the models."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from loa.fanpages import compliance, lookup
from loa.fanpages.models import Fanpage, LikeDeclaration, Post

if TYPE_CHECKING:
    from loa.units.models import Unit


def page_of(unit: Unit) -> Fanpage | None:
    """The unit's registered Page, or None."""
    return Fanpage.objects.filter(unit=unit).first()


def post_ids(pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """{(fanpage id, post key): Post id} of the stored posts among `pairs`."""
    wanted = set(pairs)
    if not wanted:
        return {}
    rows = Post.objects.filter(
        fanpage_id__in={f for f, _k in wanted}, post_key__in={k for _f, k in wanted}
    ).values_list("fanpage_id", "post_key", "pk")
    return {(f, k): pk for f, k, pk in rows if (f, k) in wanted}


def registered_url(unit: Unit) -> str:
    """The address of the unit's registered Page, "" when it has none (or none recorded)."""
    return Fanpage.objects.filter(unit=unit).values_list("url", flat=True).first() or ""


def pages_by_unit(unit_ids: Iterable[int] | QuerySet[Any, Any]) -> dict[int, Fanpage]:
    """{unit id: Page} of the units (ids, or a subquery of them) that registered one."""
    return {p.unit_id: p for p in Fanpage.objects.filter(unit_id__in=unit_ids)}


def pages_by_url_key(keys: Iterable[str]) -> dict[str | None, Fanpage]:
    """{url key: Page, with its unit} of the Pages registered under those keys."""
    return {p.url_key: p for p in Fanpage.objects.filter(url_key__in=keys).select_related("unit")}


def address_by_name(name: str) -> str:
    """The address of the one Page Facebook finds by exactly that name, or "" (`lookup`)."""
    return lookup.address_by_name(name)


def units_with_a_page(units: QuerySet[Unit], year: int) -> QuerySet[Fanpage, int]:
    """The ids of the units (a queryset) whose Page was registered and set up by the end of `year`."""
    end = date(year, 12, 31)
    rows = Fanpage.objects.filter(unit__in=units).filter(Q(set_up_on__isnull=True) | Q(set_up_on__lte=end))
    return rows.values_list("unit_id", flat=True)


def latest_like_counts(units: QuerySet[Unit], year: int) -> dict[int, int]:
    """{unit id: members who Liked the provincial Page} by each unit's last declaration up to the end
    of `year`."""
    latest: dict[int, int] = {}
    rows = LikeDeclaration.objects.filter(unit__in=units, day__lte=date(year, 12, 31)).order_by("unit_id", "day", "id")
    for unit_id, count in rows.values_list("unit_id", "count"):
        latest[unit_id] = count
    return latest


def posting_figures(units: QuerySet[Unit], *, year: int, today: date | None = None) -> dict[int, tuple[int, int]]:
    """{unit id: (posting days, days in the period)} of the grassroots units active in the year (`compliance`)."""
    return compliance.posting_figures(units, year=year, today=today)
