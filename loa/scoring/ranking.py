"""The ranking: the stored scores in a user's reach, filtered by upper unit, kind and level, sorted,
counted by level and paged; the same filters for the page, its export and the API (`Ranking`).
Batch queries on the Score table, never one per unit."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loa.accounts import year_tree
from loa.accounts.capabilities import Capability
from loa.accounts.scope import units_for
from loa.core.numbers import INTEGER_RANGES
from loa.core.paging import CappedPaginator
from loa.scoring.models import Score

SORTS = {
    "rank": ("rank", "unit_sort", "id"),
    "-rank": ("-rank", "unit_sort", "id"),
    "total": ("total", "unit_sort", "id"),
    "-total": ("-total", "unit_sort", "id"),
    "name": ("unit_sort", "id"),
    "-name": ("-unit_sort", "-id"),
}
SORT_LABELS = {
    "-total": gettext_lazy("Highest total first"),
    "total": gettext_lazy("Lowest total first"),
    "rank": gettext_lazy("Rank, first to last"),
    "-rank": gettext_lazy("Rank, last to first"),
    "name": gettext_lazy("Name, A to Z"),
    "-name": gettext_lazy("Name, Z to A"),
}

# The level filter (`?level=`): a level's id, the units no level was given, or the lagging units:
# those of the lowest level (when the rubric has more than one) and those of none.
UNCLASSIFIED, LAGGING = "none", "lagging"
MAX_ID = INTEGER_RANGES["BigIntegerField"][1]


def scores(user, year, *, node=None, kind_id=None, tree=year_tree.YEAR):
    """The year's scores in the user's reach, under `node` by the year's tree or today's (`tree`)."""
    qs = Score.objects.filter(year=year).filter(year_tree.figures_q(user, Capability.VIEW, year, tree, node=node))
    if kind_id:
        qs = qs.filter(kind_id=kind_id)
    return qs


def sorted_scores(qs, sort):
    sort = sort if sort in SORTS else "-total"
    return qs.order_by(*SORTS[sort]), sort


def query_id(raw):
    """An id from a query string, or None when it is not one (a word, a number beyond the column)."""
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 1 <= value <= MAX_ID else None


def level_filter(raw):
    """The level filter from a query string: a level id, UNCLASSIFIED, LAGGING, or None (every level)."""
    return raw if raw in (UNCLASSIFIED, LAGGING) else query_id(raw)


def level_keys(book, level):
    """The stored level ids the level filter keeps (None standing for no level), or None for all."""
    if level is None:
        return None
    if level == UNCLASSIFIED:
        return {None}
    if level == LAGGING:
        return {None, book.levels[-1].id} if len(book.levels) > 1 else {None}
    return {level}


def by_level(qs, book, level):
    """The scores of `qs` that the level filter keeps."""
    keys = level_keys(book, level)
    if keys is None:
        return qs
    q = Q(level_id__in=[k for k in keys if k is not None])
    return qs.filter(q | Q(level_id__isnull=True) if None in keys else q)


@dataclass(frozen=True)
class LevelCount:
    key: object  # the level filter that lists these units: a level id, or UNCLASSIFIED
    name: str
    n: int
    percent: int


def distribution(qs, book):
    """([LevelCount] in the rubric's level order, highest first, then the others, then the units of no
    level; their total): one grouped COUNT. A stored level the rubric no longer has keeps its stored
    name and id."""
    counts, names = {}, {}
    for level_id, name, n in qs.order_by().values_list("level_id", "level_name").annotate(n=Count("id")):
        key = level_id or UNCLASSIFIED
        counts[key] = counts.get(key, 0) + n
        names.setdefault(key, name)
    total = sum(counts.values())
    rows = [(lv.id, lv.name, counts.pop(lv.id, 0)) for lv in book.levels]
    unclassified = counts.pop(UNCLASSIFIED, 0)
    rows += [(key, names[key] or _("Unclassified"), n) for key, n in counts.items()]
    if unclassified:
        rows.append((UNCLASSIFIED, _("Unclassified"), unclassified))
    return [LevelCount(key, name, n, round(100 * n / total) if total else 0) for key, name, n in rows], total


def level_count(dist, book, level):
    """How many units of the distribution the level filter keeps (no query)."""
    keys = level_keys(book, level)
    return sum(row.n for row in dist if keys is None or (None if row.key == UNCLASSIFIED else row.key) in keys)


@dataclass
class Ranking:
    """The ranking's filters, as the page, its export and the API take them."""

    user: object
    rubric: object
    book: object
    node: object = None  # the upper unit whose units are listed
    kind_id: int | None = None
    level: object = None  # see level_filter
    sort: str = "-total"
    tree: str = year_tree.YEAR  # group the units by the year's tree or today's (year_tree)

    def __post_init__(self):
        self.sort = self.sort if self.sort in SORTS else "-total"

    @cached_property
    def in_reach(self):
        """The scores of the units under the upper unit and of the kind (every level): what the
        distribution counts."""
        return scores(self.user, self.rubric.year, node=self.node, kind_id=self.kind_id, tree=self.tree)

    @property
    def listed(self):
        """The scores the filters keep, sorted."""
        return sorted_scores(by_level(self.in_reach, self.book, self.level), self.sort)[0]


class RankingPaginator(CappedPaginator):
    """Pages of the ranking: told its count (the distribution's total, counted anyway) instead of
    counting; the page's ids are sorted and sliced alone over the Score indexes, then its rows fetched
    with their unit (CappedPaginator.page)."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self):
        return self.known_count


def previous_totals(year, unit_ids):
    """{unit_id: total} of the year before, for the units shown. One query."""
    return dict(Score.objects.filter(year=year - 1, unit_id__in=unit_ids).values_list("unit_id", "total"))


def upper_units(user, rubric, *, most=300):
    """The unions above the CĐCS under the rubric's unit that the user may view, to filter the ranking
    by: shallowest first, then in Vietnamese order (a capped list: a province has a few dozen). A
    union's own parts (công đoàn bộ phận, under a CĐCS) rank nothing and are left out."""
    # Filtered then sorted (a few thousand upper units of 130,000), not sorted whole then filtered.
    scope = units_for(user, Capability.VIEW).filter(path__startswith=rubric.unit.path, kind__is_grassroots=False)
    scope = scope.exclude(parent__kind__is_grassroots=True)
    return list(scope.order_by("depth", "name_sort").values("pk", "name", "code", "depth")[:most])
