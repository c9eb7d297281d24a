"""A stand-in for the Facebook Graph API (Pages): posts, page fields, insights, errors, usage headers.

    with GraphStandin() as graph:        # or the `graph_standin` pytest fixture
        page = graph.state.add_page("659554973897366", name="CĐCS Trường THPT", followers_count=640,
                                    posts=[datetime(2026, 4, 6, 17, 50, 9, tzinfo=UTC), ...])
        token = graph.state.add_token(pages={page.id})
        graph.state.fail_next(32, times=2)                 # Page request limit, twice
        graph.state.set_usage(buc={page.id: 100}, regain_minutes=7)

Settings to point Loa at it: FACEBOOK_GRAPH_URL = graph.url, FACEBOOK_GRAPH_VERSION = graph.version.
Answers follow docs/integrations.md: `{"error": {...}}` with HTTP 400/403/500, `paging.cursors`
always and `next` only while more, post ids PAGEID_POSTID, created_time like 2026-04-06T17:50:09+0000.
"""

import base64
import itertools
import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from loa.core.text import fold as _folded
from loa.integrations.standins.base import Reply, StandinServer

VERSION = "v25.0"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
PAGE_FIELDS = {"id", "name", "fan_count", "followers_count", "link", "about", "category", "username"}
POST_FIELDS = {"id", "created_time", "message", "permalink_url", "updated_time", "status_type", "attachments"}
ATTACHMENT_FIELDS = {"type", "url", "unshimmed_url", "title", "description", "target", "media", "subattachments"}
POST_EDGES = {"published_posts", "posts", "feed"}
METRICS = {
    "page_follows",
    "page_daily_follows",
    "page_daily_follows_unique",
    "page_daily_unfollows_unique",
    "page_post_engagements",
    "page_views_total",
    "page_impressions_unique",
}
MAX_INSIGHTS_SECONDS = 8035200  # 93 days: Graph refuses longer windows

# code -> (HTTP status, message, is_transient)
ERRORS = {
    1: (500, "An unknown error occurred", True),
    2: (500, "An unexpected error has occurred. Please retry your request later.", True),
    4: (403, "(#4) Application request limit reached", True),
    10: (
        403,
        "(#10) This endpoint requires the 'pages_read_engagement' permission or the 'Page Public Content Access' feature.",
        False,
    ),
    17: (400, "(#17) User request limit reached", True),
    32: (400, "(#32) Page request limit reached", True),
    100: (400, "(#100) Invalid parameter", False),
    190: (400, "Invalid OAuth access token - Cannot parse access token", False),
    200: (403, "(#200) Requires pages_read_user_content permission to manage the object", False),
    368: (400, "(#368) The action attempted has been deemed abusive or is otherwise disallowed", False),
    613: (400, "(#613) Calls to this api have exceeded the rate limit.", True),
    80001: (400, "(#80001) There have been too many calls to this Page account. Wait a bit and try again.", True),
}
TOKEN_SUBCODES = {
    463: "Error validating access token: Session has expired on Monday, 06-Apr-26 10:00:00 PDT. "
    "The current time is Tuesday, 07-Apr-26 02:13:45 PDT.",
    460: "Error validating access token: The session has been invalidated because the user changed their password "
    "or Facebook has changed the session for security reasons.",
    467: "Error validating access token: The user is not logged into Facebook.",
    458: "Error validating access token: The user has not authorized application 1234567890.",
}


def split_fields(raw):
    """'id,attachments{url,type},message' -> [("id", None), ("attachments", "url,type"), ("message", None)]:
    Graph's field expansion, one level read."""
    fields, depth, start = [], 0, 0
    for index, char in enumerate(raw + ","):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "," and depth == 0:
            part = raw[start:index].strip()
            start = index + 1
            if not part:
                continue
            name, brace, rest = part.partition("{")
            fields.append((name.strip(), rest[:-1] if brace and rest.endswith("}") else None))
    return fields


@dataclass
class StandinPost:
    id: str
    created_time: datetime
    message: str | None = None
    link: str | None = None  # a shared link: an attachment of type "share"

    def attachments(self, subfields):
        """As Graph answers: `url` is Facebook's l.facebook.com redirect, `unshimmed_url` the address."""
        if not self.link:
            return None
        shim = "https://l.facebook.com/l.php?" + urlencode({"u": self.link, "h": "AT0stand-in"})
        full = {
            "type": "share",
            "url": shim,
            "unshimmed_url": self.link,
            "title": self.message.splitlines()[0][:80] if self.message else self.link,
            "target": {"url": shim},
        }
        names = [n for n, _sub in split_fields(subfields)] if subfields else ["media", "target", "title", "type", "url"]
        return {"data": [{name: full[name] for name in names if name in full}]}

    def as_graph(self, fields):
        post_id = self.id.split("_", 1)[1]
        full = {
            "id": self.id,
            "created_time": self.created_time.astimezone(UTC).strftime(TIME_FORMAT),
            "message": self.message,
            "permalink_url": f"https://www.facebook.com/{self.id.split('_')[0]}/posts/{post_id}",
            "updated_time": self.created_time.astimezone(UTC).strftime(TIME_FORMAT),
            "status_type": "added_share" if self.link else "mobile_status_update",
        }
        found = {}
        for name, subfields in fields:
            value = self.attachments(subfields) if name == "attachments" else full.get(name)
            if value is not None:
                found[name] = value
        return found


@dataclass
class StandinPage:
    id: str
    name: str
    followers_count: int | None = 0
    fan_count: int | None = None  # New Pages Experience pages report followers only ⚠
    link: str = ""
    posts: list = field(default_factory=list)  # newest first, as Graph answers
    insights: dict = field(default_factory=dict)  # metric -> {date: value}

    def add_posts(self, created_times, *, message="Tin hoạt động công đoàn", link=None):
        """Posts at these times; `link`: the address each shares (an attachment), or None."""
        for created in created_times:
            if created.tzinfo is None:
                raise ValueError("created_time must be timezone-aware")
            post_id = f"{self.id}_{122168377616832251 + len(self.posts) * 7919}"
            text = message(created) if callable(message) else message
            self.posts.append(StandinPost(post_id, created.astimezone(UTC).replace(microsecond=0), text, link))
        self.posts.sort(key=lambda post: post.created_time, reverse=True)
        return self


@dataclass
class Fault:
    code: int = 0
    subcode: int | None = None
    http_status: int | None = None
    message: str | None = None
    delay: float = 0.0
    path_contains: str = ""


@dataclass
class GraphState:
    version: str = VERSION
    pages: dict = field(default_factory=dict)
    # token -> {"pages": set of page ids or None for any, "error_subcode": None | 463 | 460 | 467 | 458 | 0,
    #           "permissions": set}
    tokens: dict = field(default_factory=dict)
    faults: list = field(default_factory=list)
    default_limit: int = 25
    # Offsets into a Page's post list at which an empty page (still carrying `next`) is served first.
    empty_pages_at: set = field(default_factory=set)
    app_usage: dict | None = None
    page_usage: dict | None = None
    buc_usage: dict = field(default_factory=dict)  # page id -> {"call_count": …, "estimated_time_to_regain_access": …}
    lock: threading.RLock = field(default_factory=threading.RLock)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(723701000827665))

    # Scenario controls ----------------------------------------------------------------------

    def add_page(self, page_id=None, *, name="Fanpage", followers_count=0, fan_count=None, link=None, posts=()):
        page_id = str(page_id or next(self._ids))
        page = StandinPage(page_id, name, followers_count, fan_count, link or f"https://www.facebook.com/{page_id}")
        page.add_posts(posts)
        with self.lock:
            self.pages[page_id] = page
        return page

    def add_token(
        self,
        token=None,
        *,
        pages=None,
        permissions=("pages_read_engagement", "pages_read_user_content", "read_insights"),
    ):
        token = token or "EAAG" + secrets.token_urlsafe(40)
        with self.lock:
            self.tokens[token] = {
                "pages": set(pages) if pages is not None else None,
                "error_subcode": None,
                "permissions": set(permissions),
            }
        return token

    def expire_token(self, token, *, subcode=463):
        """190 with this subcode from now on (463 expired, 460 password changed, 467 logged out, 458 app removed;
        0 for a malformed token without subcode)."""
        with self.lock:
            self.tokens[token]["error_subcode"] = subcode

    def fail_next(self, code, *, times=1, subcode=None, http_status=None, message=None, path_contains=""):
        with self.lock:
            self.faults.extend(Fault(code, subcode, http_status, message, 0.0, path_contains) for _ in range(times))

    def timeout_next(self, seconds, *, times=1, path_contains=""):
        """The next calls answer normally but only after `seconds` (longer than the client's timeout)."""
        with self.lock:
            self.faults.extend(Fault(delay=seconds, path_contains=path_contains) for _ in range(times))

    def set_usage(self, *, app=None, page=None, buc=None, regain_minutes=0):
        """Usage percentages for the headers. app/page: a number (all keys) or a dict; buc: {page_id: number}."""

        def spread(value):
            if value is None or isinstance(value, dict):
                return value
            return {"call_count": value, "total_time": value, "total_cputime": value}

        with self.lock:
            self.app_usage, self.page_usage = spread(app), spread(page)
            self.buc_usage = {
                str(pid): {**spread(pct), "estimated_time_to_regain_access": regain_minutes if pct >= 100 else 0}
                for pid, pct in (buc or {}).items()
            }

    def _take_fault(self, path):
        with self.lock:
            for index, fault in enumerate(self.faults):
                if fault.path_contains in path:
                    return self.faults.pop(index)
        return None


def _cursor(offset, emptied):
    return base64.urlsafe_b64encode(json.dumps({"o": offset, "e": emptied}).encode()).decode().rstrip("=")


def _uncursor(raw):
    try:
        data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        return int(data["o"]), bool(data["e"])
    except (ValueError, KeyError, TypeError):
        return None


def _timestamp(raw):
    """since/until: Unix seconds, or a date Graph's strtotime would read (YYYY-MM-DD)."""
    if raw in (None, ""):
        return None
    if re.fullmatch(r"\d+", raw):
        return datetime.fromtimestamp(int(raw), UTC)
    return datetime.combine(date.fromisoformat(raw), datetime.min.time(), UTC)


class GraphStandin(StandinServer):
    def __init__(self, state=None):
        super().__init__()
        self.state = state or GraphState()

    @property
    def version(self):
        return self.state.version

    def error(self, code, *, subcode=None, message=None, http_status=None, headers=None):
        status, default_message, transient = ERRORS.get(code, (400, f"(#{code}) Error", False))
        if code == 190 and subcode:
            default_message = TOKEN_SUBCODES.get(subcode, default_message)
        body = {"message": message or default_message, "type": "OAuthException", "code": code}
        if subcode:
            body["error_subcode"] = subcode
        body["is_transient"] = transient
        body["fbtrace_id"] = "A" + secrets.token_urlsafe(15)
        return Reply(http_status or status, {"error": body}, headers=headers)

    def handle(self, request, base_url):
        state = self.state
        headers = self._usage_headers(request)
        fault = state._take_fault(request.path)
        if fault is not None and fault.delay:
            reply = self._answer(request, base_url, headers)
            reply.delay = fault.delay
            return reply
        if fault is not None:
            return self.error(
                fault.code, subcode=fault.subcode, message=fault.message, http_status=fault.http_status, headers=headers
            )
        return self._answer(request, base_url, headers)

    def _usage_headers(self, request):
        state, headers = self.state, {}
        with state.lock:
            if state.app_usage is not None:
                headers["X-App-Usage"] = json.dumps(state.app_usage)
            if state.page_usage is not None:
                headers["X-Page-Usage"] = json.dumps(state.page_usage)
            parts = request.path.strip("/").split("/")
            page_id = parts[1] if len(parts) > 1 else ""
            if page_id in state.buc_usage:
                headers["X-Business-Use-Case-Usage"] = json.dumps(
                    {page_id: [{"type": "pages", **state.buc_usage[page_id]}]}
                )
        return headers

    def _answer(self, request, base_url, headers):
        state = self.state
        parts = request.path.strip("/").split("/")
        if request.method != "GET" or len(parts) < 2 or parts[0] != state.version:
            return self.error(100, message="Unknown path components: " + request.path, headers=headers)
        token = request.query.get("access_token") or ""
        auth = request.headers.get("authorization", "")
        if not token and auth.split(" ", 1)[0] in ("Bearer", "OAuth"):
            token = auth.split(" ", 1)[1].strip()
        with state.lock:
            info = state.tokens.get(token)
            if not token:
                return self.error(
                    104,
                    message="An access token is required to request this resource.",
                    http_status=400,
                    headers=headers,
                )
            if info is None or info["error_subcode"] == 0:
                return self.error(190, headers=headers)
            if info["error_subcode"]:
                return self.error(190, subcode=info["error_subcode"], headers=headers)
            if parts[1:] == ["pages", "search"]:
                return self._search(info, request, base_url, headers)
            page_id = parts[1]
            page = state.pages.get(page_id)
            if page is None or (info["pages"] is not None and page_id not in info["pages"]):
                return self.error(
                    100,
                    subcode=33,
                    headers=headers,
                    message=(
                        f"Unsupported get request. Object with ID '{page_id}' does not exist, cannot be loaded due to "
                        "missing permissions, or does not support this operation."
                    ),
                )
            throttled = self._throttled(page_id)
            if throttled:
                return self.error(throttled, headers=headers)
            if len(parts) == 2:
                return self._page(page, request, headers)
            if parts[2] in POST_EDGES and len(parts) == 3:
                if "pages_read_engagement" not in info["permissions"]:
                    return self.error(10, headers=headers)
                return self._posts(page, parts[2], request, base_url, headers)
            if parts[2] == "insights" and len(parts) == 3:
                if "read_insights" not in info["permissions"]:
                    return self.error(10, headers=headers, message="(#10) The 'read_insights' permission is required.")
                return self._insights(page, request, headers)
        return self.error(100, message="Unknown path components: /" + "/".join(parts[2:]), headers=headers)

    def _search(self, info, request, base_url, headers):
        """GET /pages/search?q=…&fields=id,name,link: Pages whose name holds every word of q (case and
        accents ignored). Needs the Page Public Metadata Access feature (or pages_read_engagement)."""
        if not info["permissions"] & {
            "page_public_metadata_access",
            "page_public_content_access",
            "pages_read_engagement",
        }:
            return self.error(
                10,
                headers=headers,
                message=(
                    "(#10) This endpoint requires the 'pages_read_engagement' permission or the 'Page Public Content "
                    "Access' feature or the 'Page Public Metadata Access' feature."
                ),
            )
        query = (request.query.get("q") or "").strip()
        if not query:
            return self.error(100, headers=headers, message="(#100) The parameter q is required")
        fields, refused = self._fields(request, PAGE_FIELDS, "id,name", "Page", headers)
        if refused:
            return refused
        words = _folded(query).split()
        found = [p for p in self.state.pages.values() if all(w in _folded(p.name).split() for w in words)]
        limit = min(int(request.query.get("limit") or self.state.default_limit), 100)
        data = []
        for page in found[:limit]:
            full = {
                "id": page.id,
                "name": page.name,
                "link": page.link,
                "fan_count": page.fan_count,
                "followers_count": page.followers_count,
                "category": "Community Organization",
            }
            data.append({name: full[name] for name in fields if full.get(name) is not None} | {"id": page.id})
        return Reply(
            200,
            {"data": data, "paging": {"cursors": {"before": _cursor(0, False), "after": _cursor(len(data), False)}}},
            headers=headers,
        )

    def _throttled(self, page_id):
        """At 100 % Graph refuses the call: code 4 for the app, 80001 for the Page."""
        state = self.state
        if state.app_usage and max(state.app_usage.values()) >= 100:
            return 4
        if state.page_usage and max(state.page_usage.values()) >= 100:
            return 32
        usage = state.buc_usage.get(page_id)
        if usage and max(v for k, v in usage.items() if k != "estimated_time_to_regain_access") >= 100:
            return 80001
        return 0

    def _fields(self, request, allowed, default, node_type, headers, *, nested=False):
        """The names asked for (with their {sub-fields} when `nested`); an unknown one fails the call."""
        parsed = split_fields(request.query.get("fields") or default)
        for name, subfields in parsed:
            unknown = name if name not in allowed else None
            if unknown is None and subfields is not None:
                if not nested or name != "attachments":
                    unknown = name
                else:
                    unknown = next((n for n, _s in split_fields(subfields) if n not in ATTACHMENT_FIELDS), None)
                    node_type = "StoryAttachment" if unknown else node_type
            if unknown is not None:
                return None, self.error(
                    100,
                    headers=headers,
                    message=f"(#100) Tried accessing nonexisting field ({unknown}) on node type ({node_type})",
                )
        return (parsed if nested else [name for name, _s in parsed]), None

    def _page(self, page, request, headers):
        fields, refused = self._fields(request, PAGE_FIELDS, "name,id", "Page", headers)
        if refused:
            return refused
        full = {
            "id": page.id,
            "name": page.name,
            "fan_count": page.fan_count,
            "followers_count": page.followers_count,
            "link": page.link,
            "category": "Community Organization",
        }
        body = {name: full[name] for name in fields if full.get(name) is not None}
        body["id"] = page.id
        return Reply(200, body, headers=headers)

    def _posts(self, page, edge, request, base_url, headers):
        fields, refused = self._fields(request, POST_FIELDS, "created_time,message,id", "Post", headers, nested=True)
        if refused:
            return refused
        try:
            limit = min(100, max(1, int(request.query.get("limit") or self.state.default_limit)))
            since, until = _timestamp(request.query.get("since")), _timestamp(request.query.get("until"))
        except ValueError:
            return self.error(100, headers=headers, message="(#100) Invalid parameter")
        posts = [
            p
            for p in page.posts
            if (since is None or p.created_time >= since) and (until is None or p.created_time <= until)
        ]
        offset, emptied = 0, False
        if request.query.get("after"):
            decoded = _uncursor(request.query["after"])
            if decoded is None:
                return self.error(100, headers=headers, message="(#100) The after cursor is invalid")
            offset, emptied = decoded
        query = {k: v for k, v in request.query.items() if k not in ("after", "before")}
        query["limit"] = str(limit)
        if offset in self.state.empty_pages_at and not emptied and offset < len(posts):
            chunk, next_offset, next_emptied = [], offset, True
        else:
            chunk, next_offset, next_emptied = posts[offset : offset + limit], offset + limit, False
        body = {
            "data": [post.as_graph(fields) for post in chunk],
            "paging": {"cursors": {"before": _cursor(offset, emptied), "after": _cursor(next_offset, next_emptied)}},
        }
        if next_offset < len(posts):
            query["after"] = _cursor(next_offset, next_emptied)
            body["paging"]["next"] = f"{base_url}/{self.state.version}/{page.id}/{edge}?{urlencode(query)}"
        return Reply(200, body, headers=headers)

    def _insights(self, page, request, headers):
        metrics = [m for m in (request.query.get("metric") or "").split(",") if m]
        if not metrics or any(m not in METRICS for m in metrics):
            return self.error(100, headers=headers, message="(#100) The value must be a valid insights metric")
        period = request.query.get("period") or "day"
        if period != "day":
            return self.error(100, headers=headers, message="(#100) period must be one of the following values: day")
        try:
            until = _timestamp(request.query.get("until")) or datetime.now(UTC)
            since = _timestamp(request.query.get("since")) or until - timedelta(days=2)
        except ValueError:
            return self.error(100, headers=headers, message="(#100) Invalid parameter")
        if (until - since).total_seconds() > MAX_INSIGHTS_SECONDS:
            return self.error(
                100,
                headers=headers,
                message="(#100) There cannot be more than 93 days (8035200 s) between since and until",
            )
        data = []
        for metric in metrics:
            series = page.insights.get(metric, {})
            values, day = [], since.date()
            while datetime.combine(day, datetime.min.time(), UTC) < until:
                default = page.followers_count if metric == "page_follows" else 0
                end_time = datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC) + timedelta(hours=7)
                values.append({"value": series.get(day, default), "end_time": end_time.strftime(TIME_FORMAT)})
                day += timedelta(days=1)
            data.append(
                {
                    "name": metric,
                    "period": period,
                    "values": values,
                    "title": metric.replace("_", " ").title(),
                    "description": "Stand-in metric",
                    "id": f"{page.id}/insights/{metric}/{period}",
                }
            )
        paging = {
            "previous": f"{self.url}/{self.state.version}/{page.id}/insights?metric={','.join(metrics)}",
            "next": f"{self.url}/{self.state.version}/{page.id}/insights?metric={','.join(metrics)}",
        }
        return Reply(200, {"data": data, "paging": paging}, headers=headers)
