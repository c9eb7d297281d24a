"""Facebook addresses as people type, paste and write them: the one place that knows Facebook's hosts
and the shapes of a Page's address.

Used by the Page register (fanpages), post links (fanpages.posts), published articles' addresses
(articles.urls_norm), returned forms and what OCR reads of them (directives). A host list kept in
several places drifts apart; this one is the only list.
"""

from __future__ import annotations

import re
from urllib.parse import ParseResult, SplitResult, parse_qs, urlparse

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from loa.core.validators import split_address

# Every host at which Facebook serves a Page or a post. Language sub-domains ("vi-vn.facebook.com")
# are any *.facebook.com; fb.watch serves videos only, so it is a Facebook host but never a Page's.
SITES = ("facebook.com", "fb.com", "fb.me", "fb.watch")
_PAGE_SITES = ("facebook.com", "fb.com", "fb.me")
# A host as a pattern, for finding addresses in text (and in what OCR read): optional sub-domain, then a site.
HOST_PATTERN = r"(?:[a-z0-9-]+\.)?(?:facebook\.com|fb\.com|fb\.me|fb\.watch)"
_IN_TEXT = re.compile(rf"(?:https?://)?{HOST_PATTERN}/[^\s,;\"'<>()\[\]]+", re.IGNORECASE)

_HANDLE = re.compile(r"^[A-Za-z0-9.\-_]{3,100}$")
# First path segments that are Facebook's own, never a Page's handle.
_RESERVED = {
    "pages",
    "profile.php",
    "groups",
    "watch",
    "events",
    "people",
    "pg",
    "p",
    "share",
    "sharer.php",
    "sharer",
    "home.php",
    "login",
    "login.php",
    "story.php",
    "photo.php",
    "permalink.php",
    "media",
    "photo",
    "reel",
    "hashtag",
    "marketplace",
    "gaming",
    "help",
    "policies",
    "privacy",
    "settings",
}


def site_of(host: str | None) -> str:
    """'m.facebook.com' -> 'facebook.com', 'fb.me' -> 'fb.me'; '' for a host that is not Facebook's."""
    host = (host or "").lower().rstrip(".")
    for site in SITES:
        if host == site or host.endswith("." + site):
            return site
    return ""


def is_facebook_host(host: str) -> bool:
    return bool(site_of(host))


def canonical_host(host: str) -> str:
    """Facebook's hosts folded to 'facebook.com' (one piece at m., web. or fb.com is one piece); other
    hosts as they are, lower case, without "www."."""
    host = (host or "").lower().rstrip(".")
    if site_of(host) in ("facebook.com", "fb.com"):
        return "facebook.com"
    return host.removeprefix("www.")


def split(raw: str | None) -> SplitResult | ParseResult:
    """The typed address split into its parts (https:// added when missing); ValidationError when it
    cannot be an address at all."""
    text = (raw or "").strip()
    if not re.match(r"^[a-z]+://", text, re.IGNORECASE):
        text = "https://" + text
    return split_address(text, typed=raw, split=urlparse)


def find_urls(text: str) -> list[str]:
    """Facebook addresses written anywhere in a text ("Trang: fb.com/cdcs.abc, ĐT …"), as written."""
    found = []
    for match in _IN_TEXT.finditer(text or ""):
        url = match.group(0).rstrip(".")
        if url not in found:
            found.append(url)
    return found


def _page_path(parsed: SplitResult | ParseResult) -> str:
    """The canonical path of a Page's address ('CongDoanABC', 'profile.php?id=123', '723701000827665'),
    or '' when the address is not a Page's."""
    parts = [p for p in parsed.path.split("/") if p]
    first = parts[0].lower() if parts else ""
    if first == "profile.php":
        page_id = (parse_qs(parsed.query).get("id") or [""])[0]
        return f"profile.php?id={page_id}" if page_id.isdigit() else ""
    if first in ("pages", "people"):
        # /pages/<name>/<id>, /pages/category/<kind>/<name>/<id>, /people/<name>/<id>: the id is the Page.
        ids = [p for p in parts[1:] if p.isdigit()]
        return ids[-1] if ids else ""
    if first in ("p", "pg") and len(parts) >= 2:
        tail = parts[1].rsplit("-", 1)[-1]
        if first == "p":
            return tail if tail.isdigit() else ""
        return parts[1] if _HANDLE.match(parts[1]) else ""  # /pg/<handle>/…, an old shape of a Page's tabs
    if parts and first not in _RESERVED and _HANDLE.match(parts[0]):
        return parts[0]
    return ""


def page_url(raw: str | None) -> str:
    """'fb.com/CongDoanABC', 'https://m.facebook.com/CongDoanABC/?ref=x', 'fb.me/CongDoanABC' ->
    'https://www.facebook.com/CongDoanABC'.

    Also profile.php?id=…, /pages/<name>/<id>, /p/<name>-<id>/ and /people/<name>/<id>; tracking
    parameters, trailing slashes and tabs after the Page (/about, /posts/…) are dropped.
    Raises ValidationError for anything that is not a Facebook Page's address.
    """
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter the Page's address, e.g. facebook.com/congdoancoso."), code="required")
    parsed = split(text)
    if site_of(parsed.hostname) not in _PAGE_SITES:
        raise ValidationError(
            _("“%(value)s” is not a Facebook Page address. Copy it from the Page, e.g. facebook.com/congdoancoso.")
            % {"value": text},
            code="not_facebook",
        )
    path = _page_path(parsed)
    if not path:
        raise ValidationError(
            _("“%(value)s” does not point to a Facebook Page. Open the Page and copy its address.") % {"value": text},
            code="not_a_page",
        )
    return f"https://www.facebook.com/{path}"


def post_page(link: str | None) -> str:
    """The Page a post's link names, folded for comparing ('cdcs.abc' for /CDCS.abc/posts/1,
    '723701000827665' for permalink.php?story_fbid=1&id=723701000827665), or '' when the link does
    not say (/share/p/<code>/, /photo/?fbid=…)."""
    try:
        parsed = split(link)
    except ValidationError:
        return ""
    page_id = (parse_qs(parsed.query).get("id") or [""])[0]
    if page_id.isdigit():
        return page_id
    path = _page_path(parsed)
    return path.removeprefix("profile.php?id=").lower()


def page_names(url: str | None) -> set[str]:
    """What a post's link may call a registered Page (its handle or id, folded), see `post_page`."""
    try:
        path = _page_path(split(url))
    except ValidationError:
        return set()
    return {path.removeprefix("profile.php?id=").lower()} if path else set()


def page_key(url: str | None) -> str:
    """A case-insensitive key for uniqueness: Facebook handles ignore case."""
    return (url or "").lower()


def page_slug(url: str | None) -> str:
    """The handle or id a Page's address ends with, folded for matching a unit by it:
    'https://www.facebook.com/cdcs.thpt.caobang' -> 'cdcs thpt caobang'; '' for an id-only address."""
    try:
        path = _page_path(split(url))
    except ValidationError:
        return ""
    if not path or path.startswith("profile.php") or path.isdigit():
        return ""
    return " ".join(re.split(r"[.\-_]+", path.lower())).strip()
