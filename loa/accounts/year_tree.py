"""Year-scoped figures by the year's tree: which units a year's figures group under an upper unit,
and who may read them (docs/architecture.md, "The tree as of a date").

A year's pages (`?tree=year`, the default) group units under the parents they had on the year's
tree day (`units.selectors.tree_day`); `?tree=today` groups them under today's tree, reading the
figures' `unit_path` copy. Who may see what stays by today's tree, with one widening for a past
year's tree: a role's holder also reads the figures of the units that were under the role's unit
that year (the admin of the union a CĐCS left still sees its figures of the years it spent there),
as an issuer always sees the replies to its own directives.

Each function adds at most one query, whatever the number of units: the figures are joined to the
placements by a subquery on `unit_id`.
"""

from __future__ import annotations

import datetime
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Literal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.accounts.scope import path_q, role_paths
from loa.units.models import UnitPlacement
from loa.units.selectors import on, subtree_on, tree_day

if TYPE_CHECKING:
    from loa.units.models import Unit

Tree = Literal["year", "today"]
YEAR: Tree = "year"
TODAY: Tree = "today"


def tree_choice(raw: str | None) -> Tree:
    """The tree from a query string: `today`, or the year's (the default; anything else)."""
    return TODAY if raw == TODAY else YEAR


def past_day(year: int, tree: str) -> datetime.date | None:
    """The day whose tree groups the year's figures, or None when that is today's tree (the switch
    says so, or the year is the current one, whose tree day is today)."""
    if tree == TODAY:
        return None
    day = tree_day(year)
    return None if day >= timezone.localdate() else day


def paths_then(user: object, capability: str, day: datetime.date, node: Unit | None) -> tuple[list[str], str | None]:
    """(the paths on `day` of the user's role units, `node`'s path that day or None): one query,
    once per user, day and node in a request (the ranking reads this year's and last year's)."""
    paths = role_paths(user, capability)
    cache = user.__dict__.setdefault("_loa_year_tree", {})
    key = (capability, day, node.pk if node is not None else None)
    if key not in cache:
        asked = Q(unit__path__in=[p for p in paths if p != "/"])
        if node is not None:
            asked |= Q(unit_id=node.pk)
        rows = (
            UnitPlacement.objects.filter(on(day)).filter(asked).order_by().values_list("unit_id", "unit__path", "path")
        )
        roles = [then for _pk, today, then in rows if today in paths]
        cache[key] = (roles, next((then for pk, _today, then in rows if node is not None and pk == node.pk), None))
    return cache[key]


def figures_q(
    user: object,
    capability: str,
    year: int,
    tree: str,
    *,
    node: Unit | None = None,
    field: str = "unit_path",
    id_field: str = "unit_id",
) -> Q:
    """The figures of `year` the user may read, of the units under `node` if given (itself included).

    By today's tree (`tree=today`, or the current year): the figures' `field` path copy, under the
    user's roles and under `node`. By a past year's tree: the units under `node` on the tree day, and
    who may read them as today, widened to the units then under one of the user's role units. At
    most one query (the paths that day of the role units and of `node`); the rest are subqueries.
    On the units themselves: `field="path", id_field="pk"`."""
    today = path_q(user, capability, field=field)
    day = past_day(year, tree)
    if day is None:
        return today & Q(**{f"{field}__startswith": node.path}) if node is not None else today
    roles, prefix = paths_then(user, capability, day, node)
    reach = today
    if roles and "/" not in role_paths(user, capability):
        under = UnitPlacement.objects.filter(on(day)).filter(reduce(or_, (Q(path__startswith=p) for p in roles)))
        reach = today | Q(**{f"{id_field}__in": under.order_by().values("unit_id")})
    if node is None:
        return reach
    if prefix is None:  # the node did not stand in the tree that day: nothing was under it
        return Q(pk__in=[])
    return reach & Q(**{f"{id_field}__in": subtree_on(prefix, day).values("unit_id")})


def tree_line(year: int, tree: str) -> str:
    """Which tree groups the figures, in words (an export's title lines)."""
    if tree == TODAY:
        return _("Unit tree: today's")
    return _("Unit tree: as in %(year)s") % {"year": year}
