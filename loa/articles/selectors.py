"""Reads for the progress pages: a unit's own figures and the rows of one level of the tree."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.articles import rollups
from loa.articles.models import Channel, Kind, Publication, Rollup
from loa.core import generations
from loa.units import placements
from loa.units.models import Unit, UnitPlacement
from loa.units.selectors import path_on

# "Met" and "with a quota" are counted per kind: a unit with both a news and an article quota is one
# unit in each count, never two in one (issue 13: "29 / 86 units" for 43 units).
log = logging.getLogger(__name__)

COLUMNS = (
    "news_target",
    "news_counted",
    "news_with_quota",
    "news_met",
    "article_target",
    "article_counted",
    "article_with_quota",
    "article_met",
    "in_depth",
    "exemplary",
    "over",
)


@dataclass
class Figures:
    kind: str
    target: int = 0
    counted: int = 0
    in_depth: int = 0
    exemplary: int = 0

    @property
    def over(self) -> int:
        return max(0, self.counted - self.target) if self.target else self.counted

    @property
    def missing(self) -> int:
        return max(0, self.target - self.counted)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.counted / self.target)) if self.target else (100 if self.counted else 0)


def days_left(year: int, today: date | None = None) -> int | None:
    today = today or timezone.localdate()
    if year != today.year:
        return None if year < today.year else (date(year, 12, 31) - date(year, 1, 1)).days + 1
    return (date(year, 12, 31) - today).days


def warning(fig: Figures, year: int, today: date | None = None) -> tuple[str, str]:
    """A plain sentence about where the unit stands: 'Đã đạt 3/5 tin, còn 40 ngày.'"""
    today = today or timezone.localdate()
    news = fig.kind == Kind.NEWS
    values = {"counted": fig.counted, "target": fig.target, "days": days_left(year, today), "over": fig.over}
    if not fig.target:
        return "info", (
            _("No quota of news items set for this year; %(counted)s counted.")
            if news
            else _("No quota of articles set for this year; %(counted)s counted.")
        ) % values
    if fig.counted >= fig.target:
        if fig.over:
            return "ok", (
                _("Quota met: %(counted)s of %(target)s news items, %(over)s beyond it.")
                if news
                else _("Quota met: %(counted)s of %(target)s articles, %(over)s beyond it.")
            ) % values
        return "ok", (
            _("Quota met: %(counted)s of %(target)s news items.")
            if news
            else _("Quota met: %(counted)s of %(target)s articles.")
        ) % values
    if year < today.year:
        return "bad", (
            _("Quota missed: %(counted)s of %(target)s news items.")
            if news
            else _("Quota missed: %(counted)s of %(target)s articles.")
        ) % values
    return ("warn" if values["days"] is not None and values["days"] < 60 else "info"), (
        _("%(counted)s of %(target)s news items so far, %(days)s days left.")
        if news
        else _("%(counted)s of %(target)s articles so far, %(days)s days left.")
    ) % values


def unit_figures(unit: Unit, year: int) -> tuple[dict[str, Figures], dict[str, Rollup]]:
    """({kind: Figures} of the unit's own work, {kind: Rollup} of its subtree): one query."""
    own, subtree = {k: Figures(kind=k) for k in Kind.values}, {}
    for row in Rollup.objects.filter(unit=unit, year=year):
        own[row.kind] = Figures(
            kind=row.kind,
            target=row.own_target,
            counted=row.own_counted,
            in_depth=row.own_in_depth,
            exemplary=row.own_exemplary,
        )
        subtree[row.kind] = row
    return own, subtree


def _blank(unit: Unit | None) -> dict[str, Any]:
    return {"unit": unit, **dict.fromkeys(COLUMNS, 0)}


def _add(row: dict[str, Any], r: Rollup) -> None:
    row[f"{r.kind}_target"] += r.target
    row[f"{r.kind}_counted"] += r.counted
    row[f"{r.kind}_with_quota"] += r.with_quota
    row[f"{r.kind}_met"] += r.met
    for k in ("in_depth", "exemplary", "over"):
        row[k] += getattr(r, k)


def level_rows(node: Unit, year: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(total row of node, rows of its children) from the rollups: two queries, whatever the tree's size."""
    total = _blank(node)
    for r in Rollup.objects.filter(unit=node, year=year):
        _add(total, r)
    by_unit: dict[int, dict[str, Any]] = {}
    for r in Rollup.objects.filter(year=year, parent_unit_id=node.pk).select_related("unit"):
        row = by_unit.setdefault(r.unit_id, _blank(r.unit))
        _add(row, r)
    return total, list(by_unit.values())


def level_rows_then(node: Unit, year: int, day: date) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(total row of node, rows of its children) by the tree of `day` (a past year's figures grouped
    under the parents the units had that year): the units then under node, their own figures (the
    rollups' `own_*`) summed under node's children of that day. Three queries, whatever the tree's
    size (node's path then; the sums by child; the children).

    The sums are one grouped query over the rollups joined to the placements of `day`, grouped by the
    first step of each unit's path below node's: a past year's root table reads every unit's rollup
    of the year (263,542 at national size), which summed in Python took over a second."""
    total = _blank(node)
    prefix = path_on([node.pk], day).get(node.pk)
    if prefix is None:  # node did not stand in the tree that day
        return total, []
    by_child: dict[int, dict[str, Any]] = {}
    for child, kind, *sums in _cached_sums_by_child(prefix, year, day):
        own = dict(zip(("target", "counted", "in_depth", "exemplary", "over", "with_quota", "met"), sums, strict=True))
        _add_own(total, kind, own)
        if child:  # the node's own figures count in its total only
            _add_own(by_child.setdefault(int(child), _blank(None)), kind, own)
    units = Unit.objects.in_bulk(list(by_child))
    out = []
    for pk, row in by_child.items():
        if pk in units:
            row["unit"] = units[pk]
            out.append(row)
    return total, out


def _cached_sums_by_child(prefix: str, year: int, day: date) -> list[tuple[Any, ...]]:
    """`_sums_by_child` from the cache when neither the year's own figures nor any placement changed
    since it was stored (their generations key it: `rollups.change`/`rebuild` and every placement
    write bump them, so a late correction to a past year shows at once). A past year's figures rarely
    change: its root table then costs a cache read, not a grouped query over every unit's rollup.
    The sums only: the children's names are read each time."""
    try:
        generation = generations.current(rollups.year_generation(year))
        key = f"articles:sums-then:{year}:{day}:{prefix}:{generation}:{generations.current(placements.GENERATION)}"
        sums = cache.get(key)
    except Exception:  # a cache that does not answer: the sums from the database, never a 500
        log.exception("past-tree sums read without the cache")
        return _sums_by_child(prefix, year, day)
    if sums is None:
        sums = _sums_by_child(prefix, year, day)
        try:
            cache.set(key, sums, SUMS_CACHE_SECONDS)
        except Exception:
            log.exception("past-tree sums not cached")
    return sums


# How long cached sums of a past tree are kept: a bound on what a write that could not bump its
# generation (the cache did not answer) leaves out of date.
SUMS_CACHE_SECONDS = 3600

# The first step of a path below the prefix (`rest`: "12/345/" -> "12"; the node's own: "").
_FIRST_STEP = {
    "postgresql": "split_part(substr(p.path, %s), '/', 1)",
    "sqlite": "substr(substr(p.path, %s), 1, max(instr(substr(p.path, %s), '/') - 1, 0))",
}


def _sums_by_child(prefix: str, year: int, day: date) -> list[tuple[Any, ...]]:
    """[(child id as text, "" for the node itself; kind; target, counted, in_depth, exemplary, over,
    with_quota, met)] of the units under `prefix` on `day`: their own figures of `year`, summed by
    node's child they stood under, `over`/`with_quota`/`met` per unit as `rollups.contribution`."""
    step = _FIRST_STEP[connection.vendor]
    start = len(prefix) + 1
    sql = f"""
        SELECT {step} AS child, r.kind,
            SUM(r.own_target), SUM(r.own_counted), SUM(r.own_in_depth), SUM(r.own_exemplary),
            SUM(CASE WHEN r.own_target > 0 THEN
                    CASE WHEN r.own_counted > r.own_target THEN r.own_counted - r.own_target ELSE 0 END
                ELSE r.own_counted END),
            SUM(CASE WHEN r.own_target > 0 THEN 1 ELSE 0 END),
            SUM(CASE WHEN r.own_target > 0 AND r.own_counted >= r.own_target THEN 1 ELSE 0 END)
        FROM {Rollup._meta.db_table} r
        JOIN {UnitPlacement._meta.db_table} p ON p.unit_id = r.unit_id
            AND (p.valid_from IS NULL OR p.valid_from <= %s) AND (p.valid_to IS NULL OR p.valid_to >= %s)
        WHERE r.year = %s AND p.path LIKE %s
        GROUP BY 1, 2
    """
    steps = [start] * step.count("%s")
    with connection.cursor() as cursor:
        # A path holds digits and "/" only: nothing in the prefix for LIKE to read as a wildcard.
        cursor.execute(sql, [*steps, day, day, year, prefix + "%"])
        return cursor.fetchall()


def _add_own(row: dict[str, Any], kind: str, own: dict[str, Any]) -> None:
    row[f"{kind}_target"] += own["target"]
    row[f"{kind}_counted"] += own["counted"]
    row[f"{kind}_with_quota"] += own["with_quota"]
    row[f"{kind}_met"] += own["met"]
    for k in ("in_depth", "exemplary", "over"):
        row[k] += own[k]


SORTS = {
    "name": lambda r: r["unit"].name_sort,
    "news": lambda r: (r["news_counted"] / r["news_target"]) if r["news_target"] else 1.0,
    "articles": lambda r: (r["article_counted"] / r["article_target"]) if r["article_target"] else 1.0,
    # The weaker of the two shares: a level where every unit met its news quota but none its article
    # quota is not half done.
    "met": lambda r: min((r[f"{k}_met"] / r[f"{k}_with_quota"]) if r[f"{k}_with_quota"] else 1.0 for k in Kind.values),
    "in_depth": lambda r: r["in_depth"],
    "exemplary": lambda r: r["exemplary"],
    "over": lambda r: r["over"],
}


def sort_rows(rows: list[dict[str, Any]], sort: str) -> tuple[list[dict[str, Any]], str]:
    key = sort.lstrip("-")
    if key not in SORTS:
        key, sort = "name", "name"
    return sorted(rows, key=SORTS[key], reverse=sort.startswith("-")), sort


def monthly_by_channel(node: Unit, year: int) -> list[tuple[Channel, list[int], int]]:
    """[(channel, [12 counts], total)] of publications of pieces from node's subtree, by month."""
    counts: dict[int, list[int]] = {}
    rows = (
        Publication.objects.filter(unit_path__startswith=node.path, published_on__year=year)
        .annotate(month=ExtractMonth("published_on"))
        .values("channel_id", "month")
        .annotate(n=Count("id"))
    )
    for r in rows:
        counts.setdefault(r["channel_id"], [0] * 12)[r["month"] - 1] = r["n"]
    result = []
    for channel in Channel.objects.all():
        months = counts.get(channel.pk, [0] * 12)
        result.append((channel, months, sum(months)))
    return result


def own_rollup_rows(units: QuerySet[Unit], year: int) -> QuerySet[Rollup, tuple[Any, ...]]:
    """(unit id, kind, counted, target, in-depth, exemplary) of the units' own pieces in `year`, from
    the rollups: for the scoring."""
    return Rollup.objects.filter(year=year, unit__in=units).values_list(
        "unit_id", "kind", "own_counted", "own_target", "own_in_depth", "own_exemplary"
    )


def contribution(own: dict[str, Any]) -> dict[str, Any]:
    """A unit's own figures of one kind (target, counted, in_depth, exemplary) with what follows from
    them: pieces beyond the quota (`over`), `with_quota`, `met` (`rollups.contribution`)."""
    return rollups.contribution(own)


def publication(pk: object) -> Publication | None:
    """A publication with its piece, the piece's unit and its channel (the sharing area turns it
    into an item to share); None when there is none with that id."""
    try:
        return Publication.objects.select_related("submission__unit__kind", "channel").filter(pk=int(str(pk))).first()
    except (TypeError, ValueError):
        return None
