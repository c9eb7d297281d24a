"""Posting compliance: posting days ÷ days in the period, per unit, per upper unit, and silent Pages.

Everything here reads the PostingYear rollups (one small row per Page and year, kept up to date by
`posts.record_posts`), never the posts or the posting days. The period of a unit, its posting days and
its silence are worked out in SQL as whole day numbers (`DayNumber`), so that the province table is
one grouped query returning one row per upper unit, and the silent Pages one query returning only
the silent units: no object per unit is built in Python for them.

The period of a unit runs from the later of 1 January, the Page's set-up day (else its registration in
Loa, if during the year) and the unit's active_from — or from the Page's first post of the year when
that is earlier than the Page's day — to the earlier of today (or 31 December for a past year) and
its active_to.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate
from django.utils import timezone

from loa.accounts import year_tree
from loa.accounts.scope import path_q
from loa.fanpages.models import PostingDay, PostingYear
from loa.units.models import Unit
from loa.units.selectors import on

SILENT_DAYS = 7
EPOCH = date(2000, 1, 1)
FAR = 1_000_000  # days: beyond any date


class DayNumber(Func):
    """A date as whole days since 1 January 2000 (an integer), on PostgreSQL and SQLite alike."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="(%(expressions)s - DATE '2000-01-01')", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="CAST(ROUND(julianday(%(expressions)s) - 2451544.5) AS INTEGER)", **extra
        )


def day_number(day):
    return (day - EPOCH).days


def from_day_number(number):
    return None if number is None else EPOCH + timedelta(days=number)


def _int(value):
    return Value(value, output_field=IntegerField())


def annotated_units(*, user, capability, year, today, extra_q=None):
    """The grassroots units the user reaches that are active during the year (None if the year has not
    begun), annotated with day numbers: c_start, c_end, c_period (days in the period, ≥ 0),
    c_posting_days, c_last (last posting day), c_streak (the rollup's streak) and c_silent (days without
    a post as of today; NULL for a unit without a Page)."""
    units = Unit.objects.filter(path_q(user, capability))
    if extra_q is not None:
        units = units.filter(extra_q)
    return _annotated(units, year=year, today=today)


def _annotated(units, *, year, today):
    """`units` narrowed to the grassroots units active during the year, with the annotations of
    `annotated_units` (None if the year has not begun)."""
    first, last = date(year, 1, 1), period_end(year, today)
    if last < first:
        return None
    year_start = timezone.make_aware(datetime(year, 1, 1))
    units = units.filter(kind__is_grassroots=True).active_during(first, last)
    n_first, n_last, n_today = _int(day_number(first)), _int(day_number(last)), _int(day_number(today))
    return (
        units.annotate(
            py=FilteredRelation("fanpage__posting_years", condition=Q(fanpage__posting_years__year=year)),
        )
        .annotate(
            # The Page counts from its set-up day, else its registration in Loa when that falls in the year.
            c_page_start=Case(
                When(fanpage__set_up_on__isnull=False, then=Greatest(n_first, DayNumber("fanpage__set_up_on"))),
                When(fanpage__registered_at__gte=year_start, then=DayNumber(TruncDate("fanpage__registered_at"))),
                default=n_first,
                output_field=IntegerField(),
            ),
        )
        .annotate(
            # … or from its first post of the year, if earlier; then not before the unit's active_from.
            # (Coalesce with far days rather than Case: each reference to an annotation repeats its SQL.)
            c_start=Greatest(
                Least(F("c_page_start"), Coalesce(DayNumber("py__first_post_day"), _int(FAR))),
                Coalesce(DayNumber("active_from"), _int(-FAR)),
            ),
            c_end=Least(n_last, Coalesce(DayNumber("active_to"), _int(FAR))),
            c_posting_days=Coalesce("py__posting_days", 0),
            c_last=DayNumber("py__last_post_day"),
            # Silence does not stop at 1 January: without a post this year it runs from the last post
            # of an earlier year, else from the Page's set-up or registration (issue 13: "0 % of days
            # with posts" beside "every Page posted recently" on 3 January). Read only when needed.
            c_silent_from=Coalesce(
                DayNumber("py__last_post_day"),
                DayNumber(
                    Subquery(
                        PostingYear.objects.filter(
                            fanpage_id=OuterRef("fanpage__id"), year__lt=year, last_post_day__isnull=False
                        )
                        .order_by("-year")
                        .values("last_post_day")[:1]
                    )
                ),
                DayNumber("fanpage__set_up_on") - 1,
                DayNumber(TruncDate("fanpage__registered_at")) - 1,
            ),
            c_streak=Coalesce("py__streak", 0),
        )
        .annotate(
            c_period=Greatest(F("c_end") - F("c_start") + 1, _int(0)),
            c_silent=Case(
                When(
                    fanpage__isnull=False,
                    then=Greatest(_int(0), Least(n_today, F("c_end")) - Coalesce(F("c_silent_from"), F("c_start") - 1)),
                ),
                default=None,
                output_field=IntegerField(),
            ),
        )
    )


class _Rate:
    """Posting days of the days in the period, as a share and as a percentage (None: no days)."""

    @property
    def rate(self):
        return self.posting_days / self.period_days if self.period_days else None

    @property
    def percent(self):
        return None if self.rate is None else round(100 * self.rate)


@dataclass
class UnitCompliance(_Rate):
    unit_id: int
    parent_id: int | None
    name: str
    name_sort: str
    fanpage_id: int | None
    start: date | None
    end: date | None
    posting_days: int = 0
    last_post_day: date | None = None
    streak: int = 0  # current streak, as of `end`
    code: str = ""  # the unit's code: namesakes differ by it

    @property
    def period_days(self):
        if self.start is None or self.end is None or self.end < self.start:
            return 0
        return (self.end - self.start).days + 1

    def silent_days(self, today):
        """Days since the last post (or since the period started), as of `today`."""
        if self.fanpage_id is None or self.start is None:
            return None
        since = self.last_post_day or self.start - timedelta(days=1)
        return max(0, (min(today, self.end or today) - since).days)


def period_end(year, today):
    return min(today, date(year, 12, 31))


_ITEM_FIELDS = (
    "id",
    "parent_id",
    "name",
    "name_sort",
    "fanpage__id",
    "c_start",
    "c_end",
    "c_posting_days",
    "c_last",
    "c_streak",
    "code",
)


def _item(row):
    unit_id, parent_id, name, name_sort, fanpage_id, start, end, posting_days, last, streak, code = row
    start, end, last = from_day_number(start), from_day_number(end), from_day_number(last)
    # The streak is current only if it reaches the end of the period (or the day before: today may be young).
    current = streak if last and (end - last).days <= 1 else 0
    return UnitCompliance(
        unit_id, parent_id, name, name_sort, fanpage_id, start, end, posting_days, last, current, code
    )


def unit_compliance(*, user, capability, year, today=None, extra_q=None):
    """UnitCompliance for every grassroots unit the user reaches that is active during the year,
    in Vietnamese order. One query whatever the number of units."""
    today = today or timezone.localdate()
    units = annotated_units(user=user, capability=capability, year=year, today=today, extra_q=extra_q)
    if units is None:
        return []
    return [_item(row) for row in units.order_by("name_sort", "id").values_list(*_ITEM_FIELDS)]


def posting_figures(units, *, year, today=None):
    """{unit_id: (posting days, days in the period)} for the grassroots units of the queryset `units`
    active during the year: the figures of `unit_compliance` without its scope, order or objects, for
    readers of every unit at once (the annual scoring). One query over the PostingYear rollups."""
    today = today or timezone.localdate()
    annotated = _annotated(units, year=year, today=today)
    if annotated is None:
        return {}
    return {
        unit_id: (posting_days, period)
        for unit_id, posting_days, period in annotated.order_by().values_list("id", "c_posting_days", "c_period")
    }


@dataclass
class GroupCompliance(_Rate):
    unit: Unit | None
    units: int = 0
    with_page: int = 0
    posting_days: int = 0
    period_days: int = 0
    silent: int = 0


def upper_unit_compliance(*, user, capability, year, today=None, silent_days=SILENT_DAYS, tree=year_tree.YEAR):
    """The units' compliance summed by their parent (the upper union), in Vietnamese order of the parents:
    one grouped query over the rollups (one row per upper union) and one for the upper unions' names.
    A past year's units are grouped under the parents they had on its last day, unless `tree` is
    today's (year_tree: one more query, where the user's units stood then)."""
    today = today or timezone.localdate()
    reach = year_tree.figures_q(user, capability, year, tree, field="path", id_field="pk")
    units = _annotated(Unit.objects.filter(reach), year=year, today=today)
    if units is None:
        return []
    group = "parent_id"
    day = year_tree.past_day(year, tree)
    if day is not None:
        # A join to the placements of that day (at most one per unit), not a look-up per unit.
        then = FilteredRelation("placements", condition=on(day, through="placements__"))
        units, group = units.annotate(placed_then=then), "placed_then__parent_id"
    rows = (
        units.order_by()
        .values(group)
        .annotate(
            n_units=Count("id"),
            n_with_page=Count("fanpage__id"),
            n_posting_days=Sum("c_posting_days"),
            n_period_days=Sum("c_period"),
            n_silent=Count(Case(When(c_silent__gte=silent_days, then=_int(1)))),
        )
        .values_list(group, "n_units", "n_with_page", "n_posting_days", "n_period_days", "n_silent")
    )
    rows = list(rows)
    parents = Unit.objects.only("id", "name", "short_name", "name_sort", "code", "path").in_bulk(
        [r[0] for r in rows if r[0]]
    )
    result = [
        GroupCompliance(parents.get(parent_id), n, with_page, posting_days or 0, period_days or 0, silent)
        for parent_id, n, with_page, posting_days, period_days, silent in rows
    ]
    result.sort(key=lambda g: (g.unit.name_sort if g.unit else "", g.unit.pk if g.unit else 0))
    return result


def silent_pages(*, user, capability, today=None, days=SILENT_DAYS):
    """(days without a post, UnitCompliance) of the units in reach whose registered Page has not posted
    for `days` days or more (counted across the turn of the year), longest silence first. Only the silent units leave the database."""
    today = today or timezone.localdate()
    units = annotated_units(user=user, capability=capability, year=today.year, today=today)
    if units is None:
        return []
    rows = (
        units.filter(c_silent__gte=days).order_by("-c_silent", "name_sort", "id").values_list("c_silent", *_ITEM_FIELDS)
    )
    return [(row[0], _item(row[1:])) for row in rows]


def heat_map(fanpage, year):
    """{day: posts} of the Page in the year: one query over the (fanpage, day) unique index."""
    if fanpage is None:
        return {}
    first = date(year, 1, 1)
    return dict(
        PostingDay.objects.filter(fanpage=fanpage, day__gte=first, day__lte=date(year, 12, 31)).values_list(
            "day", "posts"
        )
    )
