"""Log-in throttling: failed attempts counted per username and per client address in the cache.

After settings.LOGIN_THROTTLE_ATTEMPTS failures within settings.LOGIN_THROTTLE_WINDOW seconds
(counted from the first failure), further attempts are refused, even with the right password,
until the window ends. A successful log-in clears both counters.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

from loa.core.text import fold


def client_ip(request):
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites it.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _keys(username, ip):
    name = hashlib.sha256(fold(username or "").encode()).hexdigest()[:32]
    return [f"loa:login-fail:user:{name}", f"loa:login-fail:ip:{ip}"]


def blocked_until(username, ip):
    """The epoch second at which attempts are allowed again, or None if they are allowed now."""
    now = time.time()
    until = None
    for record in cache.get_many(_keys(username, ip)).values():
        count, reset_at = record
        if count >= settings.LOGIN_THROTTLE_ATTEMPTS and reset_at > now:
            until = max(until or 0, reset_at)
    return until


def record_failure(username, ip):
    now = time.time()
    for key in _keys(username, ip):
        count, reset_at = cache.get(key) or (0, 0)
        if reset_at <= now:
            count, reset_at = 0, now + settings.LOGIN_THROTTLE_WINDOW
        cache.set(key, (count + 1, reset_at), timeout=max(1, int(reset_at - now) + 1))


def reset(username, ip=None):
    keys = _keys(username, ip or "")
    cache.delete_many(keys if ip else keys[:1])
