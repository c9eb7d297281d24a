"""Posts from the Facebook Graph API, for the Pages whose token the unit has given.

A run reads each Page's posts in [synced_through, run_until) newest first. `run_low` records the oldest
post stored so far, so a run that stops half-way (crash, expired token, rate limit, Graph down) resumes
with [synced_through, run_low] and reads nothing twice; only a run that reaches the end moves the
high-water mark `synced_through` to `run_until`. Posts are stored by `record_posts_many`, which counts
each post once whatever happens.

`sync_all` reads Pages on a few threads (HTTP only, one shared httpx client and one shared Throttle)
and stores their posts on the calling thread, BATCH Pages per transaction.
"""

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.audit.log import log_action
from loa.core.site import absolute_url
from loa.fanpages.models import GraphLink, Post
from loa.fanpages.posts import IncomingPost, post_key, record_posts_many
from loa.fanpages.services import SyncedPost, posts_synced
from loa.integrations.facebook import GraphClient, GraphError, RateLimited, Throttle, TokenExpired, TokenInvalid

log = logging.getLogger(__name__)
BATCH = 50  # Pages stored per transaction


@dataclass
class SyncReport:
    pages: int = 0
    done: int = 0
    new_posts: int = 0
    needs_token: int = 0
    rate_limited: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list = field(default_factory=list)

    def __str__(self):
        return (
            f"{self.pages} Pages: {self.done} synced, {self.new_posts} new posts, {self.needs_token} need a new token, "
            f"{self.rate_limited} rate-limited, {self.failed} failed, {self.skipped} skipped"
        )


def default_since(now):
    """A Page never synced is read from the start of the current year."""
    return timezone.make_aware(datetime(timezone.localtime(now).year, 1, 1))


@transaction.atomic
def set_token(*, by, fanpage, page_id, token):
    """The unit gives (or renews) its Page token. The token is stored encrypted and never logged."""
    link, _created = GraphLink.objects.get_or_create(fanpage=fanpage, defaults={"page_id": page_id})
    link.page_id, link.token = page_id.strip(), token.strip()
    link.status, link.status_note, link.retry_after = GraphLink.Status.OK, "", None
    link.save()
    log_action("fanpage.token.set", actor=by, obj=fanpage, unit=fanpage.unit, after={"page_id": link.page_id})
    return link


@dataclass
class Fetched:
    """What one Page's read brought back: the posts read (newest first) and the error that stopped it."""

    link: GraphLink
    posts: list
    error: Exception | None = None


def _skip(link, now):
    return (
        link.status == GraphLink.Status.NEEDS_TOKEN
        or not link.token
        or bool(link.retry_after and link.retry_after > now)
    )


def _begin(links, now):
    """Open a run on the links that have none: its upper bound is `now` (one UPDATE for them all)."""
    fresh = [link for link in links if link.run_until is None]
    for link in fresh:
        link.run_until, link.run_low = now, None
    ids = [link.pk for link in fresh]
    for start in range(0, len(ids), 500):
        GraphLink.objects.filter(pk__in=ids[start : start + 500], run_until__isnull=True).update(
            run_until=now, run_low=None
        )


def fetch(link, *, client, since, now):
    """Read the Page's posts in [synced_through, run_low or run_until), newest first. No database access:
    this runs on the sync's threads."""
    start = link.synced_through or since or default_since(now)
    upper = link.run_low or link.run_until
    found = []
    try:
        for post in client.iter_posts(link.page_id, since=start, until=upper):
            if post.created_time >= link.run_until:
                continue
            found.append(
                IncomingPost(post_key(post.id), post.created_time, post.permalink_url, post.message, post.links)
            )
    except GraphError as error:
        return Fetched(link, found, error)
    return Fetched(link, found)


def store(results, *, now):
    """Store the posts of several Pages in one go and close or record the state of each run.
    Returns [(link, outcome, new posts)]."""
    outcomes = []
    with transaction.atomic():
        added = record_posts_many({r.link.fanpage_id: r.posts for r in results}, source=Post.Source.GRAPH)
        done = []
        for r in results:
            link = r.link
            if r.error is None:
                link.synced_through, link.run_until, link.run_low = link.run_until, None, None
                link.last_synced_at, link.status, link.status_note, link.retry_after = (
                    timezone.now(),
                    GraphLink.Status.OK,
                    "",
                    None,
                )
                done.append(link)
                continue
            if r.posts:
                # The oldest post stored: a later run resumes below it.
                link.run_low = min(p.posted_at for p in r.posts)
                GraphLink.objects.filter(pk=link.pk).update(run_low=link.run_low)
        GraphLink.objects.bulk_update(
            done,
            ["synced_through", "run_until", "run_low", "last_synced_at", "status", "status_note", "retry_after"],
            batch_size=200,
        )
    tell_synced(results)
    for r in results:
        link, error, new = r.link, r.error, added.get(r.link.fanpage_id, 0)
        if error is None:
            outcomes.append((link, "done", new))
        elif isinstance(error, TokenInvalid):
            _needs_token(link, error)
            outcomes.append((link, "needs_token", new))
        elif isinstance(error, RateLimited):
            link.retry_after = now + timedelta(seconds=error.wait_seconds)
            link.save(update_fields=["retry_after"])
            outcomes.append((link, "rate_limited", new))
        else:
            link.status, link.status_note = GraphLink.Status.FAILING, str(error)[:300]
            link.save(update_fields=["status", "status_note"])
            log.warning("Graph sync of %s failed: %s", link.page_id, error)
            outcomes.append((link, "failed", new))
    return outcomes


def tell_synced(results):
    """Send `posts_synced` with the stored posts that say something (their credit is another area's)."""
    posts = [
        SyncedPost(
            fanpage_id=r.link.fanpage_id,
            unit_id=r.link.fanpage.unit_id,
            key=p.key,
            posted_at=p.posted_at,
            permalink=p.permalink,
            text=p.text,
            links=tuple(p.links),
        )
        for r in results
        for p in r.posts
        if p.text or p.links
    ]
    if not posts:
        return
    for receiver, outcome in posts_synced.send_robust(sender=SyncedPost, posts=posts):
        if isinstance(outcome, Exception):
            log.error("posts_synced receiver %r failed", receiver, exc_info=outcome)


def sync_page(link, *, throttle=None, now=None, client=None, since=None, sleep=time.sleep):
    """Sync one Page. Returns 'done', 'needs_token', 'rate_limited', 'failed' or 'skipped', and the new posts."""
    now = now or timezone.now()
    if _skip(link, now):
        return "skipped", 0
    _begin([link], now)
    client = client or GraphClient(link.token, throttle=throttle or Throttle(), sleep=sleep)
    ((_link, outcome, new),) = store([fetch(link, client=client, since=since, now=now)], now=now)
    return outcome, new


def _needs_token(link, error):
    expired = isinstance(error, TokenExpired)
    link.status = GraphLink.Status.NEEDS_TOKEN
    link.status_note = "token expired" if expired else f"token refused ({error.code}/{error.subcode or '-'})"
    link.save(update_fields=["status", "status_note"])
    log_action(
        "fanpage.token.needs_renewal",
        actor=None,
        obj=link.fanpage,
        unit=link.fanpage.unit,
        after={"note": link.status_note},
    )
    tell_unit_token(link)


def tell_unit_token(link):
    """Tell the unit's officers (outbox, once per Page and day) that the Page needs a new token."""
    from loa.accounts.selectors import unit_officers
    from loa.notifications.reminders import remind_unit

    unit = link.fanpage.unit
    day = timezone.localdate()
    url = absolute_url(reverse("fanpages:token", args=[unit.pk]))
    subject = _("Your Fanpage needs a new access token — %(unit)s") % {"unit": unit.name}
    context = {"unit": unit, "page": link.fanpage, "link": url}
    remind_unit(
        unit=unit,
        officers=unit_officers([unit.pk]).get(unit.pk, []),
        key=f"fanpage-token:{link.pk}",
        day=day,
        subject=subject,
        template="notifications/email/fanpage_token",
        context=context,
        task=_("Renew the Fanpage access token"),
        link=url,
    )


def sync_all(
    *, links=None, now=None, since=None, throttle=None, stdout=None, deadline=None, sleep=time.sleep, workers=None
):
    """Sync every Page with a working token. Pages are read on `workers` threads (settings.FANPAGES_SYNC_WORKERS)
    sharing one Throttle, so that app-wide usage slows them all and a limit reached stops them all;
    the posts are stored by this thread, BATCH Pages at a time. A rate-limited Page is left for the
    next run; the run goes on with the next Page. Stops taking new Pages after `deadline` (monotonic)."""
    report = SyncReport()
    now = now or timezone.now()
    throttle = throttle or Throttle()
    workers = max(1, workers or settings.FANPAGES_SYNC_WORKERS)
    links = (
        links
        if links is not None
        else GraphLink.objects.exclude(status=GraphLink.Status.NEEDS_TOKEN)
        .filter(token__isnull=False)
        .select_related("fanpage", "fanpage__unit")
        .order_by("last_synced_at", "pk")
    )

    def note(link, outcome, new):
        report.new_posts += new
        setattr(report, outcome, getattr(report, outcome) + 1)
        if stdout:
            stdout.write(f"{link.page_id}: {outcome}, {new} new")

    def read(link):
        return fetch(link, client=GraphClient(link.token, throttle=throttle, sleep=sleep), since=since, now=now)

    def run_batch(batch):
        runnable = []
        for link in batch:
            report.pages += 1
            if _skip(link, now):
                note(link, "skipped", 0)
            else:
                runnable.append(link)
        if not runnable:
            return
        _begin(runnable, now)
        if workers == 1:
            results = [read(link) for link in runnable]
        else:
            results = list(pool.map(read, runnable))
        for link, outcome, new in store(results, now=now):
            note(link, outcome, new)

    with (
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="graph-sync")
        if workers > 1
        else nullcontext() as pool
    ):
        batch = []
        for link in links:
            if deadline and time.monotonic() > deadline:
                break
            batch.append(link)
            if len(batch) >= BATCH:
                run_batch(batch)
                batch = []
        run_batch(batch)
    return report


def snapshot_followers(*, fanpage, day=None, throttle=None):
    """Today's follower count of a Page with a token, from Graph `followers_count` (fan_count if absent)."""
    from loa.fanpages.followers import record_snapshot
    from loa.fanpages.models import FollowerSnapshot

    link = getattr(fanpage, "graph", None)
    if link is None or not link.token or link.status == GraphLink.Status.NEEDS_TOKEN:
        return None
    try:
        fields = GraphClient(link.token, throttle=throttle or Throttle()).page_fields(
            link.page_id, fields=("followers_count", "fan_count")
        )
    except TokenInvalid as error:
        _needs_token(link, error)
        return None
    count = fields.get("followers_count")
    if count is None:
        count = fields.get("fan_count")
    if count is None:
        return None
    return record_snapshot(
        by=None,
        fanpage=fanpage,
        day=day or timezone.localdate(),
        followers=int(count),
        source=FollowerSnapshot.Source.GRAPH,
    )
