"""Reads for the progress pages: a unit's own figures and the rows of one level of the tree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.articles import rollups
from loa.articles.models import Channel, Kind, Publication, Rollup
from loa.units.models import Unit, UnitPlacement
from loa.units.selectors import on, path_on, subtree_on

# "Met" and "with a quota" are counted per kind: a unit with both a news and an article quota is one
# unit in each count, never two in one (issue 13: "29 / 86 units" for 43 units).
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
    size (node's path then; the rollups with their paths then; the children); the sums in Python."""
    total = _blank(node)
    prefix = path_on([node.pk], day).get(node.pk)
    if prefix is None:  # node did not stand in the tree that day
        return total, []
    then = UnitPlacement.objects.filter(on(day), unit_id=OuterRef("unit_id")).order_by().values("path")[:1]
    rows = (
        Rollup.objects.filter(year=year, unit_id__in=subtree_on(prefix, day).values("unit_id"))
        .annotate(then=Subquery(then))
        .order_by()
        .values_list("then", "kind", "own_target", "own_counted", "own_in_depth", "own_exemplary")
    )
    by_child: dict[int, dict[str, Any]] = {}
    for path, kind, target, counted, in_depth, exemplary in rows:
        own = rollups.contribution({"target": target, "counted": counted, "in_depth": in_depth, "exemplary": exemplary})
        rest = path[len(prefix) :]
        targets = [total]
        if rest:  # the node's own figures count in its total only
            targets.append(by_child.setdefault(int(rest.split("/")[0]), _blank(None)))
        for row in targets:
            _add_own(row, kind, own)
    units = Unit.objects.in_bulk(list(by_child))
    out = []
    for pk, row in by_child.items():
        if pk in units:
            row["unit"] = units[pk]
            out.append(row)
    return total, out


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
