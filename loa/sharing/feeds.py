"""Official sites' RSS and Atom feeds: configured as data (`Feed`), read on a schedule, their new
entries kept once (`FeedEntry`) for an editor to approve (an `Item`, source=feed) or dismiss.

A read (`fetch_feed`) asks with the ETag and Last-Modified of the last answer (a site that has
nothing new answers 304 and sends nothing), through Loa's shared httpx client, with
SHARING_FEED_TIMEOUT for the whole read and at most SHARING_FEED_MAX_BYTES of body. feedparser
parses what came; an entry is new when neither its guid (or link, when it has none) nor its link is
stored for the feed yet. Titles and summaries are kept as plain text: markup, scripts and control
characters are dropped. A read that fails leaves the feed's entries as they were and records why, in
Vietnamese, on the feed (`last_error`), shown on the feeds page.

`fetch_all` reads every active feed, each claimed first by a conditional UPDATE of its
`last_checked_at`: two runs that overlap (a slow beat run and the command by hand) never read the
same feed twice. A run is short (a few feeds, each bounded by the timeout), so it takes no job
lease; `deadline` stops it from starting new feeds.
"""

from __future__ import annotations

import calendar
import html
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import feedparser  # type: ignore[import-untyped]  # no stubs
import httpx
import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from loa.audit.log import log_action
from loa.integrations.http import shared_client
from loa.sharing import services
from loa.sharing.models import Feed, FeedEntry, Item

if TYPE_CHECKING:
    from loa.accounts.models import User
    from loa.units.models import Unit

log = logging.getLogger(__name__)

MAX_ENTRIES = 100  # entries of one read looked at (a feed lists its newest first)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_http_url = URLValidator(schemes=["http", "https"])


class FeedError(Exception):
    """A read that failed; its message is the Vietnamese text recorded on the feed."""


# --- Text -------------------------------------------------------------------------------------


def plain_text(value: str | None, limit: int) -> str:
    """Markup taken out (script and style with their content), entities decoded, control characters
    dropped, blank runs folded; at most `limit` characters."""
    text = value or ""
    for _pass in range(2):  # feeds often escape their markup once more: cleaned again once decoded
        text = html.unescape(nh3.clean(text, tags=set(), strip_comments=True))
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(line for line in lines if line)
    return text[:limit].strip()


def clean_line(value: str | None, limit: int) -> str:
    """One line of plain text (a title)."""
    return " ".join(plain_text(value, limit * 2).split())[:limit].strip()


def _http_link(value: object) -> str:
    link = str(value or "").strip()
    if len(link) > 500:
        return ""
    try:
        _http_url(link)
    except ValidationError:
        return ""
    return link


# --- Reading ----------------------------------------------------------------------------------


@dataclass
class Fetched:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def download(feed: Feed, *, client: httpx.Client | None = None) -> Fetched:
    """The feed's body, or 304 when the site has nothing new for our ETag/Last-Modified."""
    timeout = settings.SHARING_FEED_TIMEOUT
    cap = settings.SHARING_FEED_MAX_BYTES
    client = client or shared_client(timeout)
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.modified:
        headers["If-Modified-Since"] = feed.modified
    deadline = time.monotonic() + timeout
    try:
        with client.stream("GET", feed.url, headers=headers, follow_redirects=True, timeout=timeout) as response:
            if response.status_code == 304:
                return Fetched(304)
            if response.status_code >= 400:
                raise FeedError(_("The site answered with error %(status)s.") % {"status": response.status_code})
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > cap:
                raise FeedError(_("The feed is too large (more than %(size)s bytes).") % {"size": cap})
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > cap:
                    raise FeedError(_("The feed is too large (more than %(size)s bytes).") % {"size": cap})
                if time.monotonic() > deadline:
                    raise FeedError(_("The site did not answer within %(seconds)s seconds.") % {"seconds": timeout})
                chunks.append(chunk)
            kept = {k: response.headers[k] for k in ("ETag", "Last-Modified", "Content-Type") if k in response.headers}
            return Fetched(response.status_code, b"".join(chunks), kept)
    except httpx.TimeoutException as exc:
        raise FeedError(_("The site did not answer within %(seconds)s seconds.") % {"seconds": timeout}) from exc
    except httpx.HTTPError as exc:
        raise FeedError(_("The site could not be reached.")) from exc


@dataclass
class Entry:
    guid: str
    link: str
    title: str
    summary: str
    published_at: datetime | None


def _when(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def parse(body: bytes, *, url: str = "", content_type: str = "") -> list[Entry]:
    """The entries of an RSS or Atom document, in the feed's order (the first MAX_ENTRIES); entries
    without a usable link or title are left out."""
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=True, resolve_relative_uris=True)
    entries = []
    for raw in parsed.entries[:MAX_ENTRIES]:
        link = _http_link(raw.get("link"))
        title = clean_line(raw.get("title"), 200)
        if not link or not title:
            continue
        guid = _CONTROL.sub("", str(raw.get("id") or "")).strip()[:500] or link
        summary = plain_text(raw.get("summary") or raw.get("description"), 2000)
        entries.append(Entry(guid, link, title, summary, _when(raw)))
    # A damaged feed whose entries could still be read is kept (feedparser is lenient, so are sites);
    # one that gave nothing usable is an error, as is a page that is no feed at all.
    if not entries and (parsed.get("bozo") or not parsed.get("version")):
        raise FeedError(_("The address does not give an RSS or Atom feed that can be read."))
    return entries


def store(feed: Feed, entries: list[Entry]) -> int:
    """Keep the entries the feed has not had yet (by guid, or by link); how many were new."""
    guids = {e.guid for e in entries}
    links = {e.link for e in entries}
    known = FeedEntry.objects.filter(Q(guid__in=guids) | Q(link__in=links), feed=feed)  # one query
    seen_guids, seen_links = set(), set()
    for guid, link in known.values_list("guid", "link"):
        seen_guids.add(guid)
        seen_links.add(link)
    new = []
    for e in entries:
        if e.guid in seen_guids or e.link in seen_links:
            continue
        seen_guids.add(e.guid)
        seen_links.add(e.link)
        new.append(
            FeedEntry(
                feed=feed, guid=e.guid, link=e.link, title=e.title, summary=e.summary, published_at=e.published_at
            )
        )
    FeedEntry.objects.bulk_create(new, ignore_conflicts=True)  # a run that overlapped added it already
    return len(new)


@dataclass
class Outcome:
    new: int = 0
    not_modified: bool = False
    error: str = ""


def fetch_feed(feed: Feed, *, client: httpx.Client | None = None, now: datetime | None = None) -> Outcome:
    """Read one feed now: store its new entries, remember its ETag/Last-Modified, or record the error."""
    now = now or timezone.now()
    outcome = Outcome()
    with translation.override(settings.LANGUAGE_CODE):  # the error is shown to Vietnamese admins
        try:
            fetched = download(feed, client=client)
            if fetched.status == 304:
                outcome.not_modified = True
            else:
                entries = parse(fetched.body, url=feed.url, content_type=fetched.headers.get("Content-Type", ""))
                with transaction.atomic():
                    outcome.new = store(feed, entries)
                feed.etag = fetched.headers.get("ETag", "")[:200]
                feed.modified = fetched.headers.get("Last-Modified", "")[:100]
        except FeedError as exc:
            outcome.error = str(exc)[:300]
        except Exception:  # a parser or database surprise: recorded, and the run goes on with the next feed
            log.exception("feed %s: read failed", feed.pk)
            outcome.error = _("The feed could not be read (an unexpected error, logged for the administrators).")
    feed.last_checked_at = now
    feed.last_error = outcome.error
    Feed.objects.filter(pk=feed.pk).update(
        etag=feed.etag, modified=feed.modified, last_checked_at=now, last_error=outcome.error
    )
    return outcome


@dataclass
class RunReport:
    feeds: int = 0
    new: int = 0
    not_modified: int = 0
    failed: int = 0
    skipped: int = 0

    def __str__(self) -> str:
        return (
            f"{self.feeds} feeds: {self.new} new entries, {self.not_modified} unchanged, "
            f"{self.failed} failed, {self.skipped} taken by another run"
        )


def _claim(feed: Feed, now: datetime) -> bool:
    """Take the feed for this run: the UPDATE matches only while no other run has taken it since we
    read it (its `last_checked_at` unchanged)."""
    rows = Feed.objects.filter(pk=feed.pk, active=True)
    if feed.last_checked_at is None:
        rows = rows.filter(last_checked_at__isnull=True)
    else:
        rows = rows.filter(last_checked_at=feed.last_checked_at)
    return rows.update(last_checked_at=now) == 1


def fetch_all(*, client: httpx.Client | None = None, deadline: float | None = None, stdout: Any = None) -> RunReport:
    """Read every active feed, least recently read first; stop starting new ones after `deadline`
    (time.monotonic())."""
    report = RunReport()
    for feed in list(Feed.objects.filter(active=True).order_by("last_checked_at", "pk")):
        if deadline is not None and time.monotonic() > deadline:
            break
        report.feeds += 1
        now = timezone.now()
        if not _claim(feed, now):
            report.skipped += 1
            continue
        outcome = fetch_feed(feed, client=client, now=now)
        report.new += outcome.new
        report.not_modified += outcome.not_modified
        report.failed += bool(outcome.error)
        if stdout is not None:
            stdout.write(f"{feed.pk} {feed.url}: {outcome.error or f'{outcome.new} new'}")
    return report


# --- Writes of the feeds pages ------------------------------------------------------------------


@transaction.atomic
def feed_create(*, by: User | None, unit: Unit, name: str, url: str) -> Feed:
    if Feed.objects.filter(unit=unit, url=url).exists():
        raise ValidationError({"url": _("This unit already reads this feed.")})
    feed = Feed(unit=unit, name=name, url=url)
    feed.full_clean()
    feed.save()
    log_action("sharing.feed.created", actor=by, obj=feed, unit=unit, after={"name": name, "url": url})
    return feed


@transaction.atomic
def feed_set_active(*, by: User | None, feed: Feed, active: bool) -> Feed:
    """Pause a feed (it is no longer read; its waiting entries stay) or read it again."""
    if feed.active == active:
        return feed
    feed.active = active
    feed.save(update_fields=["active"])
    action = "sharing.feed.resumed" if active else "sharing.feed.paused"
    log_action(action, actor=by, obj=feed, unit=feed.unit)
    return feed


def default_days(today: date | None = None) -> tuple[date, date]:
    """An approved entry is shared from today for SHARING_FEED_ITEM_DAYS days."""
    today = today or timezone.localdate()
    return today, today + timedelta(days=settings.SHARING_FEED_ITEM_DAYS - 1)


def _lock_pending(entry: FeedEntry) -> FeedEntry:
    locked = FeedEntry.objects.select_for_update().select_related("feed", "feed__unit").get(pk=entry.pk)
    if locked.status != FeedEntry.Status.PENDING:
        raise ValidationError(_("This entry has already been approved or dismissed."), code="decided")
    return locked


@transaction.atomic
def entry_approve(
    *, by: User | None, entry: FeedEntry, title: str, text: str, url: str, starts_on: date, ends_on: date
) -> Item:
    """The entry becomes an item of its feed's unit (source=feed), as the editor corrected it."""
    entry = _lock_pending(entry)
    item = services.item_create(
        by=by,
        unit=entry.feed.unit,
        title=title,
        url=url,
        text=text,
        starts_on=starts_on,
        ends_on=ends_on,
        source=Item.Source.FEED,
    )
    entry.status, entry.item = FeedEntry.Status.APPROVED, item
    entry.save(update_fields=["status", "item"])
    log_action("sharing.entry.approved", actor=by, obj=item, unit=entry.feed.unit, after={"entry": entry.pk})
    return item


@transaction.atomic
def entry_dismiss(*, by: User | None, entry: FeedEntry) -> FeedEntry:
    entry = _lock_pending(entry)
    entry.status = FeedEntry.Status.DISMISSED
    entry.save(update_fields=["status"])
    log_action("sharing.entry.dismissed", actor=by, obj=entry.feed, unit=entry.feed.unit, after={"title": entry.title})
    return entry
