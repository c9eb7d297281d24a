"""A pasted post link, checked before it credits a share (as an officer's "we posted" link is): a
real post's address, on the unit's own Page when the link names a Page. A post credits one share
only (`Share`'s constraint, enforced by `services.share_record`).

Shared with the phone page's "Đã chia sẻ" and the API (the daily part may keep its own copy)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from loa.core.facebook import page_key, page_url
from loa.fanpages import selectors as fanpages

if TYPE_CHECKING:
    from loa.units.models import Unit


def check_post_link(unit: Unit, url: str) -> tuple[str, str]:
    """(the post's key, the link as stored) of `url`, a post on `unit`'s Page; raises a
    ValidationError in Vietnamese otherwise."""
    key, link = fanpages.post_from_link(url)
    page = fanpages.page_of(unit)
    if page is None or not page.url:
        raise ValidationError(
            _("This unit has no Page registered in Loa: register it, or mark the item shared without a link."),
            code="no_page",
        )
    # A Page named by its id on one side and by its handle on the other cannot be compared here.
    try:
        named = page_url(link)
    except ValidationError:
        named = ""  # the link names no Page (/share/p/…, permalink.php?story_fbid=…&id=…): its id is checked
    by_id = [u.rsplit("/", 1)[-1].isdigit() or "profile.php" in u for u in (named, page.url)]
    if named and not any(by_id) and page_key(named) != page_key(page.url):
        raise ValidationError(
            _("This post is on another Page (%(other)s), not on the unit's Page (%(page)s).")
            % {"other": named, "page": page.url},
            code="other_page",
        )
    return key, link
