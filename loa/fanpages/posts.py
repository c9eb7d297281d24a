"""Posts reach Loa from three sources (Graph sync, an imported file, an officer's link); all go through
`record_posts`, which stores each post once and keeps the posting-day rollups up to date."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlparse

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.audit.log import log_action
from loa.fanpages.models import Fanpage, Post, PostingDay, PostingYear

_FACEBOOK_HOST = re.compile(r"(^|\.)(facebook\.com|fb\.com|fb\.watch)$")


@dataclass(frozen=True)
class IncomingPost:
    key: str
    posted_at: datetime  # aware
    permalink: str = ""


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
    if not re.match(r"^[a-z]+://", text, re.IGNORECASE):
        text = "https://" + text
    parsed = urlparse(text)
    if not _FACEBOOK_HOST.search((parsed.hostname or "").lower()):
        raise ValidationError(
            _("“%(value)s” is not a Facebook link. On the post, tap Share → Copy link and paste it here.") % {"value": link.strip()},
            code="not_facebook")
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
    if parsed.hostname and parsed.hostname.endswith("fb.watch") and parts:
        return parts[0]
    raise ValidationError(
        _("“%(value)s” is the link of a Page, not of a post. Open the post, tap Share → Copy link.") % {"value": link.strip()},
        code="not_a_post")


def clean_link(link):
    text = link.strip()
    return text if re.match(r"^[a-z]+://", text, re.IGNORECASE) else "https://" + text


@transaction.atomic
def record_posts(*, fanpage, posts, source, by=None):
    """Store new posts of one Page and update its PostingDay / PostingYear rows. Returns how many posts
    were new. Safe to call twice with the same posts (nothing is counted twice)."""
    posts = list(posts)
    if not posts:
        return 0
    # One writer per Page at a time: the rollup below reads what it just wrote.
    Fanpage.objects.select_for_update().filter(pk=fanpage.pk).first()
    keys = {p.key for p in posts}
    existing = set()
    key_list = list(keys)
    for start in range(0, len(key_list), 500):
        existing.update(Post.objects.filter(fanpage=fanpage, post_key__in=key_list[start:start + 500])
                        .values_list("post_key", flat=True))
    new, seen = [], set()
    for p in posts:
        if p.key in existing or p.key in seen:
            continue
        seen.add(p.key)
        new.append(Post(fanpage=fanpage, post_key=p.key, posted_at=p.posted_at, day=timezone.localtime(p.posted_at).date(),
                        permalink=p.permalink[:500], source=source, created_by=by if getattr(by, "pk", None) else None))
    if not new:
        return 0
    Post.objects.bulk_create(new, batch_size=500)
    refresh_days(fanpage, {p.day for p in new})
    return len(new)


def refresh_days(fanpage, days):
    """Recount these days of the Page and refresh the years they fall in (≤ 366 rows per year)."""
    days = sorted(days)
    counts = dict(Post.objects.filter(fanpage=fanpage, day__in=days).values("day").annotate(n=Count("id")).values_list("day", "n"))
    have = dict(PostingDay.objects.filter(fanpage=fanpage, day__in=days).values_list("day", "id"))
    PostingDay.objects.bulk_create([PostingDay(fanpage=fanpage, day=d, posts=counts[d]) for d in days if d in counts and d not in have])
    for d in days:
        if d in have:
            PostingDay.objects.filter(pk=have[d]).update(posts=counts.get(d, 0))
    for year in {d.year for d in days}:
        refresh_year(fanpage, year)


def streaks(days):
    """(streak ending at the last day, longest streak) of a sorted list of distinct days."""
    longest = run = 0
    previous = None
    for d in days:
        run = run + 1 if previous is not None and (d - previous).days == 1 else 1
        longest = max(longest, run)
        previous = d
    return run, longest


def refresh_year(fanpage, year):
    days = list(PostingDay.objects.filter(fanpage=fanpage, day__year=year, posts__gt=0).order_by("day").values_list("day", flat=True))
    run, longest = streaks(days)
    PostingYear.objects.update_or_create(fanpage=fanpage, year=year, defaults={
        "posting_days": len(days), "first_post_day": days[0] if days else None,
        "last_post_day": days[-1] if days else None, "streak": run, "longest_streak": longest,
    })


def log_post(*, by, fanpage, link, posted_on=None):
    """An officer's "we posted today": the post's link, counted for today (or `posted_on`)."""
    key = key_from_link(link)
    today = timezone.localdate()
    day = posted_on or today
    if day > today:
        raise ValidationError(_("The post's date cannot be in the future."), code="future")
    if Post.objects.filter(fanpage=fanpage, post_key=key).exists():
        raise ValidationError(_("This post is already counted."), code="duplicate")
    posted_at = timezone.localtime() if day == today else timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=12))
    added = record_posts(fanpage=fanpage, posts=[IncomingPost(key, posted_at, clean_link(link))], source=Post.Source.HAND, by=by)
    if added:
        log_action("fanpage.post.logged", actor=by, obj=fanpage, unit=fanpage.unit, after={"day": day.isoformat(), "link": clean_link(link)})
    return day


def year_days(year):
    start = date(year, 1, 1)
    return [start + timedelta(days=i) for i in range((date(year, 12, 31) - start).days + 1)]
