"""The provincial Page's followers: one snapshot per day (Graph, typed in or imported) and its growth."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.audit.log import log_action
from loa.fanpages.models import Fanpage, FollowerSnapshot
from loa.imports.columns import Column, Columns

FOLLOWER_COLUMNS = Columns(
    "fanpages.followers",
    [
        Column("day", "Ngày", ("Date", "Ngày ghi nhận", "Thời gian")),
        Column("followers", "Người theo dõi", ("Số người theo dõi", "Lượt theo dõi", "Followers", "Page followers")),
    ],
)


def provincial_page(unit):
    """The Page whose followers the units' Likes go to: the Page registered at the root of the unit's tree."""
    root_id = int(unit.path.strip("/").split("/")[0])
    return Fanpage.objects.filter(unit_id=root_id).select_related("unit").first()


@transaction.atomic
def record_snapshot(*, by, fanpage, day, followers, source):
    if followers is None or int(followers) < 0:
        raise ValidationError({"followers": [_("Enter the number of followers (0 or more).")]})
    if day > timezone.localdate():
        raise ValidationError({"day": [_("The date cannot be in the future.")]})
    old = FollowerSnapshot.objects.filter(fanpage=fanpage, day=day).first()
    snapshot, _created = FollowerSnapshot.objects.update_or_create(
        fanpage=fanpage,
        day=day,
        defaults={
            "followers": int(followers),
            "source": source,
            "recorded_by": by if getattr(by, "pk", None) else None,
        },
    )
    if old is None or old.followers != snapshot.followers:
        log_action(
            "fanpage.followers.recorded",
            actor=by,
            obj=fanpage,
            unit=fanpage.unit,
            before={"followers": old.followers} if old else None,
            after={"day": day.isoformat(), "followers": snapshot.followers, "source": source},
        )
    return snapshot


def series(fanpage, start=None, end=None):
    qs = FollowerSnapshot.objects.filter(fanpage=fanpage)
    if start:
        qs = qs.filter(day__gte=start)
    if end:
        qs = qs.filter(day__lte=end)
    return list(qs.order_by("day").values_list("day", "followers"))


def at(points, day):
    """The last snapshot on or before `day` from sorted (day, followers) points: (day, followers) or None."""
    found = None
    for point in points:
        if point[0] > day:
            break
        found = point
    return found


def growth_svg(points, *, width=640, height=220):
    """A server-rendered line chart of (day, followers) points, as SVG markup (scales to the screen)."""
    if not points:
        return ""
    pad_l, pad_r, pad_t, pad_b = 56, 12, 12, 28
    days = [(d - points[0][0]).days for d, _v in points]
    span = max(days[-1], 1)
    low, high = min(v for _d, v in points), max(v for _d, v in points)
    if high == low:
        high, low = high + 1, max(0, low - 1)

    def x(i):
        return pad_l + (width - pad_l - pad_r) * days[i] / span

    def y(v):
        return pad_t + (height - pad_t - pad_b) * (1 - (v - low) / (high - low))

    line = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, (_d, v) in enumerate(points))
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{_('Followers')}: {points[0][1]} → {points[-1][1]}</title>",
    ]
    for v in (low, (low + high) // 2, high):
        parts.append(
            f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e5e7eb"/>'
            f'<text x="{pad_l - 6}" y="{y(v) + 4:.1f}" font-size="11" text-anchor="end" fill="#6b7280">{v:,}</text>'.replace(
                ",", "."
            )
        )
    first, last = points[0][0], points[-1][0]
    parts.append(f'<text x="{pad_l}" y="{height - 8}" font-size="11" fill="#6b7280">{first:%d/%m/%Y}</text>')
    parts.append(
        f'<text x="{width - pad_r}" y="{height - 8}" font-size="11" text-anchor="end" fill="#6b7280">{last:%d/%m/%Y}</text>'
    )
    parts.append(f'<polyline fill="none" stroke="#1d4ed8" stroke-width="2" points="{line}"/>')
    parts.append("</svg>")
    return "".join(parts)


def parse_snapshot_rows(rows):
    """(day, followers) from rows of an imported sheet: a date column and a number column, under a
    header row if there is one (found as every import finds it, loa.imports.columns)."""
    from loa.fanpages.imports import parse_date
    from loa.imports import cells
    from loa.imports.columns import find_header

    header = find_header(rows, FOLLOWER_COLUMNS)
    start, mapping = (header.position + 1, header.mapping) if header else (0, {})
    if len(set(mapping.values())) < 2:
        mapping = {0: "day", 1: "followers"}  # titles Loa does not know: a date, then a number
    column = {field: index for index, field in mapping.items()}
    result, errors = [], []
    for number, row in rows[start:]:
        if not row or all(c in (None, "") for c in row):
            continue
        day_cell, count_cell = (row[column[f]] if column[f] < len(row) else "" for f in ("day", "followers"))
        try:
            day = parse_date(day_cell)
            value = cells.whole_number(count_cell, empty=None)
        except cells.CellError:
            value = None
        if value is None:
            errors.append(_("Row %(row)s: expected a date (dd/mm/yyyy) and a number of followers.") % {"row": number})
            continue
        result.append((day, value))
    return result, errors


def import_snapshots(*, by, fanpage, upload, rows=None, name=None):
    """Follower counts from a csv/xlsx sheet (a date column, then a number), all or nothing; `rows`:
    the file's rows already read. A header row is allowed. Returns (snapshots recorded, errors);
    nothing is stored on an error."""
    from loa.fanpages.imports import read_rows

    rows = read_rows(upload, name=name) if rows is None else rows
    points, errors = parse_snapshot_rows(rows)
    if errors:
        return 0, errors
    if not points:
        return 0, [_("The file has no rows of followers.")]
    try:
        with transaction.atomic():
            for day, value in points:
                record_snapshot(by=by, fanpage=fanpage, day=day, followers=value, source=FollowerSnapshot.Source.IMPORT)
    except ValidationError as exc:
        return 0, exc.messages
    return len(points), []
