"""Posting compliance: posting days ÷ days in the period, per unit, per upper unit, and silent Pages.

Everything here reads the PostingYear rollups (one small row per Page and year), never the posts:
compliance for every unit of the province for a year is two queries and one pass in Python.
The period of a unit runs from the later of 1 January, the Page's set-up/registration day and the
unit's active_from, to the earlier of today (or 31 December for a past year) and its active_to.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from loa.accounts.scope import path_q
from loa.fanpages.models import PostingDay, PostingYear
from loa.units.models import Unit

SILENT_DAYS = 7


@dataclass
class UnitCompliance:
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

    @property
    def period_days(self):
        if self.start is None or self.end is None or self.end < self.start:
            return 0
        return (self.end - self.start).days + 1

    @property
    def rate(self):
        return self.posting_days / self.period_days if self.period_days else None

    @property
    def percent(self):
        return None if self.rate is None else round(100 * self.rate)

    def silent_days(self, today):
        """Days since the last post (or since the period started), as of `today`."""
        if self.fanpage_id is None or self.start is None:
            return None
        since = self.last_post_day or self.start - timedelta(days=1)
        return max(0, (min(today, self.end or today) - since).days)


def period_end(year, today):
    return min(today, date(year, 12, 31))


def unit_compliance(*, user, capability, year, today=None, extra_q=None):
    """UnitCompliance for every grassroots unit the user reaches that is active during the year,
    in Vietnamese order. Two queries whatever the number of units."""
    today = today or timezone.localdate()
    first, last = date(year, 1, 1), period_end(year, today)
    if last < first:
        return []
    year_start = timezone.make_aware(datetime(year, 1, 1))
    units = Unit.objects.filter(path_q(user, capability), kind__is_grassroots=True).active_during(first, last)
    if extra_q is not None:
        units = units.filter(extra_q)
    rows = units.order_by("name_sort", "id").values_list(
        "id", "parent_id", "name", "name_sort", "active_from", "active_to", "fanpage__id", "fanpage__set_up_on", "fanpage__registered_at")
    years = PostingYear.objects.filter(year=year).filter(path_q(user, capability, field="fanpage__unit__path"))
    if extra_q is not None:
        years = years.filter(fanpage__unit__in=units)
    rollup = {row[0]: row[1:] for row in years.values_list("fanpage_id", "posting_days", "last_post_day", "streak", "first_post_day")}
    result = []
    for unit_id, parent_id, name, name_sort, active_from, active_to, fanpage_id, set_up_on, registered_at in rows:
        start = first
        got = rollup.get(fanpage_id)
        if fanpage_id is not None:
            # The Page counts from its set-up day (else its registration in Loa), or its first post if earlier.
            if set_up_on and set_up_on > start:
                start = set_up_on
            elif not set_up_on and registered_at >= year_start:
                start = max(start, timezone.localtime(registered_at).date())
            if got and got[3] and got[3] < start:
                start = got[3]
        if active_from and active_from > start:
            start = active_from
        end = last if not active_to or active_to > last else active_to
        item = UnitCompliance(unit_id, parent_id, name, name_sort, fanpage_id, start, end)
        if got:
            item.posting_days, item.last_post_day, streak, _first_post = got
            item.streak = streak if item.last_post_day and (end - item.last_post_day).days <= 1 else 0
        result.append(item)
    return result


@dataclass
class GroupCompliance:
    unit: Unit
    units: int = 0
    with_page: int = 0
    posting_days: int = 0
    period_days: int = 0
    silent: int = 0

    @property
    def rate(self):
        return self.posting_days / self.period_days if self.period_days else None

    @property
    def percent(self):
        return None if self.rate is None else round(100 * self.rate)


def by_upper_unit(items, *, today, silent_days=SILENT_DAYS):
    """Sum the units' compliance by their parent (the upper union), in Vietnamese order of the parents."""
    groups = defaultdict(list)
    for item in items:
        groups[item.parent_id].append(item)
    parents = {u.pk: u for u in Unit.objects.filter(pk__in=[k for k in groups if k])}
    result = []
    for parent_id, members in groups.items():
        group = GroupCompliance(parents.get(parent_id))
        for item in members:
            group.units += 1
            group.with_page += item.fanpage_id is not None
            group.posting_days += item.posting_days
            group.period_days += item.period_days
            silent = item.silent_days(today)
            group.silent += silent is not None and silent >= silent_days
        result.append(group)
    result.sort(key=lambda g: (g.unit.name_sort if g.unit else "", g.unit.pk if g.unit else 0))
    return result


def silent_pages(items, *, today, days=SILENT_DAYS):
    """Units whose registered Page has not posted for `days` days or more, longest silence first."""
    found = [(item.silent_days(today), item) for item in items]
    found = [(s, item) for s, item in found if s is not None and s >= days]
    found.sort(key=lambda pair: (-pair[0], pair[1].name_sort))
    return found


def heat_map(fanpage, year):
    """{day: posts} of the Page in the year."""
    if fanpage is None:
        return {}
    return dict(PostingDay.objects.filter(fanpage=fanpage, day__year=year).values_list("day", "posts"))
