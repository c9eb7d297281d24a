"""A small, version-pinned, tolerant client for the Facebook Graph API (Pages). See docs/integrations.md.

    client = GraphClient(page_token)
    for post in client.iter_posts(page_id, since=start):     # follows paging.next until absent
        post.created_time                                      # aware datetime (UTC)
    client.page_fields(page_id)                                # {"name":…, "followers_count":…, …}
    client.insights(page_id, "page_follows", since, until)     # chunked by 90 days

Errors become exceptions a caller can act on: TokenExpired / TokenInvalid (never retried: ask the
unit for a new token), PermissionMissing, NotFound, MetricRetired, InvalidParameter, RateLimited
(with wait_seconds), GraphUnavailable (transient errors that outlasted the retries).

The token is sent in the Authorization header, never in a URL, and never appears in logs or in
exception messages.
"""

import json
import logging
import random
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
from django.conf import settings
from django.utils import timezone

from loa.integrations.http import shared_client

log = logging.getLogger(__name__)

# `attachments` (the Post Attachments edge, read as a field): a shared link's `unshimmed_url` is its own
# address, `url` may be Facebook's l.facebook.com redirect to it; an album's links are in
# `subattachments`. The sharing credit reads the links a post carries from there and its message.
POST_FIELDS = ("id", "created_time", "message", "permalink_url", "attachments{type,url,unshimmed_url}")
PAGE_FIELDS = ("name", "followers_count", "fan_count", "link")
TRANSIENT_CODES = {1, 2, 4, 17, 32, 613, 80001}
INSIGHTS_MAX_DAYS = 90
SLOW_DOWN_AT = 75  # percent of any usage figure
BLOCKED_AT = 100
_NONEXISTING_FIELD = re.compile(r"nonexisting field \((\w+)\)")


# --- Errors --------------------------------------------------------------------------------------


class GraphError(Exception):
    def __init__(self, message, *, code=None, subcode=None, fbtrace_id="", http_status=None, is_transient=None):
        self.message, self.code, self.subcode = message, code, subcode
        self.fbtrace_id, self.http_status, self.is_transient = fbtrace_id, http_status, is_transient
        label = f"Graph error {code}" + (f"/{subcode}" if subcode else "") if code is not None else "Graph error"
        super().__init__(f"{label}: {message}" + (f" (fbtrace_id {fbtrace_id})" if fbtrace_id else ""))


class TokenInvalid(GraphError):
    """190: the Page token no longer works (460 password changed, 467 logged out, 458 app removed, malformed)."""


class TokenExpired(TokenInvalid):
    """190/463: the token expired."""


class PermissionMissing(GraphError):
    """10 or 200–299: the token lacks a permission or the person lacks a task on the Page."""


class InvalidParameter(GraphError):
    """100."""


class NotFound(InvalidParameter):
    """100/33: the object does not exist or the token may not see it."""


class MetricRetired(InvalidParameter):
    """100 'must be a valid insights metric': Facebook retired (or never had) this metric."""


class GraphUnavailable(GraphError):
    """A transient error (1, 2, 4, 17, 32, 613, 80001, 5xx, timeout) that outlasted the retries."""


class RateLimited(GraphError):
    """Usage reached 100 %: do not call this Page (or the app) again for wait_seconds."""

    def __init__(self, wait_seconds, *, scope, code=None):
        self.wait_seconds, self.scope = wait_seconds, scope
        super().__init__(f"rate limit reached for {scope}; wait {wait_seconds:.0f} s", code=code)


def classify(payload, http_status):
    """The exception for a Graph error answer `{"error": {...}}` (or a body that is not one)."""
    error = payload.get("error") if isinstance(payload, dict) else None
    if not isinstance(error, dict):
        return GraphError(
            f"HTTP {http_status} without an error body", http_status=http_status, is_transient=http_status >= 500
        )
    code, subcode = error.get("code"), error.get("error_subcode")
    kwargs = {
        "code": code,
        "subcode": subcode,
        "fbtrace_id": str(error.get("fbtrace_id", "")),
        "http_status": http_status,
        "is_transient": error.get("is_transient"),
    }
    message = str(error.get("message", ""))[:300]
    if code == 190:
        return (TokenExpired if subcode == 463 else TokenInvalid)(message, **kwargs)
    if code == 10 or (isinstance(code, int) and 200 <= code <= 299):
        return PermissionMissing(message, **kwargs)
    if code == 100:
        if subcode == 33:
            return NotFound(message, **kwargs)
        if "valid insights metric" in message:
            return MetricRetired(message, **kwargs)
        return InvalidParameter(message, **kwargs)
    return GraphError(message, **kwargs)


def is_transient(error):
    return error.code in TRANSIENT_CODES or (error.http_status or 0) >= 500


# --- Usage and throttling ------------------------------------------------------------------------


def _percent(usage):
    numbers = [
        v for k, v in (usage or {}).items() if k != "estimated_time_to_regain_access" and isinstance(v, (int, float))
    ]
    return max(numbers, default=0)


def _header_json(headers, name):
    raw = headers.get(name)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        log.warning("Graph sent an unreadable %s header", name)
        return None


def slow_down_seconds(percent):
    """0 below 75 %, then 1 s, 2 s at 80 %, 8 s at 90 %, … at most 60 s."""
    if percent < SLOW_DOWN_AT:
        return 0.0
    return min(60.0, 2 ** ((percent - SLOW_DOWN_AT) / 5))


class Throttle:
    """What the usage headers said, per scope ("app" or a page id). Share one between the clients of
    one sync run so that the app-wide figures slow every Page down. Thread-safe: a sync on several
    threads shares one, and while usage is above the slow-down threshold their calls take turns,
    one every slow_down_seconds(usage), whatever the number of threads."""

    def __init__(self, *, clock=time.monotonic, rng=random.random, default_wait=300):
        self.clock, self.rng, self.default_wait = clock, rng, default_wait
        self.blocked_until = {}
        self.percent = {}
        self.not_before = None  # the clock time of the next slowed-down call
        self._lock = threading.Lock()

    def before_call(self, page_id, sleep):
        """Raise RateLimited for a blocked scope; sleep the slow-down the last answers ask for."""
        with self._lock:
            now = self.clock()
            for scope in ("app", page_id):
                until = self.blocked_until.get(scope)
                if until is not None:
                    if until > now:
                        raise RateLimited(until - now, scope=scope)
                    del self.blocked_until[scope]
            delay = max(
                slow_down_seconds(self.percent.get("app", 0)),
                slow_down_seconds(self.percent.get(page_id, 0)) if page_id else 0.0,
            )
            if not delay:
                return
            # Take the next turn: calls on other threads already waiting go first.
            at = max(now, self.not_before or now) + delay
            self.not_before = at
            percent = max(self.percent.values(), default=0)
        log.info("Graph usage at %s%%: waiting %.1f s before the next call", percent, at - now)
        sleep(at - now)

    def observe(self, headers, page_id):
        app = max(_percent(_header_json(headers, "X-App-Usage")), _percent(_header_json(headers, "X-Page-Usage")))
        buc = _header_json(headers, "X-Business-Use-Case-Usage") or {}
        with self._lock:
            self._note("app", app, None)
            for scope, entries in buc.items() if isinstance(buc, dict) else ():
                for entry in entries if isinstance(entries, list) else [entries]:
                    if isinstance(entry, dict):
                        minutes = entry.get("estimated_time_to_regain_access") or 0
                        self._note(str(scope), _percent(entry), minutes)

    def _note(self, scope, percent, regain_minutes):
        self.percent[scope] = percent
        if percent >= BLOCKED_AT or regain_minutes:
            wait = regain_minutes * 60 if regain_minutes else self.default_wait * (1 + self.rng())
            self.blocked_until[scope] = max(self.blocked_until.get(scope, 0), self.clock() + wait)
            log.warning("Graph usage for %s at %s%%: no calls for %.0f s", scope, percent, wait)

    def blocked(self, page_id):
        """RateLimited for the scope that blocks calls to this page now, else None."""
        with self._lock:
            now = self.clock()
            for scope in ("app", page_id):
                until = self.blocked_until.get(scope)
                if until is not None and until > now:
                    return RateLimited(until - now, scope=scope)
        return None


# --- Results ---------------------------------------------------------------------------------------


def parse_time(raw):
    """'2026-04-06T17:50:09+0000' -> an aware datetime in UTC."""
    return datetime.strptime(raw, "%Y-%m-%dT%H:%M:%S%z").astimezone(UTC)


@dataclass(frozen=True)
class Post:
    id: str
    created_time: datetime
    message: str = ""
    permalink_url: str = ""
    links: tuple = ()  # the addresses of its attachments (a shared link), unshimmed where Graph says
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_graph(cls, item):
        return cls(
            id=str(item["id"]),
            created_time=parse_time(item["created_time"]),
            message=item.get("message") or "",
            permalink_url=item.get("permalink_url") or "",
            links=tuple(attachment_links(item.get("attachments"))),
            raw=item,
        )

    def local_date(self):
        """The posting day in the site's time zone (Asia/Ho_Chi_Minh)."""
        return timezone.localtime(self.created_time).date()


def attachment_links(attachments, depth=0):
    """The addresses in a post's `attachments` ({"data": [{"url", "unshimmed_url", "subattachments"}]}),
    tolerant of anything missing or malformed."""
    if not isinstance(attachments, dict) or depth > 2:
        return []
    found = []
    for entry in attachments.get("data") or []:
        if not isinstance(entry, dict):
            continue
        for name in ("unshimmed_url", "url"):
            value = entry.get(name)
            if isinstance(value, str) and value and value not in found:
                found.append(value)
        target = entry.get("target")
        if isinstance(target, dict) and isinstance(target.get("url"), str) and target["url"] not in found:
            found.append(target["url"])
        found.extend(u for u in attachment_links(entry.get("subattachments"), depth + 1) if u not in found)
    return found


@dataclass(frozen=True)
class InsightValue:
    end_time: datetime
    value: object


def _unix(value):
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return int(value.timestamp())
    if isinstance(value, date):
        return int(timezone.make_aware(datetime.combine(value, datetime.min.time())).timestamp())
    raise TypeError(f"since/until must be a date, a datetime or Unix seconds, not {type(value).__name__}")


def _backoff(attempt, *, base, cap, rng):
    """Exponential back-off with jitter: base·2^(attempt-1), between half and all of it."""
    delay = min(cap, base * 2 ** (attempt - 1))
    return delay * (0.5 + 0.5 * rng())


class GraphClient:
    def __init__(
        self,
        token,
        *,
        version=None,
        base_url=None,
        timeout=None,
        max_attempts=4,
        backoff_base=1.0,
        backoff_cap=30.0,
        sleep=time.sleep,
        rng=random.random,
        throttle=None,
        http=None,
    ):
        self._token = token
        self.version = version or settings.FACEBOOK_GRAPH_VERSION
        self.base_url = (base_url or settings.FACEBOOK_GRAPH_URL).rstrip("/")
        self.max_attempts, self.backoff_base, self.backoff_cap = max_attempts, backoff_base, backoff_cap
        self.sleep, self.rng = sleep, rng
        self.throttle = throttle or Throttle(rng=rng)
        self.http = http or shared_client(timeout or settings.INTEGRATIONS_TIMEOUT)

    def __repr__(self):
        return f"<GraphClient {self.base_url}/{self.version}>"

    def url(self, path):
        return f"{self.base_url}/{self.version}/{path.lstrip('/')}"

    # Reads ----------------------------------------------------------------------------------------

    def iter_posts(self, page_id, since=None, until=None, fields=POST_FIELDS, *, edge="published_posts", limit=100):
        """Every post of the Page (newest first), following paging.next until it is absent."""
        params = {"fields": ",".join(fields), "limit": limit}
        if since is not None:
            params["since"] = _unix(since)
        if until is not None:
            params["until"] = _unix(until)
        url, seen = self.url(f"{page_id}/{edge}"), set()
        while url:
            payload = self.get(url, params=params, page_id=page_id)
            for item in payload.get("data") or []:
                yield Post.from_graph(item)
            url, params = self._next_url((payload.get("paging") or {}).get("next")), None
            if url in seen:
                log.warning("Graph repeated a paging.next for page %s; stopping", page_id)
                return
            seen.add(url)

    def page_fields(self, page_id, fields=PAGE_FIELDS):
        """The named fields; a field the Page does not have comes back None."""
        wanted = list(fields)
        while True:
            try:
                payload = self.get(self.url(str(page_id)), params={"fields": ",".join(wanted)}, page_id=page_id)
                break
            except InvalidParameter as error:
                # "Tried accessing nonexisting field (x)": the whole call fails; ask again without it.
                match = _NONEXISTING_FIELD.search(error.message)
                if not match or match.group(1) not in wanted or len(wanted) == 1:
                    raise
                log.info("Graph page %s has no field %s; asking without it", page_id, match.group(1))
                wanted.remove(match.group(1))
        result = {name: payload.get(name) for name in fields}
        result["id"] = str(payload.get("id", page_id))
        return result

    def search_pages(self, query, *, fields=("id", "name", "link"), limit=10):
        """Pages whose name matches `query` (the Pages Search API: the token needs the Page Public Metadata
        Access feature); [{"id", "name", "link"}, …], first page of results only."""
        payload = self.get(self.url("pages/search"), params={"q": query, "fields": ",".join(fields), "limit": limit})
        return [{name: item.get(name) for name in fields} for item in payload.get("data") or []]

    def insights(self, page_id, metric, since, until, *, period="day"):
        """Daily values of one metric from `since` to `until` (dates), in calls of at most 90 days."""
        if isinstance(since, datetime):
            since = timezone.localtime(since).date() if timezone.is_aware(since) else since.date()
        if isinstance(until, datetime):
            until = timezone.localtime(until).date() if timezone.is_aware(until) else until.date()
        if until < since:
            raise ValueError("until is before since")
        # Graph's window is [since, until); one day at least.
        values, start, stop = {}, since, max(until, since + timedelta(days=1))
        while start < stop:
            end = min(stop, start + timedelta(days=INSIGHTS_MAX_DAYS))
            payload = self.get(
                self.url(f"{page_id}/insights"),
                params={"metric": metric, "period": period, "since": _unix(start), "until": _unix(end)},
                page_id=page_id,
            )
            for series in payload.get("data") or []:
                if series.get("name") != metric:
                    continue
                for item in series.get("values") or []:
                    if "end_time" in item:
                        end_time = parse_time(item["end_time"])
                        values[end_time] = InsightValue(end_time, item.get("value"))
            start = end
        return [values[key] for key in sorted(values)]

    # HTTP -------------------------------------------------------------------------------------------

    def _next_url(self, raw):
        """paging.next, checked to point at the same Graph host, without any access_token in it."""
        if not raw:
            return None
        parts, base = urlsplit(raw), urlsplit(self.base_url)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            raise GraphError("paging.next points at another host; refusing to send the token there")
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "access_token"])
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))

    def get(self, url, *, params=None, page_id=None):
        """GET with throttling, retries of transient errors and classified exceptions."""
        path = urlsplit(url).path
        last_error = None
        for attempt in range(1, self.max_attempts + 1):
            self.throttle.before_call(page_id, self.sleep)
            try:
                response = self.http.get(url, params=params, headers={"Authorization": f"Bearer {self._token}"})
            except httpx.TimeoutException:
                last_error = GraphUnavailable(f"no answer in time from {path}", is_transient=True)
            except httpx.TransportError as error:
                last_error = GraphUnavailable(f"cannot reach Graph ({type(error).__name__})", is_transient=True)
            else:
                self.throttle.observe(response.headers, page_id)
                try:
                    payload = response.json()
                except ValueError:
                    payload = None
                if response.status_code == 200 and isinstance(payload, dict) and "error" not in payload:
                    log.debug("Graph GET %s -> 200", path)
                    return payload
                last_error = self._scrub(classify(payload, response.status_code))
                log.warning("Graph GET %s -> HTTP %s: %s", path, response.status_code, last_error)
                limited = self.throttle.blocked(page_id)
                if limited is not None and is_transient(last_error):
                    limited.code = last_error.code
                    raise limited
                if not is_transient(last_error):
                    raise last_error
            if attempt < self.max_attempts:
                delay = _backoff(attempt, base=self.backoff_base, cap=self.backoff_cap, rng=self.rng)
                log.info("Graph GET %s: %s; retry %d in %.1f s", path, last_error, attempt, delay)
                self.sleep(delay)
        raise GraphUnavailable(
            f"gave up after {self.max_attempts} attempts: {last_error}",
            code=last_error.code,
            subcode=last_error.subcode,
            http_status=last_error.http_status,
            is_transient=True,
        )

    def _scrub(self, error):
        """Graph's messages do not carry tokens, but be sure: no exception ever shows it."""
        if self._token and self._token in error.message:
            error.message = error.message.replace(self._token, "[token]")
            error.args = tuple(str(a).replace(self._token, "[token]") for a in error.args)
        return error
