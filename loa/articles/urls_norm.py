"""Addresses of published pieces, normalised so that one piece is credited once.

http and https, "www.", Facebook's hosts (m., web., fb.com…: loa.core.facebook), a trailing slash, tracking parameters (utm_*, fbclid…)
and the #fragment do not make a different piece.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from loa.core.facebook import canonical_host as _host
from loa.core.validators import split_address

TRACKING = ("utm_", "fbclid", "gclid", "zarsrc", "_gl", "mibextid", "ref", "__tn__", "__cft__")


def parse(raw):
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter the address (URL) of the published piece."), code="required")
    if "://" not in text:
        text = "https://" + text
    parts = split_address(text, typed=raw)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "." not in parts.hostname:
        raise ValidationError(_("“%(value)s” is not a web address.") % {"value": raw.strip()}, code="invalid")
    return parts


def normalize(raw):
    """'HTTP://www.Site.vn/a/b/?utm_source=x&id=2#top' -> 'site.vn/a/b?id=2' (the uniqueness key)."""
    parts = parse(raw)
    path = parts.path.rstrip("/")
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not any(k.lower() == t or (t.endswith("_") and k.lower().startswith(t)) for t in TRACKING)
    )
    key = _host(parts.hostname) + path
    if query:
        key += "?" + urlencode(query)
    return key


def clean_url(raw):
    """The address as it will be stored and linked: https, no tracking parameters."""
    return parse(raw).geturl()


def domain_prefix(line):
    """A channel's domain line ('https://www.facebook.com/CongDoanCaoBang/') -> 'facebook.com/congdoancaobang'."""
    text = line.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    return (_host(parts.hostname) + parts.path.rstrip("/")).lower()


def matches(key, prefix):
    key = key.lower()
    return key == prefix or key.startswith((prefix + "/", prefix + "?"))


def channel_for(raw, channels):
    """The channel whose domain the address lies on, or a ValidationError naming the allowed domains."""
    key = normalize(raw)
    best = None
    for channel in channels:
        for prefix in channel.domain_list():
            if matches(key, prefix) and (best is None or len(prefix) > best[1]):
                best = (channel, len(prefix))
    if best is None:
        allowed = ", ".join(p for c in channels for p in c.domain_list())
        raise ValidationError(
            _("“%(value)s” is not on a channel of the union. Accepted addresses: %(allowed)s.")
            % {"value": raw.strip(), "allowed": allowed},
            code="not_a_channel",
        )
    return best[0]
