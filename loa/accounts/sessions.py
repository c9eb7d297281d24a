"""Sessions read from Redis and written through to PostgreSQL (SESSION_ENGINE when CACHE_URL is set).

Django's cached_db backend reads a session from the cache and falls back to the database on a
miss; every write goes to the database first, so a Redis restart (Redis keeps nothing on disk
here) signs nobody out. But it treats only a failed *read* as a miss: with Redis down, filling
the cache after reading the database, `exists()` (asked for every new session key) and
`delete()` (signing out, and rotating the key at sign-in) raise, and every signed-in page would
answer 500. Here each of those is a miss, logged: the database answers, as it did before Redis.

What a miss cannot undo: a session deleted (signed out) while *this* server could not reach a
Redis that is still running keeps its cached copy there until it expires. Redis outages are
restarts in practice (nothing persists, the copy is gone); docs/topology.md says so.
"""

import logging
from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class SessionStore(CachedDBStore):
    def load(self) -> dict[str, Any]:
        try:
            data = self._cache.get(self.cache_key)
        except (RedisError, OSError):
            self._cache_failed("read")
            data = None
        if data is not None:
            return data  # type: ignore[no-any-return]
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        except (RedisError, OSError):
            self._cache_failed("fill")
        return data  # type: ignore[no-any-return]

    def exists(self, session_key: str | None) -> bool:
        if not session_key:
            return False
        try:
            if (self.cache_key_prefix + session_key) in self._cache:
                return True
        except (RedisError, OSError):
            self._cache_failed("read")
        return bool(super(CachedDBStore, self).exists(session_key))

    def delete(self, session_key: str | None = None) -> None:
        super(CachedDBStore, self).delete(session_key)
        session_key = session_key or self.session_key
        if session_key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except (RedisError, OSError):
            self._cache_failed("delete")

    def _cache_failed(self, what: str) -> None:
        # One line, no traceback: while Redis is down this happens on every request.
        logger.warning("Session cache unavailable (%s): using the database", what)
