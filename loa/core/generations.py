"""Generation tokens: a name's current token in the cache, replaced by every write that changes what
the name covers, so that cached figures keyed by the token are never read after such a write.

    key = f"sums:{year}:{generations.current('articles-year:2022')}"
    generations.bump("articles-year:2022")   # in the write's transaction

`bump` replaces the token at once (the writer's own transaction, and tests, read past it) and again
after the commit: a reader that read the old rows while the write was not committed yet may store
its figures under the token it read, which the second bump leaves behind. A token the cache lost
is a new token: the figures are worked out again. With several web processes the cache must be
shared (`CACHE_URL`, Redis), as for the log-in throttle.
"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import transaction

log = logging.getLogger(__name__)


def _key(name: str) -> str:
    return f"generation:{name}"


def current(name: str) -> str:
    """The name's token (a new one when the cache has none)."""
    key = _key(name)
    token = cache.get(key)
    if token is None:
        cache.add(key, uuid.uuid4().hex, None)
        token = cache.get(key) or uuid.uuid4().hex  # a cache that keeps nothing: never the same twice
    return str(token)


def _replace(name: str) -> None:
    try:
        cache.set(_key(name), uuid.uuid4().hex, None)
    except Exception:  # a cache that does not answer must not undo the write; figures keep their TTL
        log.exception("generation %s not bumped", name)


def bump(name: str) -> None:
    """Every figure cached under the name's current token is out of date: now and after the commit."""
    _replace(name)
    transaction.on_commit(lambda: _replace(name))
