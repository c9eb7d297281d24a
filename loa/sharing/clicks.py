"""Counting the clicks on the tracked links without writing to the database per click.

The filter (docs/sharing.md, "Tracked links and clicks"): a click counts when it is a GET (not HEAD),
not a link preview or prefetch (`Purpose: prefetch`, `Sec-Purpose: prefetch…`, `X-Purpose: preview`,
`X-Moz: prefetch`), not from a known robot or preview fetcher (`BOT_RE`: Facebook's and Zalo's link
previews, search engines, chat apps' previews, curl/wget/scripts, an empty user agent), and the first
of its visitor on that link that day. A visitor is a keyed hash (HMAC-SHA256 with a key derived from
SECRET_KEY, truncated to 16 bytes) of the day, the address and the user agent: neither the address
nor the user agent is stored, the hash lives in the cache until the day is over (its key holds the
day) and cannot be linked to the same visitor on another day.

The counters (Redis in production, any Django cache elsewhere): one click is one atomic step (a Lua
script on Redis: "set the visitor's key if absent, and if it was, add 1 to the field
`<link id>:<day>` of the pending hash"). `flush()` (the `sharing_flush_clicks` command, run by Celery
beat every SHARING_CLICKS_FLUSH_SECONDS) holds a lease so that two workers never flush at once,
renames the pending hash to a `flushing` one in one atomic step (clicks arriving meanwhile start a
new pending hash: none is lost), adds its counts to `ClickDay` and to the tallies in one
transaction, then deletes it. A flush that dies before its commit leaves the `flushing` hash,
which the next flush applies first; the only way to count a batch twice is to die between the
commit and the delete of the next line.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from loa.core.batches import chunked, update_rows
from loa.sharing import tally
from loa.sharing.models import ClickDay, ShareLink

# Robots and link-preview fetchers: who fetches a link without a person reading it.
BOT_RE = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|facebookexternalhit|facebookcatalog|facebot|meta-external|"
    r"zalo[^;)]*(preview|bot|crawl)|(preview|bot)[^;)]*zalo|"
    r"whatsapp|telegram|skypeuripreview|discord|slack|linkedin|pinterest|embedly|vkshare|"
    r"preview|lighthouse|headlesschrome|phantomjs|pingdom|uptime|monitor|"
    r"^curl|^wget|python-requests|python-urllib|python-httpx|aiohttp|go-http-client|java/|okhttp|libwww|"
    r"httpclient|node-fetch|axios|scrapy|postman",
    re.IGNORECASE,
)
PREFETCH_HEADERS = ("HTTP_PURPOSE", "HTTP_SEC_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")
SEEN_SECONDS = 26 * 3600  # a visitor's key outlives its day (its name holds the day)
LEASE_SECONDS = 300

PENDING = "sharing:clicks:pending"
FLUSHING = "sharing:clicks:flushing"
LEASE = "sharing:clicks:lease"

HIT_LUA = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  return redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
end
return 0
"""
# The pending hash becomes the flushing one, unless a flush that died left one: that goes first.
TAKE_LUA = """
if redis.call('EXISTS', KEYS[2]) == 0 then
  if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
  redis.call('RENAME', KEYS[1], KEYS[2])
end
return redis.call('HGETALL', KEYS[2])
"""
RELEASE_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def is_robot(request: HttpRequest) -> bool:
    """A robot, a link preview or a prefetch: not a person reading."""
    agent = request.META.get("HTTP_USER_AGENT", "").strip()
    if not agent or BOT_RE.search(agent):
        return True
    for header in PREFETCH_HEADERS:
        value = request.META.get(header, "").lower()
        if "prefetch" in value or "preview" in value or "prerender" in value:
            return True
    return False


def _secret() -> bytes:
    return hashlib.sha256(b"loa-sharing-visitor:" + settings.SECRET_KEY.encode()).digest()


def visitor(day: date, address: str, agent: str) -> str:
    """The day's keyed hash of a visitor: the same person twice that day, another value the next day."""
    message = f"{day.isoformat()}|{address}|{agent}".encode()
    return hmac.new(_secret(), message, hashlib.sha256).hexdigest()[:32]


def _field(link_id: int, day: date) -> str:
    return f"{link_id}:{day.isoformat()}"


def _seen_key(link_id: int, day: date, who: str) -> str:
    return f"sharing:seen:{link_id}:{day.isoformat()}:{who}"


# --- Where the counters live ---------------------------------------------------------------------


class Store:
    """The counters through any Django cache, under a process lock (development, tests): correct
    within one process, which is all a local-memory cache shares anyway."""

    lock = threading.Lock()

    def hit(self, seen_key: str, field: str) -> bool:
        with self.lock:
            if not cache.add(seen_key, 1, SEEN_SECONDS):
                return False
            pending = cache.get(PENDING) or {}
            pending[field] = pending.get(field, 0) + 1
            cache.set(PENDING, pending, None)
            return True

    def take(self) -> dict[str, int]:
        with self.lock:
            flushing = cache.get(FLUSHING)
            if flushing is None:
                flushing = cache.get(PENDING)
                if not flushing:
                    return {}
                cache.set(FLUSHING, flushing, None)
                cache.delete(PENDING)
            return dict(flushing)

    def done(self) -> None:
        cache.delete(FLUSHING)

    def lease(self, token: str, seconds: int) -> bool:
        return bool(cache.add(LEASE, token, seconds))

    def holds(self, token: str) -> bool:
        return bool(cache.get(LEASE) == token)

    def release(self, token: str) -> None:
        with self.lock:
            if cache.get(LEASE) == token:
                cache.delete(LEASE)


class RedisStore(Store):
    """The counters in Redis, each step one atomic command or script."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self._hit = client.register_script(HIT_LUA)
        self._take = client.register_script(TAKE_LUA)
        self._release = client.register_script(RELEASE_LUA)

    def key(self, name: str) -> str:
        return str(cache.make_key(name))

    def hit(self, seen_key: str, field: str) -> bool:
        return bool(self._hit(keys=[self.key(seen_key), self.key(PENDING)], args=[SEEN_SECONDS, field]))

    def take(self) -> dict[str, int]:
        flat = self._take(keys=[self.key(PENDING), self.key(FLUSHING)])
        return {_text(flat[i]): int(flat[i + 1]) for i in range(0, len(flat), 2)}

    def done(self) -> None:
        self.client.delete(self.key(FLUSHING))

    def lease(self, token: str, seconds: int) -> bool:
        return bool(self.client.set(self.key(LEASE), token, nx=True, ex=seconds))

    def holds(self, token: str) -> bool:
        value = self.client.get(self.key(LEASE))
        return value is not None and _text(value) == token

    def release(self, token: str) -> None:
        self._release(keys=[self.key(LEASE)], args=[token])


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def store() -> Store:
    """Redis's store when the default cache is Redis, else the generic one; kept on the cache object
    (one per thread, as Django's caches are)."""
    backend = caches["default"]
    found: Store | None = getattr(backend, "_loa_click_store", None)
    if found is None:
        client = getattr(backend, "_cache", None)
        found = RedisStore(client.get_client(write=True)) if hasattr(client, "get_client") else Store()
        backend._loa_click_store = found  # type: ignore[attr-defined]
    return found


def counters_check(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """`check --deploy`: clicks need a cache the web processes and the flush share (Redis)."""
    from django.core.checks import Warning as CheckWarning

    if hasattr(getattr(caches["default"], "_cache", None), "get_client"):
        return []
    return [
        CheckWarning(
            "Clicks on tracked links are counted in the cache, and the cache is not Redis: each web process "
            "keeps its own counts, which sharing_flush_clicks cannot see.",
            hint="Set CACHE_URL to a Redis (docs/sharing.md, Tracked links and clicks).",
            id="loa.sharing.W001",
        )
    ]


# --- Counting and flushing -------------------------------------------------------------------------


def count(request: HttpRequest, link_id: int) -> bool:
    """Count the click unless the filter drops it. True when counted."""
    if request.method != "GET" or is_robot(request):
        return False
    day = timezone.localdate()
    who = visitor(day, request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_USER_AGENT", ""))
    return store().hit(_seen_key(link_id, day, who), _field(link_id, day))


class LeaseLost(RuntimeError):
    pass


@dataclass
class FlushReport:
    links: int = 0
    clicks: int = 0
    leased: bool = True

    def __str__(self) -> str:
        if not self.leased:
            return "another flush is running"
        return f"{self.clicks} clicks on {self.links} link-days"


def flush(*, lease_seconds: int = LEASE_SECONDS) -> FlushReport:
    """Move the counted clicks into ClickDay and the tallies, once (see the module's text)."""
    counters = store()
    token = secrets.token_hex(16)
    if not counters.lease(token, lease_seconds):
        return FlushReport(leased=False)
    try:
        taken = counters.take()
        report = FlushReport()
        if taken:
            with transaction.atomic():
                report = apply(taken)
                if not counters.holds(token):
                    # The lease ran out (a flush slower than LEASE_SECONDS): another flush may be
                    # applying the same counts; roll back and leave them to it.
                    raise LeaseLost
            counters.done()
        return report
    finally:
        counters.release(token)


@transaction.atomic
def apply(taken: dict[str, int]) -> FlushReport:
    """Add {"<link id>:<day>": clicks} to ClickDay and to the units' tallies (a link gone is skipped)."""
    counts: dict[tuple[int, date], int] = defaultdict(int)
    for field, n in taken.items():
        link_text, _sep, day_text = field.partition(":")
        try:
            counts[(int(link_text), date.fromisoformat(day_text))] += int(n)
        except ValueError:
            continue
    link_ids = sorted({link_id for link_id, _day in counts})
    paths: dict[int, str] = {}
    for chunk in chunked(link_ids):
        paths.update(ShareLink.objects.filter(pk__in=chunk).values_list("pk", "unit__path"))
    counts = {key: n for key, n in counts.items() if key[0] in paths and n > 0}
    if not counts:
        return FlushReport()
    ClickDay.objects.bulk_create(
        [ClickDay(link_id=link_id, day=day) for link_id, day in counts], batch_size=2000, ignore_conflicts=True
    )
    rows: list[tuple[int, int]] = []
    days = {day for _link, day in counts}
    for chunk in chunked(sorted(paths)):
        for pk, link_id, day in ClickDay.objects.filter(link_id__in=chunk, day__in=days).values_list(
            "pk", "link_id", "day"
        ):
            if (link_id, day) in counts:
                rows.append((pk, counts[(link_id, day)]))
    update_rows(ClickDay, ("clicks",), rows, add=("clicks",))
    by_unit: dict[tuple[str, date], int] = defaultdict(int)
    for (link_id, day), n in counts.items():
        by_unit[(paths[link_id], day)] += n
    tally.record_clicks(by_unit)
    return FlushReport(links=len(counts), clicks=sum(counts.values()))
