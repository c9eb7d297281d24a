"""Demo data for Fanpage activity: posts for the demo Pages with realistic gaps, the provincial
Page's follower snapshots, and Like declarations, a few of which cannot fit.

`build(ctx)` works from what is in the database (the registered Pages of the demo tree); ctx may
carry `calendar` (`loa.demo.calendar.DemoCalendar`), else `year` (2021), and `stdout`.

- With a live calendar: last year and this year up to yesterday. Each Page has a habit (almost
  daily, working days, now and then, or gone quiet two to six weeks ago), its set-up day and its
  registration (the day of its unit's first report); the provincial Page gains followers, faster
  during last year's Like campaign and since this year's letter; Like declarations last year, in
  each finished quarter of this year, and in the current quarter for some units and not others.
- Without one (or `demo --year 2021`): the year 2021 as the demo always had it.

Deterministic: the same data for the same day, and safe to run twice.
"""

import random
from datetime import date, datetime, timedelta

from django.db import connection
from django.utils import timezone

from loa.fanpages.models import Fanpage, FollowerSnapshot, LikeDeclaration, Post, PostingDay, PostingYear
from loa.fanpages.posts import IncomingPost, record_posts, year_rollup
from loa.units.models import Unit

PROVINCIAL_URL = "https://www.facebook.com/congdoancaobang"
HABITS = ("daily", "weekdays", "weekdays", "sporadic", "stopped")


def _posted_at(day, rng):
    return timezone.make_aware(
        datetime.combine(day, datetime.min.time()) + timedelta(hours=rng.randint(7, 21), minutes=rng.randint(0, 59))
    )


def build(ctx=None):
    calendar = getattr(ctx, "calendar", None)
    year = calendar.year if calendar is not None else getattr(ctx, "year", 2021)
    rng = random.Random(2021)
    root = Unit.objects.filter(parent__isnull=True).order_by("id").first()
    if root is None:
        return
    provincial = Fanpage.objects.filter(unit=root).first() or Fanpage.objects.create(
        unit=root,
        name="Công đoàn tỉnh Cao Bằng",
        url=PROVINCIAL_URL,
        url_key=PROVINCIAL_URL.lower(),
        admin_name="Văn phòng LĐLĐ tỉnh",
        admin_phone="+842063852345",
        set_up_on=date(2019, 5, 1),
    )
    pages = list(
        Fanpage.objects.filter(unit__kind__is_grassroots=True, unit__path__startswith=root.path)
        .select_related("unit")
        .order_by("unit__code")
    )
    if calendar is not None and calendar.live:
        # The directives step (400) hands over the day of each unit's first Fanpage report.
        extra = getattr(ctx, "extra", None) or {}
        _live(calendar, provincial, pages, extra.get("fanpage_first_reports", {}))
        if getattr(ctx, "stdout", None):
            ctx.stdout.write(
                f"fanpages: {len(pages)} Pages with posts from {calendar.first_day} to {calendar.last_day}"
            )
        return
    today = calendar.today if calendar is not None else timezone.localdate()
    first, last = date(year, 1, 1), min(date(year, 12, 31), today)
    for index, page in enumerate(pages):
        # Habits: a few post almost daily, most on working days with holidays and slack weeks, some give up.
        habit = HABITS[index % 5]
        start = first + timedelta(days=rng.randint(0, 100)) if index % 3 else first
        items, day, pause_until = [], start, None
        while day <= last:
            if pause_until and day < pause_until:
                day += timedelta(days=1)
                continue
            if rng.random() < 0.02:
                pause_until = day + timedelta(days=rng.randint(5, 20))  # Tết, summer, a busy month
            p = {
                "daily": 0.93,
                "weekdays": 0.8 if day.weekday() < 5 else 0.1,
                "sporadic": 0.3,
                "stopped": 0.7 if day < date(year, 6, 1) else 0.0,
            }[habit]
            for n in range(rng.choice((1, 1, 1, 2)) if rng.random() < p else 0):
                items.append(IncomingPost(f"demo{page.pk}{day:%m%d}{n}", _posted_at(day, rng)))
            day += timedelta(days=1)
        record_posts(fanpage=page, posts=items, source=Post.Source.IMPORT)

    # The provincial Page gains followers steadily, faster during the Like campaign from May.
    followers, day = 1840, first
    while day <= last:
        followers += rng.randint(0, 4) + (rng.randint(3, 12) if date(year, 5, 1) <= day <= date(year, 7, 31) else 0)
        if day.day in (1, 15) or day == last:
            FollowerSnapshot.objects.update_or_create(
                fanpage=provincial, day=day, defaults={"followers": followers, "source": "import"}
            )
        day += timedelta(days=1)

    # Like declarations: most units climb towards their member count; two claim far more in June than fits.
    for index, page in enumerate(pages):
        unit = page.unit
        if not unit.members_count or LikeDeclaration.objects.filter(unit=unit).exists():
            continue
        count = 0
        for month in (4, 5, 6, 8, 10):
            if date(year, month, 28) > last:
                break
            count = min(unit.members_count, count + rng.randint(0, max(1, unit.members_count // 3)))
            if month == 6 and index in (1, 4):
                count = unit.members_count  # everyone at once, far beyond the month's growth
            LikeDeclaration.objects.create(
                unit=unit, day=date(year, month, 28), count=count, members_count=unit.members_count
            )
    if getattr(ctx, "stdout", None):
        ctx.stdout.write(f"fanpages: {len(pages)} Pages with posts for {year}, follower snapshots, Like declarations")


def _live(calendar, provincial, pages, reported):
    rng = random.Random(f"loa-demo fanpages {calendar.today.isoformat()}")
    tz = timezone.get_current_timezone()
    first, last, today = calendar.first_day, calendar.last_day, calendar.today
    history, current = calendar.history, calendar.current
    posts = {}
    for index, page in enumerate(pages):
        unit, habit = page.unit, HABITS[index % 5]
        start = first + timedelta(days=rng.randint(0, 100)) if index % 3 else first
        registered_at = reported.get(unit.pk)
        if registered_at is not None:
            start = min(start, timezone.localdate(registered_at) - timedelta(days=rng.randint(0, 20)))
        start = max(start, first, unit.active_from or first)
        end = min(last, unit.active_to or last)
        quiet_from = today - timedelta(days=rng.randint(14, 42))  # the "stopped" habit: silent for two to six weeks
        pauses_until = today - timedelta(days=30)  # the others are back at work by now: only a few Pages are silent
        items, day, pause_until = [], start, None
        while day <= end:
            if pause_until and day < pause_until:
                day += timedelta(days=1)
                continue
            if rng.random() < 0.02 and day < pauses_until:
                pause_until = day + timedelta(days=rng.randint(5, 20))  # Tết, summer, a busy month
            p = {
                "daily": 0.93,
                "weekdays": 0.8 if day.weekday() < 5 else 0.1,
                "sporadic": 0.3,
                "stopped": 0.7 if day < quiet_from else 0.0,
            }[habit]
            for n in range(rng.choice((1, 1, 1, 2)) if rng.random() < p else 0):
                at = datetime(day.year, day.month, day.day, rng.randint(7, 21), rng.randint(0, 59), tzinfo=tz)
                items.append((f"demo{page.pk}-{day:%Y%m%d}-{n}", at, day))
            day += timedelta(days=1)
        posts[page.pk] = items
        # The Page was set up when it began posting and is registered since its unit's first report.
        fields = {"set_up_on": start}
        if registered_at is not None:
            fields["registered_at"] = registered_at
        Fanpage.objects.filter(pk=page.pk).update(**fields)
    _load_posts(posts)

    # The provincial Page gains followers steadily, faster during last year's Like campaign (May to
    # July) and since this year's letter.
    followers, day = 1840, first
    campaign = (date(history.year, 5, 1), date(history.year, 7, 31))
    while day <= last:
        followers += rng.randint(0, 4) + (rng.randint(3, 12) if campaign[0] <= day <= campaign[1] else 0)
        followers += rng.randint(2, 9) if day >= current.issued_on else 0
        if day.day in (1, 15) or day == last:
            FollowerSnapshot.objects.update_or_create(
                fanpage=provincial, day=day, defaults={"followers": followers, "source": "import"}
            )
        day += timedelta(days=1)

    # Like declarations: last year as in 2021 (two claim far more in June than fits); this year at
    # the end of each finished quarter, and in the current quarter only some units so far.
    quarter = calendar.quarter_start
    finished = [date(quarter.year, m, 28) for m in (3, 6, 9) if date(quarter.year, m, 28) < quarter]
    recent_from = max(quarter, today - timedelta(days=45))
    for index, page in enumerate(pages):
        unit = page.unit
        if not unit.members_count or LikeDeclaration.objects.filter(unit=unit).exists():
            continue
        count, rows = 0, []
        for month in (4, 5, 6, 8, 10):
            day = date(history.year, month, 28)
            if not (unit.active_from or day) <= day <= (unit.active_to or day):
                continue
            count = min(unit.members_count, count + rng.randint(0, max(1, unit.members_count // 3)))
            if month == 6 and index in (1, 4):
                count = unit.members_count  # everyone at once, far beyond the month's growth
            rows.append((day, count))
        days = [d for d in finished if rng.random() < 0.85]
        if rng.random() < 0.55:  # this quarter: some units have declared, the others not yet
            span = (last - recent_from).days
            days.append(recent_from + timedelta(days=rng.randint(0, span)) if span >= 0 else today)
        for day in days:
            if not (unit.active_from or day) <= day <= (unit.active_to or day):
                continue
            count = min(unit.members_count, count + rng.randint(0, max(1, unit.members_count // 6)))
            rows.append((day, count))
        LikeDeclaration.objects.bulk_create(
            [LikeDeclaration(unit=unit, day=day, count=n, members_count=unit.members_count) for day, n in rows]
        )


def _insert(model, fields, rows):
    """INSERT rows of database-ready values into the model's table, 5,000 at a time."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(f).column) for f in fields)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def _load_posts(posts_by_page):  # {fanpage_id: [(post key, aware time, local day)]}
    """The demo's posts with their PostingDay and PostingYear rows, written directly: nearly two years of
    posts for every Page are tens of thousands of rows, which `record_posts` (one model object per row,
    checks for posts already there) would take seconds to store. The rollups are those `record_posts`
    keeps (`year_rollup`). A Page that already has posts gets none: running the demo twice adds nothing."""
    has_posts = set(Post.objects.filter(fanpage_id__in=posts_by_page).values_list("fanpage_id", flat=True).distinct())
    ops = connection.ops
    post_rows, per_day = [], {}
    for pk, items in posts_by_page.items():
        if pk in has_posts:
            continue
        for key, posted_at, day in items:
            at = ops.adapt_datetimefield_value(posted_at)
            post_rows.append((pk, key, at, ops.adapt_datefield_value(day), "", Post.Source.IMPORT.value, at))
            per_day[pk, day] = per_day.get((pk, day), 0) + 1
    _insert(Post, ("fanpage", "post_key", "posted_at", "day", "permalink", "source", "created_at"), post_rows)
    _insert(
        PostingDay,
        ("fanpage", "day", "posts"),
        [(pk, ops.adapt_datefield_value(day), n) for (pk, day), n in sorted(per_day.items())],
    )
    days = {}
    for pk, day in sorted(per_day):
        days.setdefault((pk, day.year), []).append(day)
    PostingYear.objects.bulk_create([year_rollup(pk, year, d) for (pk, year), d in days.items()])
