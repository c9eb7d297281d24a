"""Demo data for Fanpage activity: a year (2021) of posts for the demo Pages with realistic gaps,
the provincial Page's follower snapshots, and Like declarations, a few of which cannot fit.

`build(ctx)` works from what is in the database (the registered Pages of the demo tree); ctx may
carry `year` and `stdout`. Deterministic: the same data every time, and safe to run twice.
"""

import random
from datetime import date, datetime, timedelta

from django.utils import timezone

from loa.fanpages.models import Fanpage, FollowerSnapshot, LikeDeclaration, Post
from loa.fanpages.posts import IncomingPost, record_posts
from loa.units.models import Unit

PROVINCIAL_URL = "https://www.facebook.com/congdoancaobang"


def build(ctx=None):
    year = getattr(ctx, "year", 2021)
    rng = random.Random(2021)
    root = Unit.objects.filter(parent__isnull=True).order_by("id").first()
    if root is None:
        return
    provincial = Fanpage.objects.filter(unit=root).first() or Fanpage.objects.create(
        unit=root, name="Công đoàn tỉnh Cao Bằng", url=PROVINCIAL_URL, url_key=PROVINCIAL_URL.lower(),
        admin_name="Văn phòng LĐLĐ tỉnh", admin_phone="+842063852345", set_up_on=date(2019, 5, 1))
    first, last = date(year, 1, 1), min(date(year, 12, 31), timezone.localdate())
    pages = list(Fanpage.objects.filter(unit__kind__is_grassroots=True, unit__path__startswith=root.path).select_related("unit").order_by("unit__code"))
    for index, page in enumerate(pages):
        # Habits: a few post almost daily, most on working days with holidays and slack weeks, some give up.
        habit = ("daily", "weekdays", "weekdays", "sporadic", "stopped")[index % 5]
        start = first + timedelta(days=rng.randint(0, 100)) if index % 3 else first
        items, day, pause_until = [], start, None
        while day <= last:
            if pause_until and day < pause_until:
                day += timedelta(days=1)
                continue
            if rng.random() < 0.02:
                pause_until = day + timedelta(days=rng.randint(5, 20))  # Tết, summer, a busy month
            p = {"daily": 0.93, "weekdays": 0.8 if day.weekday() < 5 else 0.1, "sporadic": 0.3,
                 "stopped": 0.7 if day < date(year, 6, 1) else 0.0}[habit]
            for n in range(rng.choice((1, 1, 1, 2)) if rng.random() < p else 0):
                at = timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=rng.randint(7, 21), minutes=rng.randint(0, 59)))
                items.append(IncomingPost(f"demo{page.pk}{day:%m%d}{n}", at))
            day += timedelta(days=1)
        record_posts(fanpage=page, posts=items, source=Post.Source.IMPORT)

    # The provincial Page gains followers steadily, faster during the Like campaign from May.
    followers, day = 1840, first
    while day <= last:
        followers += rng.randint(0, 4) + (rng.randint(3, 12) if date(year, 5, 1) <= day <= date(year, 7, 31) else 0)
        if day.day in (1, 15) or day == last:
            FollowerSnapshot.objects.update_or_create(fanpage=provincial, day=day, defaults={"followers": followers, "source": "import"})
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
            LikeDeclaration.objects.create(unit=unit, day=date(year, month, 28), count=count, members_count=unit.members_count)
    if getattr(ctx, "stdout", None):
        ctx.stdout.write(f"fanpages: {len(pages)} Pages with posts for {year}, follower snapshots, Like declarations")
