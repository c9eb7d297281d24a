"""Log-in throttling: failed attempts counted atomically in the cache, per client address and user
name, and per address alone. The rules, and why, are in docs/accounts.md.

- **Pair** (the client's address, the folded user name): LOGIN_THROTTLE_ATTEMPTS failures within
  LOGIN_THROTTLE_WINDOW seconds of the pair's first failure lock that pair for LOGIN_THROTTLE_WINDOW
  seconds. Alice mistyping at home does not lock Alice out at the office, nor Bob at home. A
  successful log-in clears the pair's count.
- **Address**: LOGIN_THROTTLE_ADDRESS_ATTEMPTS failures, whatever the user names, lock every log-in
  from the address (password spraying). A successful log-in does not clear it: an attacker with one
  account of their own could otherwise reset it between guesses.
- No counter per user name alone: anyone anywhere could then lock out any officer whose name they
  know (names are made from e-mail addresses).

The address is the client's (loa.core.client_ip puts it in REMOTE_ADDR); an IPv6 client counts by
its /64, since one household or phone holds a whole /64 and could change address at every attempt.

Counters are `cache.add(key, 0)` then `cache.incr(key)`: atomic on Redis and in local memory, so
concurrent failures are all counted. A lock is a companion key holding the time it ends, written
with `add`, so the first failure to reach the limit decides it.

Lifting without knowing the addresses: a generation number per user name and one per address are
part of every key; incrementing one (an admin's "Unlock log-in", a password reset, or
`manage.py login_unlock`) makes every count and lock under it unreachable at once, and the cache
lets them expire. A marker per user name holds when the latest lock on that name ends, for the
admin page.

Without its cache (Redis down) the throttle cannot count: `blocked` and `record_failure` raise
`Unavailable`, and the forms refuse the attempt with a message to try again in a few minutes rather
than let guesses through uncounted (docs/topology.md). Clearing a count after a success is best effort.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import formats, timezone
from redis.exceptions import RedisError

from loa.core.client_ip import parse_address
from loa.core.text import fold

log = logging.getLogger(__name__)

PREFIX = "loa:login"
# What the cache raises when it cannot be reached (Redis down, refused, timed out).
CACHE_ERRORS = (RedisError, OSError)


class Unavailable(Exception):
    """The cache that counts failures cannot be reached: the attempt can be neither checked nor counted."""


PAIR, ADDRESS = "pair", "address"


@dataclass(frozen=True)
class Lock:
    until: float  # epoch seconds
    scope: str  # PAIR or ADDRESS


def client_ip(request: HttpRequest) -> str:
    """The client's address, as ClientAddressMiddleware found it behind the trusted proxies."""
    return request.META.get("REMOTE_ADDR", "")


def address_key(ip: str) -> str:
    """What an address is counted as: IPv4 itself, IPv6 its /64, anything else "unknown"."""
    address = parse_address(ip)
    if address is None:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network((address, 64), strict=False))
    return str(address)


def _name(username: str) -> str:
    # Hashed: any text a client sends (control characters, 10,000 letters) makes a short, safe key.
    return hashlib.sha256(fold(username or "").encode("utf-8", "replace")).hexdigest()[:32]


def _user_generation_key(name: str) -> str:
    return f"{PREFIX}:gen:user:{name}"


def _address_generation_key(addr: str) -> str:
    return f"{PREFIX}:gen:addr:{addr}"


def _marker_key(name: str) -> str:
    return f"{PREFIX}:locked:{name}"


class _Keys:
    """The counter keys of one attempt, under the current generations of its name and address."""

    def __init__(self, username: str, ip: str):
        self.name, self.addr = _name(username), address_key(ip)
        generations = cache.get_many([_user_generation_key(self.name), _address_generation_key(self.addr)])
        user_gen = generations.get(_user_generation_key(self.name), 0)
        addr_gen = generations.get(_address_generation_key(self.addr), 0)
        self.pair = f"{PREFIX}:pair:{self.name}.{user_gen}:{self.addr}.{addr_gen}"
        self.address = f"{PREFIX}:addr:{self.addr}.{addr_gen}"


def _lock_key(counter: str) -> str:
    return counter + ":lock"


def blocked(username: str, ip: str) -> Lock | None:
    """The lock refusing this attempt (the longer one when both hold), or None. Unavailable without the cache."""
    try:
        return _blocked(username, ip)
    except CACHE_ERRORS as exc:
        log.error("Log-in throttle: the cache cannot be reached (%s); log-ins are refused", type(exc).__name__)
        raise Unavailable from exc


def _blocked(username: str, ip: str) -> Lock | None:
    keys = _Keys(username, ip)
    found = cache.get_many([_lock_key(keys.pair), _lock_key(keys.address)])
    now = time.time()
    locks = [
        Lock(found[_lock_key(key)], scope)
        for key, scope in ((keys.pair, PAIR), (keys.address, ADDRESS))
        if found.get(_lock_key(key), 0) > now
    ]
    return max(locks, key=lambda lock: lock.until, default=None)


def _count(key: str, window: int) -> int:
    """Add one to the counter at `key`, which lives `window` seconds from its first failure."""
    for _ in range(3):
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # it expired between add and incr: start again
            continue
        if count == 1:
            # Django's Redis incr checks EXISTS, then INCRs: a key expiring in between is made
            # again by INCR without an expiry, which would lock the pair for good.
            cache.touch(key, window)
        return count
    cache.set(key, 1, timeout=window)
    return 1


def _start_lock(counter: str, window: int, now: float) -> tuple[float, bool]:
    """The end of the lock on `counter`, and whether this call started it."""
    until = now + window
    if cache.add(_lock_key(counter), until, timeout=window + 1):
        return until, True
    return cache.get(_lock_key(counter), until), False


def record_failure(username: str, ip: str) -> Lock | None:
    """Count one failed log-in; the lock it reached, if it reached one. Unavailable without the cache."""
    try:
        return _record_failure(username, ip)
    except CACHE_ERRORS as exc:
        log.error("Log-in throttle: the cache cannot be reached (%s); log-ins are refused", type(exc).__name__)
        raise Unavailable from exc


def _record_failure(username: str, ip: str) -> Lock | None:
    window = settings.LOGIN_THROTTLE_WINDOW
    keys = _Keys(username, ip)
    now = time.time()
    locks = []
    pair_count = _count(keys.pair, window)
    if pair_count >= settings.LOGIN_THROTTLE_ATTEMPTS:
        until, started = _start_lock(keys.pair, window, now)
        locks.append(Lock(until, PAIR))
        if started:
            cache.set(_marker_key(keys.name), until, timeout=window + 1)
            log.warning("Log-in locked for user %r from %s after %d failures", username[:64], keys.addr, pair_count)
    address_count = _count(keys.address, window)
    if address_count >= settings.LOGIN_THROTTLE_ADDRESS_ATTEMPTS:
        until, started = _start_lock(keys.address, window, now)
        locks.append(Lock(until, ADDRESS))
        if started:
            log.warning("Log-in locked for every user from %s after %d failures", keys.addr, address_count)
    return max(locks, key=lambda lock: lock.until, default=None)


def succeeded(username: str, ip: str) -> None:
    """A successful log-in clears its pair's count (never the address's: see the module's docstring)."""
    try:
        keys = _Keys(username, ip)
        cache.delete_many([keys.pair, _lock_key(keys.pair)])
    except CACHE_ERRORS as exc:  # the log-in is done; its count expires with the window
        log.warning("Log-in throttle: the cache cannot be reached (%s); a count was not cleared", type(exc).__name__)


def user_locked_until(username: str) -> float | None:
    """When the latest lock on this user name ends, from whatever address; None when none holds."""
    until = cache.get(_marker_key(_name(username)))
    return until if until is not None and until > time.time() else None


def _next_generation(key: str) -> None:
    # Kept without expiry: only unlocks make these keys, and an expired generation would bring back
    # the counts it lifted. incr keeps the key's (absent) expiry on Redis and in local memory.
    cache.add(key, 0, timeout=None)
    cache.incr(key)


def unlock_user(username: str) -> float | None:
    """Lift every count and lock on this user name, from every address; returns when the latest lock
    would have ended (None when none held)."""
    name = _name(username)
    until = user_locked_until(username)
    _next_generation(_user_generation_key(name))
    cache.delete(_marker_key(name))
    return until


def unlock_address(ip: str) -> str:
    """Lift every count and lock from this address, for every user name; returns what it counts as."""
    addr = address_key(ip)
    _next_generation(_address_generation_key(addr))
    return addr


def until_display(until: float) -> str:
    """ "14:35", or "14:35 02/01/2027" when the lock ends on another day than today."""
    at = timezone.localtime(datetime.fromtimestamp(until, tz=timezone.get_current_timezone()))
    if at.date() == timezone.localdate():
        return formats.time_format(at, "H:i")
    return f"{formats.time_format(at, 'H:i')} {formats.date_format(at, 'd/m/Y')}"
