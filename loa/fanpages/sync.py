"""Posts from the Facebook Graph API, for the Pages whose token the unit has given.

A run reads each Page's posts in [synced_through, run_until) newest first and stores them in batches.
`run_low` records the oldest post stored so far, so a run that stops half-way (crash, expired token,
rate limit, Graph down) resumes with [synced_through, run_low] and reads nothing twice; only a run
that reaches the end moves the high-water mark `synced_through` to `run_until`. Posts are stored by
`record_posts`, which counts each post once whatever happens.
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.audit.log import log_action
from loa.fanpages.models import GraphLink, Post
from loa.fanpages.posts import IncomingPost, post_key, record_posts
from loa.integrations.facebook import GraphClient, GraphError, RateLimited, Throttle, TokenExpired, TokenInvalid

log = logging.getLogger(__name__)
BATCH = 100


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
        return (f"{self.pages} Pages: {self.done} synced, {self.new_posts} new posts, {self.needs_token} need a new token, "
                f"{self.rate_limited} rate-limited, {self.failed} failed, {self.skipped} skipped")


def default_since(now):
    """A Page never synced is read from the start of the current year."""
    return timezone.make_aware(datetime(timezone.localtime(now).year, 1, 1))


@transaction.atomic
def set_token(*, by, fanpage, page_id, token):
    """The unit gives (or renews) its Page token. The token is stored encrypted and never logged."""
    link, created = GraphLink.objects.get_or_create(fanpage=fanpage, defaults={"page_id": page_id})
    link.page_id, link.token = page_id.strip(), token.strip()
    link.status, link.status_note, link.retry_after = GraphLink.Status.OK, "", None
    link.save()
    log_action("fanpage.token.set", actor=by, obj=fanpage, unit=fanpage.unit, after={"page_id": link.page_id})
    return link


def sync_page(link, *, throttle=None, now=None, client=None, since=None, sleep=time.sleep):
    """Sync one Page. Returns 'done', 'needs_token', 'rate_limited', 'failed' or 'skipped', and the new posts."""
    now = now or timezone.now()
    if link.status == GraphLink.Status.NEEDS_TOKEN or not link.token:
        return "skipped", 0
    if link.retry_after and link.retry_after > now:
        return "skipped", 0
    if link.run_until is None:
        link.run_until, link.run_low = now, None
        link.save(update_fields=["run_until", "run_low"])
    start = link.synced_through or since or default_since(now)
    upper = link.run_low or link.run_until
    client = client or GraphClient(link.token, throttle=throttle or Throttle(), sleep=sleep)
    fanpage, new, batch = link.fanpage, 0, []

    def flush():
        nonlocal new, batch
        if not batch:
            return
        with transaction.atomic():
            new += record_posts(fanpage=fanpage, posts=batch, source=Post.Source.GRAPH)
            link.run_low = min(p.posted_at for p in batch)
            GraphLink.objects.filter(pk=link.pk).update(run_low=link.run_low)
        batch = []

    try:
        for post in client.iter_posts(link.page_id, since=start, until=upper):
            if post.created_time >= link.run_until:
                continue
            batch.append(IncomingPost(post_key(post.id), post.created_time, post.permalink_url))
            if len(batch) >= BATCH:
                flush()
        flush()
    except TokenInvalid as error:
        flush()
        _needs_token(link, error)
        return "needs_token", new
    except RateLimited as error:
        flush()
        link.retry_after = now + timedelta(seconds=error.wait_seconds)
        link.save(update_fields=["retry_after"])
        return "rate_limited", new
    except GraphError as error:
        flush()
        link.status, link.status_note = GraphLink.Status.FAILING, str(error)[:300]
        link.save(update_fields=["status", "status_note"])
        log.warning("Graph sync of %s failed: %s", link.page_id, error)
        return "failed", new
    link.synced_through, link.run_until, link.run_low = link.run_until, None, None
    link.last_synced_at, link.status, link.status_note, link.retry_after = timezone.now(), GraphLink.Status.OK, "", None
    link.save(update_fields=["synced_through", "run_until", "run_low", "last_synced_at", "status", "status_note", "retry_after"])
    return "done", new


def _needs_token(link, error):
    expired = isinstance(error, TokenExpired)
    link.status = GraphLink.Status.NEEDS_TOKEN
    link.status_note = "token expired" if expired else f"token refused ({error.code}/{error.subcode or '-'})"
    link.save(update_fields=["status", "status_note"])
    log_action("fanpage.token.needs_renewal", actor=None, obj=link.fanpage, unit=link.fanpage.unit, after={"note": link.status_note})
    tell_unit_token(link)


def tell_unit_token(link):
    """Tell the unit's officers (outbox, once per Page and day) that the Page needs a new token."""
    from loa.directives.notices import unit_officers
    from loa.notifications.reminders import remind_officer, remind_unit_address

    unit = link.fanpage.unit
    day = timezone.localdate()
    url = settings.SITE_URL + reverse("fanpages:token", args=[unit.pk])
    subject = _("Your Fanpage needs a new access token — %(unit)s") % {"unit": unit.name}
    context = {"unit": unit, "page": link.fanpage, "link": url}
    officers = unit_officers([unit.pk]).get(unit.pk, [])
    for user in officers:
        remind_officer(user=user, unit=unit, dedupe_key=f"fanpage-token:{link.pk}:{user.pk}:{day.isoformat()}",
                       subject=subject, template="fanpages/email/token", context={**context, "user": user},
                       zalo_data={"unit": unit.name[:100], "task": str(_("Renew the Fanpage access token"))[:100],
                                  "deadline": day.strftime("%d/%m/%Y"), "link": url})
    if not officers:
        remind_unit_address(unit=unit, dedupe_key=f"fanpage-token:{link.pk}:unit:{day.isoformat()}", subject=subject,
                            template="fanpages/email/token", context={**context, "user": None})


def sync_all(*, links=None, now=None, since=None, throttle=None, stdout=None, deadline=None, sleep=time.sleep):
    """Sync every Page with a working token, sharing one Throttle so that app-wide usage slows them all.
    A rate-limited Page is left for the next run; the run goes on with the next Page."""
    report = SyncReport()
    throttle = throttle or Throttle()
    links = links if links is not None else GraphLink.objects.exclude(status=GraphLink.Status.NEEDS_TOKEN).filter(token__isnull=False).select_related("fanpage", "fanpage__unit").order_by("last_synced_at", "pk")
    for link in links:
        if deadline and time.monotonic() > deadline:
            break
        report.pages += 1
        outcome, new = sync_page(link, throttle=throttle, now=now, since=since, sleep=sleep)
        report.new_posts += new
        setattr(report, outcome, getattr(report, outcome) + 1)
        if stdout:
            stdout.write(f"{link.page_id}: {outcome}, {new} new")
    return report


def snapshot_followers(*, fanpage, day=None, throttle=None):
    """Today's follower count of a Page with a token, from Graph `followers_count` (fan_count if absent)."""
    from loa.fanpages.followers import record_snapshot
    from loa.fanpages.models import FollowerSnapshot

    link = getattr(fanpage, "graph", None)
    if link is None or not link.token or link.status == GraphLink.Status.NEEDS_TOKEN:
        return None
    try:
        fields = GraphClient(link.token, throttle=throttle or Throttle()).page_fields(link.page_id, fields=("followers_count", "fan_count"))
    except TokenInvalid as error:
        _needs_token(link, error)
        return None
    count = fields.get("followers_count")
    if count is None:
        count = fields.get("fan_count")
    if count is None:
        return None
    return record_snapshot(by=None, fanpage=fanpage, day=day or timezone.localdate(), followers=int(count),
                           source=FollowerSnapshot.Source.GRAPH)
