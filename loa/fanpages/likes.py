"""Like declarations: each unit says how many of its members Liked the provincial Page; the province
checks the sum of the declared increases against the Page's follower growth."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.audit.log import log_action
from loa.core.images import reencode_image
from loa.fanpages import followers as follower_data
from loa.fanpages.models import LikeDeclaration

SCREENSHOT_MAX_BYTES = 5 * 1024 * 1024


@transaction.atomic
def declare_likes(*, by, unit, count, day=None, screenshot=None):
    today = timezone.localdate()
    day = day or today
    errors = {}
    if count is None or count < 0:
        errors["count"] = [_("Enter how many members have Liked the Page (0 or more).")]
    elif count > unit.members_count:
        errors["count"] = [
            _(
                "%(count)s is more than the %(members)s members of %(unit)s. A unit can declare at most its "
                "member count; if the member count is wrong, ask the province to correct it."
            )
            % {"count": count, "members": unit.members_count, "unit": unit.name}
        ]
    if day > today:
        errors["day"] = [_("The date cannot be in the future.")]
    picture = None
    if screenshot:
        try:
            # Decoded and written again under a generated name: never the bytes or the name as sent.
            picture = reencode_image(screenshot, max_bytes=SCREENSHOT_MAX_BYTES)
        except ValidationError as exc:
            errors["screenshot"] = exc.messages
    if errors:
        raise ValidationError(errors)
    previous = LikeDeclaration.objects.filter(unit=unit).order_by("-day", "-id").first()
    declaration = LikeDeclaration.objects.create(
        unit=unit,
        day=day,
        count=count,
        members_count=unit.members_count,
        screenshot=picture.file if picture else "",
        declared_by=by if getattr(by, "pk", None) else None,
    )
    log_action(
        "fanpage.likes.declared",
        actor=by,
        obj=unit,
        unit=unit,
        before={"count": previous.count, "day": previous.day.isoformat()} if previous else None,
        after={"count": count, "day": day.isoformat(), "screenshot": bool(screenshot)},
    )
    return declaration


def quarter_start(day):
    """The first day of `day`'s quarter: units declare their Likes once a quarter."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def latest_declarations(unit_ids, *, on=None):
    """{unit_id: LikeDeclaration} the latest declaration of each unit (on or before `on`). One query."""
    qs = LikeDeclaration.objects.filter(unit_id__in=unit_ids)
    if on:
        qs = qs.filter(day__lte=on)
    latest = {}
    for declaration in qs.order_by("unit_id", "day", "id").only(
        "id", "unit_id", "day", "count", "members_count", "screenshot"
    ):
        latest[declaration.unit_id] = declaration
    return latest


def like_rate(declaration, members):
    if declaration is None or not members:
        return None
    return min(1.0, declaration.count / members)


# --- Reconciliation ------------------------------------------------------------------------------


@dataclass
class UnitClaim:
    unit_id: int
    name: str
    before: int
    after: int

    @property
    def increase(self):
        return self.after - self.before


@dataclass
class Period:
    start: date
    end: date
    followers_start: tuple | None  # (day, followers)
    followers_end: tuple | None
    claims: list = field(default_factory=list)

    @property
    def growth(self):
        if not self.followers_start or not self.followers_end:
            return None
        return self.followers_end[1] - self.followers_start[1]

    @property
    def declared(self):
        return sum(c.increase for c in self.claims if c.increase > 0)

    @property
    def fits(self):
        return self.growth is None or self.declared <= max(self.growth, 0)

    @property
    def flagged_claims(self):
        """Claims that cannot fit: alone above the whole growth; when the sum does not fit, every rising claim."""
        if self.growth is None:
            return []
        growth = max(self.growth, 0)
        if self.fits:
            return [c for c in self.claims if c.increase > growth]
        return [c for c in self.claims if c.increase > 0]

    def arithmetic(self):
        """The sum written out, e.g. '12 + 30 + 5 = 47 > 1.250 − 1.220 = 30'."""
        rising = [c.increase for c in self.claims if c.increase > 0]
        left = (" + ".join(str(v) for v in rising) + f" = {sum(rising)}") if len(rising) > 1 else str(sum(rising))
        if self.growth is None:
            return left
        sign = "≤" if self.fits else ">"
        return f"{left} {sign} {self.followers_end[1]} − {self.followers_start[1]} = {self.growth}"


def month_periods(start, end):
    periods, current = [], date(start.year, start.month, 1)
    while current <= end:
        following = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
        periods.append((max(current, start), min(following - timedelta(days=1), end)))
        current = following
    return periods


def reconcile(*, fanpage, units, start, end):
    """Compare, month by month from `start` to `end`, the units' declared increases with the growth of
    the provincial Page's followers. A unit's increase in a period is its latest declaration at the
    period's end minus its latest declaration before the period began (0 if none)."""
    points = follower_data.series(fanpage, end=end)
    unit_list = (
        list(units.values_list("id", "name")) if hasattr(units, "values_list") else [(u.pk, u.name) for u in units]
    )
    names = dict(unit_list)
    timeline = defaultdict(list)
    for d in (
        LikeDeclaration.objects.filter(unit_id__in=names, day__lte=end)
        .order_by("unit_id", "day", "id")
        .values_list("unit_id", "day", "count")
    ):
        timeline[d[0]].append((d[1], d[2]))

    def value(unit_id, day):
        found = 0
        for when, count in timeline.get(unit_id, ()):
            if when > day:
                break
            found = count
        return found

    result = []
    for first, last in month_periods(start, end):
        period = Period(
            first,
            last,
            follower_data.at(points, first - timedelta(days=1)) or _first_in(points, first, last),
            follower_data.at(points, last),
        )
        if period.followers_start and period.followers_end and period.followers_start[0] >= period.followers_end[0]:
            period.followers_end = None
        base_day = period.followers_start[0] if period.followers_start else first - timedelta(days=1)
        for unit_id in timeline:
            before, after = value(unit_id, base_day), value(unit_id, last)
            if before != after:
                period.claims.append(UnitClaim(unit_id, names[unit_id], before, after))
        period.claims.sort(key=lambda c: -c.increase)
        result.append(period)
    return result


def _first_in(points, first, last):
    for point in points:
        if first <= point[0] <= last:
            return point
    return None
