"""The client's real address behind the proxies named in settings.TRUSTED_PROXIES.

`X-Forwarded-For` is a list every proxy appends its peer to, so only its right end, written by
proxies we run, is worth believing; anything to the left may come from the client. The setting says
how far to believe it:

- empty (the default): nobody. `REMOTE_ADDR` is the client and the header is ignored, since a client
  can send it itself;
- a count N ("1": the nginx on this machine): the address N hops from the right of the chain
  `X-Forwarded-For entries + [REMOTE_ADDR]`, or its leftmost entry when the chain is shorter.
  `REMOTE_ADDR` itself is not looked at, so this works with nginx on a unix socket too;
- addresses and networks ("10.0.0.0/8, 2001:db8::/32"): if `REMOTE_ADDR` is inside one, walk the
  header from the right past addresses inside them; the first address outside is the client.

An entry that is not an address stops the walk: the last good address reached is the answer, so
garbage is never believed and the result is always a valid address (or `REMOTE_ADDR` as it came).
Ports are dropped ("203.0.113.7:5678", "[2001:db8::7]:443"), IPv4-mapped IPv6 addresses are
written as IPv4, and IPv6 addresses in their short form: one client, one spelling.

`ClientAddressMiddleware` puts the answer in `request.META["REMOTE_ADDR"]` for everything after it
(log-in throttle, click counts, logs) and keeps the direct peer in `META["LOA_PROXY_ADDR"]`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

SETTING = "TRUSTED_PROXIES"
PROXY_ADDR = "LOA_PROXY_ADDR"
# More proxies than this in a row is a misconfiguration or an attack; the walk stops there.
MAX_HOPS = 20

_V4_WITH_PORT = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$")
_V6_BRACKETED = re.compile(r"^\[([0-9A-Fa-f:.]+)\](?::\d{1,5})?$")


@dataclass(frozen=True)
class TrustedProxies:
    count: int = 0
    networks: tuple[Network, ...] = ()

    def trusts(self, address: Address) -> bool:
        return any(address in network for network in self.networks)


def parse_trusted_proxies(values: Iterable[str]) -> TrustedProxies:
    """The setting's list ("1", or addresses and CIDRs); anything else raises ImproperlyConfigured."""
    values = [str(v).strip() for v in values if str(v).strip()]
    if not values:
        return TrustedProxies()
    if len(values) == 1 and values[0].isdigit():
        count = int(values[0])
        if count > MAX_HOPS:
            raise ImproperlyConfigured(f"{SETTING} must be a count of at most {MAX_HOPS} proxies, not {count}")
        return TrustedProxies(count=count)
    networks = []
    for value in values:
        if value.isdigit():
            raise ImproperlyConfigured(
                f"{SETTING} is either a count of proxies or a list of addresses and networks, not both: {value!r}"
            )
        try:
            network = ipaddress.ip_network(value, strict=True)
        except ValueError:
            raise ImproperlyConfigured(
                f"{SETTING} must be a count (1) or comma-separated addresses and networks "
                f"(127.0.0.1, 10.0.0.0/8, ::1), not {value!r}"
            ) from None
        if network.prefixlen == 0:
            raise ImproperlyConfigured(
                f"{SETTING} must not trust every address ({value!r}): any client could then choose its own address"
            )
        networks.append(network)
    return TrustedProxies(networks=tuple(networks))


@lru_cache(maxsize=8)
def _parsed(values: tuple[str, ...]) -> TrustedProxies:
    return parse_trusted_proxies(values)


def trusted_proxies() -> TrustedProxies:
    """settings.TRUSTED_PROXIES parsed (once per value: tests change it)."""
    return _parsed(tuple(getattr(settings, SETTING, None) or ()))


def parse_address(value: str) -> Address | None:
    """One entry of X-Forwarded-For (or REMOTE_ADDR) as an address, or None when it is not one."""
    value = value.strip()
    if not value or len(value) > 64 or "%" in value:  # no IPv6 zone ids: they carry free text
        return None
    match = _V4_WITH_PORT.match(value) or _V6_BRACKETED.match(value)
    if match:
        value = match.group(1)
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_address(remote_addr: str, forwarded_for: str, trusted: TrustedProxies) -> str:
    """The client's address (see the module's docstring)."""
    peer = parse_address(remote_addr)
    fallback = str(peer) if peer is not None else remote_addr
    if trusted.count:
        # The N-th entry from the right, at most: no need to split a long header any further.
        entries = forwarded_for.rsplit(",", trusted.count)[-trusted.count :] if forwarded_for.strip() else []
        found = fallback
        for entry in reversed(entries):
            address = parse_address(entry)
            if address is None:
                break
            found = str(address)
        return found
    if not trusted.networks or peer is None or not trusted.trusts(peer):
        return fallback
    found_address: Address = peer
    entries = forwarded_for.rsplit(",", MAX_HOPS)[-MAX_HOPS:] if forwarded_for.strip() else []
    for entry in reversed(entries):
        address = parse_address(entry)
        if address is None:
            break
        found_address = address
        if not trusted.trusts(address):
            break
    return str(found_address)


def request_client_address(request: HttpRequest) -> str:
    meta = request.META
    return client_address(meta.get("REMOTE_ADDR", ""), meta.get("HTTP_X_FORWARDED_FOR", ""), trusted_proxies())


class ClientAddressMiddleware:
    """REMOTE_ADDR becomes the client's address; the direct peer is kept in META["LOA_PROXY_ADDR"]."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META[PROXY_ADDR] = request.META.get("REMOTE_ADDR", "")
        request.META["REMOTE_ADDR"] = request_client_address(request)
        return self.get_response(request)
