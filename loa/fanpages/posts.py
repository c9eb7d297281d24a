"""Posts reach Loa from three sources (Graph sync, an imported file, an officer's link); all go through
`record_posts`, which stores each post once and keeps the posting-day rollups up to date."""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.audit.log import log_action
from loa.core.controls import strip_controls
from loa.core.facebook import is_facebook_host, site_of
from loa.core.facebook import split as split_facebook
from loa.fanpages import retention
from loa.fanpages.models import Fanpage, Post, PostingDay, PostingYear


@dataclass(frozen=True)
class IncomingPost:
    key: str
    posted_at: datetime  # aware
    permalink: str = ""
    text: str = ""  # what it says and the links it carries (from Graph; not stored, see posts_synced)
    links: tuple = ()


def post_key(raw_id):
    """'659554973897366_122168377616832251' -> '122168377616832251'; a bare id stays as it is."""
    text = str(raw_id).strip()
    return text.rsplit("_", 1)[-1] if "_" in text else text


def key_from_link(link):
    """The post's own id from a link an officer copied, e.g. /<page>/posts/<id>, permalink.php?story_fbid=<id>,
    /<page>/posts/pfbid0…, /share/p/<code>/, /photo/?fbid=<id>, /<page>/videos/<id>. Raises ValidationError."""
    text = (link or "").strip()
    if not text:
        raise ValidationError(_("Paste the link of the post (Share → Copy link on Facebook)."), code="required")
    parsed = split_facebook(text)
    if not is_facebook_host(parsed.hostname):
        raise ValidationError(
            _("“%(value)s” is not a Facebook link. On the post, tap Share → Copy link and paste it here.")
            % {"value": link.strip()},
            code="not_facebook",
        )
    query = parse_qs(parsed.query)
    for name in ("story_fbid", "fbid", "v"):
        if query.get(name):
            return post_key(query[name][0])
    parts = [p for p in parsed.path.split("/") if p]
    for marker in ("posts", "videos", "photos", "p", "reel", "permalink"):
        if marker in parts:
            index = parts.index(marker)
            if index + 1 < len(parts):
                return post_key(parts[-1] if marker == "photos" else parts[index + 1])
    if site_of(parsed.hostname) == "fb.watch" and parts:
        return parts[0]
    raise ValidationError(
        _("“%(value)s” is the link of a Page, not of a post. Open the post, tap Share → Copy link.")
        % {"value": link.strip()},
        code="not_a_post",
    )


def clean_link(link):
    text = link.strip()
    return text if re.match(r"^[a-z]+://", text, re.IGNORECASE) else "https://" + text


@transaction.atomic
def record_posts(*, fanpage, posts, source, by=None):
    """Store new posts of one Page and update its PostingDay / PostingYear rows. Returns how many posts
    were new. Safe to call twice with the same posts (nothing is counted twice)."""
    return record_posts_many({fanpage.pk: posts}, source=source, by=by)[fanpage.pk]


@transaction.atomic
def record_posts_many(posts_by_page, *, source, by=None):
    """record_posts for many Pages at once ({fanpage_id: [IncomingPost]}) in a constant number of
    queries: the Graph sync stores the posts of dozens of Pages per call. Returns {fanpage_id: new posts}.

    The rollups are updated incrementally: a posting day's count grows by its new posts, and a
    Page-year whose new posting days all fall after its last one extends its counters and streaks
    without reading its days; only posts arriving for earlier days (a backfill) make the year recount
    from its PostingDay rows (≤ 366 a Page). Posts dated before the retention horizon are ignored: their
    days have been pruned (`retention`), and a recount from what is left would undo the year's figures."""
    # Written with bulk_create, unseen by the models' guard: a file's or Graph's text is cleaned here.
    posts_by_page = {
        pk: [replace(p, key=strip_controls(p.key), permalink=strip_controls(p.permalink)) for p in items]
        for pk, items in posts_by_page.items()
    }
    added = dict.fromkeys(posts_by_page, 0)
    wanted = {pk: items for pk, items in posts_by_page.items() if items}
    if not wanted:
        return added
    # One writer per Page at a time (in id order: two runs never wait for each other in a circle).
    list(Fanpage.objects.select_for_update().filter(pk__in=sorted(wanted)).order_by("pk").values_list("pk", flat=True))
    existing = set()
    pairs = [(pk, p.key) for pk, items in wanted.items() for p in items]
    for start in range(0, len(pairs), 500):
        chunk = pairs[start : start + 500]
        existing.update(
            Post.objects.filter(
                fanpage_id__in={pk for pk, _k in chunk}, post_key__in={k for _pk, k in chunk}
            ).values_list("fanpage_id", "post_key")
        )
    created_by = by if getattr(by, "pk", None) else None
    kept_from = retention.horizon()
    new = []
    for pk, items in wanted.items():
        for p in items:
            day = timezone.localtime(p.posted_at).date()
            if (pk, p.key) in existing or (kept_from and day < kept_from):
                continue
            existing.add((pk, p.key))
            new.append(
                Post(
                    fanpage_id=pk,
                    post_key=p.key,
                    posted_at=p.posted_at,
                    day=day,
                    permalink=p.permalink[:500],
                    source=source,
                    created_by=created_by,
                )
            )
            added[pk] += 1
    if not new:
        return added
    # The row locks keep other writers of these Pages out: every post listed here is new.
    Post.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    per_day = Counter((p.fanpage_id, p.day) for p in new)
    update_rollups(per_day)
    return added


def update_rollups(new_posts_per_day):
    """Add {(fanpage_id, day): new posts} to the PostingDay rows and the PostingYear counters."""
    pages = {pk for pk, _d in new_posts_per_day}
    days = {d for _pk, d in new_posts_per_day}
    before = {
        (pk, d): n
        for pk, d, n in PostingDay.objects.filter(fanpage_id__in=pages, day__in=days).values_list(
            "fanpage_id", "day", "posts"
        )
        if (pk, d) in new_posts_per_day
    }
    PostingDay.objects.bulk_create(
        [
            PostingDay(fanpage_id=pk, day=d, posts=before.get((pk, d), 0) + n)
            for (pk, d), n in sorted(new_posts_per_day.items())
        ],
        batch_size=500,
        update_conflicts=True,
        unique_fields=["fanpage", "day"],
        update_fields=["posts"],
    )
    # The days that became posting days, by Page and year.
    fresh = defaultdict(list)
    for pk, d in new_posts_per_day:
        if not before.get((pk, d)):
            fresh[(pk, d.year)].append(d)
    if not fresh:
        return
    years = {
        (row.fanpage_id, row.year): row
        for row in PostingYear.objects.filter(fanpage_id__in={pk for pk, _y in fresh}, year__in={y for _pk, y in fresh})
    }
    recount = []
    rows = []
    for (pk, year), new_days in fresh.items():
        new_days.sort()
        row = years.get((pk, year)) or PostingYear(fanpage_id=pk, year=year)
        if row.last_post_day and new_days[0] <= row.last_post_day:
            recount.append((pk, year))
            continue
        run = row.streak if row.last_post_day else 0
        longest, previous = row.longest_streak, row.last_post_day
        for d in new_days:
            run = run + 1 if previous is not None and (d - previous).days == 1 else 1
            longest, previous = max(longest, run), d
        row.posting_days += len(new_days)
        row.first_post_day = row.first_post_day or new_days[0]
        row.last_post_day, row.streak, row.longest_streak = new_days[-1], run, longest
        rows.append(row)
    if recount:
        posted = defaultdict(list)
        q = Q()
        for pk, year in recount:
            q |= Q(fanpage_id=pk, day__gte=date(year, 1, 1), day__lte=date(year, 12, 31))
        for pk, d in (
            PostingDay.objects.filter(q, posts__gt=0).order_by("fanpage_id", "day").values_list("fanpage_id", "day")
        ):
            posted[(pk, d.year)].append(d)
        for pk, year in recount:
            rows.append(year_rollup(pk, year, posted[(pk, year)]))
    PostingYear.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["fanpage", "year"],
        update_fields=["posting_days", "first_post_day", "last_post_day", "streak", "longest_streak"],
    )


def streaks(days):
    """(streak ending at the last day, longest streak) of a sorted list of distinct days."""
    longest = run = 0
    previous = None
    for d in days:
        run = run + 1 if previous is not None and (d - previous).days == 1 else 1
        longest = max(longest, run)
        previous = d
    return run, longest


def year_rollup(fanpage_id, year, days):
    """The PostingYear row of a Page's sorted posting days in the year."""
    run, longest = streaks(days)
    return PostingYear(
        fanpage_id=fanpage_id,
        year=year,
        posting_days=len(days),
        first_post_day=days[0] if days else None,
        last_post_day=days[-1] if days else None,
        streak=run,
        longest_streak=longest,
    )


def log_post(*, by, fanpage, link, posted_on=None):
    """An officer's "we posted today": the post's link, counted for today (or `posted_on`)."""
    key = key_from_link(link)
    today = timezone.localdate()
    day = posted_on or today
    if day > today:
        raise ValidationError(_("The post's date cannot be in the future."), code="future")
    if Post.objects.filter(fanpage=fanpage, post_key=key).exists():
        raise ValidationError(_("This post is already counted."), code="duplicate")
    posted_at = (
        timezone.localtime()
        if day == today
        else timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=12))
    )
    added = record_posts(
        fanpage=fanpage, posts=[IncomingPost(key, posted_at, clean_link(link))], source=Post.Source.HAND, by=by
    )
    if added:
        log_action(
            "fanpage.post.logged",
            actor=by,
            obj=fanpage,
            unit=fanpage.unit,
            after={"day": day.isoformat(), "link": clean_link(link)},
        )
    return day
