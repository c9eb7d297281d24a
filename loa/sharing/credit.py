"""Credit found by the Graph sync: a post on a unit's Page that carries an item's link shares it.

The Graph sync (loa/fanpages/sync.py) sends `fanpages.services.posts_synced` once it stored a run's
posts; `credit_synced` reads their message and their attachments' addresses. A post carries an
item when one of them is
- the item's own address, normalised (`normalise`: scheme, letter case of the host, `www.`/`m.`,
  a trailing slash, the fragment and tracking parameters such as utm_*, fbclid, zarsrc do not count;
  Facebook's l.facebook.com/l.php?u=… redirect is unwrapped), or
- a tracked link `/s/<code>` of the item on Loa's own address (any unit's: a unit that copied
  another's post still shared the item).

It is credited to the Page's unit, once (`services.share_record`, kind GRAPH, the post's address as
evidence), when the item is asked of the unit (`selectors.in_audience`), was not waiting for
approval, and the post came on or after the item's first day and no later than CREDIT_AFTER_DAYS
after its last. A unit that already shared the item (declared, pasted or found earlier) keeps that
share; one post credits one item (the first by id) — the same rule as for pasted links.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from loa.core.site import site_origin
from loa.fanpages import selectors as fanpage_selectors
from loa.sharing import services
from loa.sharing.links import CODE_RE
from loa.sharing.models import Item, Share, ShareLink
from loa.sharing.selectors import in_audience
from loa.units.models import Unit
from loa.units.rollup_moves import path_ids

log = logging.getLogger(__name__)

CREDIT_AFTER_DAYS = 30
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"'()\[\]{}]+", re.IGNORECASE)
TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|zarsrc|zalo_\w+|_hsenc|_hsmi|mc_cid|mc_eid|igshid|ref|ref_src)$", re.IGNORECASE
)
TRAILING = ".,;:!?…»)”’"


def normalise(url: str) -> str:
    """One spelling per address: https, host in lower case without www./m., no default port, no
    trailing slash, no fragment, no tracking parameters, the others sorted; "" for a non-web address."""
    text = url.strip().strip(TRAILING)
    if text.lower().startswith("www."):
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not host:
        return ""
    if host in ("l.facebook.com", "lm.facebook.com") and parts.path == "/l.php":
        target = dict(parse_qsl(parts.query)).get("u", "")
        return normalise(target) if target and target != url else ""
    for prefix in ("www.", "m."):
        host = host.removeprefix(prefix)
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = unquote(parts.path).rstrip("/")
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING.match(k))
    )
    return f"https://{host}{path}" + (f"?{query}" if query else "")


def addresses(text: str, links: Iterable[str]) -> list[str]:
    """The web addresses a post carries: its attachments' and those written in its message."""
    found = [*links, *URL_RE.findall(text or "")]
    origin = urlsplit(site_origin())
    host = (origin.hostname or "").lower()
    if host:
        # "loa.example.vn/s/Abc…" written without its scheme.
        bare = re.compile(rf"(?<![\w./]){re.escape(host)}(?::\d+)?/s/[0-9A-Za-z]+", re.IGNORECASE)
        found += ["https://" + m for m in bare.findall(text or "")]
    return found


def _tracked_code(normalised: str) -> str | None:
    """The code of a Loa tracked link, or None."""
    own = normalise(site_origin())
    own_host = urlsplit(own).netloc
    parts = urlsplit(normalised)
    if parts.netloc != own_host or not parts.path.startswith("/s/"):
        return None
    code = parts.path[3:]
    return code if CODE_RE.fullmatch(code) else None


def credit_synced(posts: list[Any], **_kwargs: Any) -> list[Share]:
    """Credit the items the synced `posts` (fanpages.services.SyncedPost) carry. Returns the shares made."""
    carried: dict[int, tuple[set[str], set[str]]] = {}  # post index -> (normalised addresses, codes)
    for index, post in enumerate(posts):
        urls = {normalise(u) for u in addresses(post.text, post.links)} - {""}
        codes = {c for u in urls if (c := _tracked_code(u))}
        if urls:
            carried[index] = (urls - {u for u in urls if _tracked_code(u)}, codes)
    if not carried:
        return []
    used = [posts[i] for i in carried]
    units = Unit.objects.in_bulk({p.unit_id for p in used})
    ancestors = {a for u in units.values() for a in path_ids(u.path)}
    days = [timezone.localdate(p.posted_at) for p in used]
    first, last = min(days), max(days)
    candidates = list(
        Item.objects.filter(
            unit_id__in=ancestors, starts_on__lte=last, ends_on__gte=first - timedelta(CREDIT_AFTER_DAYS)
        )
        .exclude(status=Item.Status.PENDING)
        .prefetch_related("audience_kinds", "audience_units")
        .order_by("pk")
    )
    by_address: dict[str, list[Item]] = defaultdict(list)
    for item in candidates:
        key = normalise(item.url)
        if key:
            by_address[key].append(item)
    all_codes = {c for _urls, codes in carried.values() for c in codes}
    by_code: dict[str, int] = dict(ShareLink.objects.filter(code__in=all_codes).values_list("code", "item_id"))
    items_by_id = {item.pk: item for item in candidates}

    def matches(index: int) -> list[Item]:
        urls, codes = carried[index]
        found = {item.pk: item for u in urls for item in by_address.get(u, [])}
        found.update({by_code[c]: items_by_id[by_code[c]] for c in codes if by_code.get(c) in items_by_id})
        return [found[pk] for pk in sorted(found)]

    wanted = {(i, item.pk) for i in carried for item in matches(i)}
    if not wanted:
        return []
    shared = set(
        Share.objects.filter(
            Q(unit_id__in={p.unit_id for p in used}), item_id__in={pk for _i, pk in wanted}
        ).values_list("unit_id", "item_id")
    )
    posts_used = set(
        Share.objects.filter(unit_id__in={p.unit_id for p in used})
        .exclude(post_key="")
        .values_list("unit_id", "post_key")
    )
    ids = fanpage_selectors.post_ids((p.fanpage_id, p.key) for p in used)
    made: list[Share] = []
    for index in sorted(carried):
        post = posts[index]
        unit = units.get(post.unit_id)
        if unit is None or (post.unit_id, post.key) in posts_used:
            continue
        day = timezone.localdate(post.posted_at)
        for item in matches(index):
            if (post.unit_id, item.pk) in shared or not _in_time(item, day) or not in_audience(item, unit):
                continue
            try:
                share = services.share_record(
                    by=None,
                    item=item,
                    unit=unit,
                    kind=Share.Kind.GRAPH,
                    post_url=post.permalink,
                    post_key=post.key,
                    post_id=ids.get((post.fanpage_id, post.key)),
                    at=post.posted_at,
                )
            except ValidationError as error:  # shared meanwhile: the first share stands
                log.info("Graph credit of item %s to unit %s skipped: %s", item.pk, unit.pk, error.messages)
                continue
            made.append(share)
            shared.add((post.unit_id, item.pk))
            posts_used.add((post.unit_id, post.key))
            break  # one post credits one item
    return made


def _in_time(item: Item, day: date) -> bool:
    return item.starts_on <= day <= item.ends_on + timedelta(days=CREDIT_AFTER_DAYS)
