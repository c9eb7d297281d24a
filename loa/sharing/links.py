"""The tracked links: an item's link given to one unit as `/s/<code>` (`ShareLink`), which redirects
to the item's own address and counts the readers the unit's share brought (`loa/sharing/clicks.py`).

    share_url(item, unit)            # "https://loa.example.vn/s/Xk3…", the link made on first use
    share_urls(item_ids, units)      # {(item_id, unit_id): url} for the morning digest, a few queries
    resolve(code)                    # (link id, the item's address) or None: what the redirect reads

A code is 10 characters of [0-9A-Za-z] drawn with `secrets` (62^10 ≈ 8·10^17: not guessable, and
not enumerable at any rate Loa answers). The redirect looks a code up in a per-process table, then
in the cache (Redis in production), then in the database, so that a link clicked often reaches
neither the database nor Redis for its address.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse

from loa.core.batches import chunked
from loa.core.site import absolute_url
from loa.sharing.models import ShareLink

if TYPE_CHECKING:
    from loa.sharing.models import Item
    from loa.units.models import Unit

log = logging.getLogger(__name__)

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
CODE_LENGTH = 10
# What a code may look like: anything else (NUL, unicode, 5,000 characters) is refused before any look-up.
CODE_RE = re.compile(r"[0-9A-Za-z]{6,16}")
LOCAL_SECONDS = 30  # a process trusts its own table this long
LOCAL_MAX = 20_000  # entries a process keeps before starting again
MISSING_SECONDS = 60  # an unknown code is remembered as unknown this long


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def url_of(code: str) -> str:
    return absolute_url(reverse("share_link", args=[code]))


def link_for(item: Item, unit: Unit) -> ShareLink:
    """The unit's link of the item, made on first use (two requests at once make one)."""
    for _attempt in range(5):
        link = ShareLink.objects.filter(item=item, unit=unit).first()
        if link is not None:
            return link
        try:
            with transaction.atomic():
                return ShareLink.objects.create(item=item, unit=unit, code=new_code())
        except IntegrityError:
            continue  # made meanwhile by another request (or, once in 10^17, the code was taken)
    raise RuntimeError("could not make a share link")  # pragma: no cover


def share_url(item: Item, unit: Unit) -> str:
    """The absolute tracked URL `/s/<code>` of `item` given to `unit`."""
    return url_of(link_for(item, unit).code)


def share_urls(item_ids: Iterable[int], units: Iterable[Unit | int]) -> dict[tuple[int, int], str]:
    """{(item_id, unit_id): tracked URL} for every pair, the missing links made in bulk: a select and
    an insert per chunk of units, then a select of what was made (the morning digest of 130,000 units)."""
    items = sorted(set(item_ids))
    unit_ids = sorted({u if isinstance(u, int) else u.pk for u in units})
    found: dict[tuple[int, int], str] = {}
    if not items or not unit_ids:
        return found
    for chunk in chunked(unit_ids):
        rows = ShareLink.objects.filter(item_id__in=items, unit_id__in=chunk).values_list("item_id", "unit_id", "code")
        codes = {(i, u): c for i, u, c in rows}
        missing = [(i, u) for u in chunk for i in items if (i, u) not in codes]
        if missing:
            ShareLink.objects.bulk_create(
                [ShareLink(item_id=i, unit_id=u, code=new_code()) for i, u in missing],
                batch_size=2000,
                ignore_conflicts=True,  # made meanwhile by another run: read back below
            )
            made = ShareLink.objects.filter(item_id__in=items, unit_id__in=chunk).values_list(
                "item_id", "unit_id", "code"
            )
            codes = {(i, u): c for i, u, c in made}
            still = [pair for pair in missing if pair not in codes]
            for i, u in still:  # a code drawn twice (never in practice): one at a time
                codes[(i, u)] = link_for_ids(i, u).code
        origin = url_of("CODE").removesuffix("CODE")
        found.update({pair: origin + code for pair, code in codes.items()})
    return found


def link_for_ids(item_id: int, unit_id: int) -> ShareLink:
    for _attempt in range(5):
        link = ShareLink.objects.filter(item_id=item_id, unit_id=unit_id).first()
        if link is not None:
            return link
        try:
            with transaction.atomic():
                return ShareLink.objects.create(item_id=item_id, unit_id=unit_id, code=new_code())
        except IntegrityError:
            continue
    raise RuntimeError("could not make a share link")  # pragma: no cover


# --- The redirect's look-up ----------------------------------------------------------------------

_local: dict[str, tuple[float, int, str]] = {}
_local_lock = threading.Lock()


def _cache_key(code: str) -> str:
    return f"sharing:link:{code}"


def forget(codes: Iterable[str]) -> None:
    """Drop codes from the caches (an item's address changed): other processes follow within LOCAL_SECONDS."""
    codes = list(codes)
    cache.delete_many([_cache_key(c) for c in codes])
    with _local_lock:
        for code in codes:
            _local.pop(code, None)


def resolve(code: str) -> tuple[int, str] | None:
    """(link id, the item's address) of a code, or None for a code that is not one."""
    if not CODE_RE.fullmatch(code):
        return None
    now = time.monotonic()
    hit = _local.get(code)
    if hit is not None and hit[0] > now:
        return (hit[1], hit[2]) if hit[1] else None
    try:
        cached = cache.get(_cache_key(code))
    except Exception:  # Redis down: the database answers, the reader still gets there
        log.warning("tracked link cache unavailable", exc_info=True)
        cached, cache_up = None, False
    else:
        cache_up = True
    if cached is None:
        row = ShareLink.objects.filter(code=code).values_list("pk", "item__url").first()
        cached = [row[0], row[1]] if row else [0, ""]
        if cache_up:
            cache.set(_cache_key(code), cached, settings.SHARING_LINK_CACHE_SECONDS if row else MISSING_SECONDS)
    link_id, url = int(cached[0]), str(cached[1])
    with _local_lock:
        if len(_local) >= LOCAL_MAX:
            _local.clear()
        _local[code] = (now + LOCAL_SECONDS, link_id, url)
    return (link_id, url) if link_id else None


def clear_local() -> None:
    """Empty this process's table (tests)."""
    with _local_lock:
        _local.clear()
