"""Facebook Page addresses as people type them, normalised to one form."""

import re
from urllib.parse import parse_qs, urlparse

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from loa.core.validators import split_address

_FACEBOOK_HOSTS = {"facebook.com", "fb.com", "m.facebook.com", "www.facebook.com", "web.facebook.com",
                   "mbasic.facebook.com", "business.facebook.com", "fb.me", "www.fb.com", "touch.facebook.com",
                   "vi-vn.facebook.com", "vi.facebook.com"}
_HANDLE = re.compile(r"^[A-Za-z0-9.\-_]{3,100}$")
_RESERVED = {"pages", "profile.php", "groups", "watch", "events", "people", "pg", "p", "share", "sharer.php",
             "home.php", "login", "story.php", "photo.php", "permalink.php", "media"}


def normalize_page_url(raw):
    """'fb.com/CongDoanABC', 'https://m.facebook.com/CongDoanABC/?ref=x' -> 'https://www.facebook.com/CongDoanABC'.

    Also accepts profile.php?id=…, /pages/<name>/<id>, /p/<name>-<id> and /people/<name>/<id>.
    Raises ValidationError for anything that is not a Facebook address.
    """
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter the Page's address, e.g. facebook.com/congdoancoso."), code="required")
    if not re.match(r"^[a-z]+://", text, re.IGNORECASE):
        text = "https://" + text
    parsed = split_address(text, typed=raw, split=urlparse)
    host = (parsed.hostname or "").lower()
    if host not in _FACEBOOK_HOSTS:
        raise ValidationError(
            _("“%(value)s” is not a Facebook Page address. Copy it from the Page, e.g. facebook.com/congdoancoso.")
            % {"value": raw.strip()},
            code="not_facebook",
        )
    parts = [p for p in parsed.path.split("/") if p]
    if parts and parts[0].lower() == "profile.php":
        page_id = (parse_qs(parsed.query).get("id") or [""])[0]
        if page_id.isdigit():
            return f"https://www.facebook.com/profile.php?id={page_id}"
    elif len(parts) >= 3 and parts[0].lower() in ("pages", "people") and parts[2].isdigit():
        return f"https://www.facebook.com/{parts[2]}"
    elif len(parts) >= 2 and parts[0].lower() == "p":
        tail = parts[1].rsplit("-", 1)[-1]
        if tail.isdigit():
            return f"https://www.facebook.com/{tail}"
    elif parts and parts[0].lower() not in _RESERVED and _HANDLE.match(parts[0]):
        return f"https://www.facebook.com/{parts[0]}"
    raise ValidationError(
        _("“%(value)s” does not point to a Facebook Page. Open the Page and copy its address.") % {"value": raw.strip()},
        code="not_a_page",
    )


def page_key(url):
    """A case-insensitive key for uniqueness: Facebook handles ignore case."""
    return url.lower()
