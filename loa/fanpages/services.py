"""Writes to the Fanpage register."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from loa.audit.log import log_action
from loa.core import versions
from loa.core.facebook import page_key, page_url
from loa.core.phones import main_and_others
from loa.fanpages.models import Fanpage, FanpageVersion, FollowerSnapshot, GraphLink, Post, PostingDay, PostingYear

if TYPE_CHECKING:
    from loa.accounts.models import User
    from loa.units.models import Unit

FIELDS = ("name", "url", "admin_name", "admin_phone", "other_phones", "note")


@dataclass(frozen=True)
class SyncedPost:
    """A post the Graph sync read from a unit's Page (stored as `Post` by then), with what it says."""

    fanpage_id: int
    unit_id: int
    key: str  # Post.post_key
    posted_at: datetime
    permalink: str
    text: str = ""
    links: tuple[str, ...] = ()  # the addresses of its attachments


# Sent by the Graph sync once its posts are stored, with `posts=[SyncedPost]` (the posts that say
# something: a message or an attachment), new or read again: another area may credit what they
# carry (loa/sharing/credit.py) and must not count a post twice. A receiver's error is logged, and
# never stops the sync.
posts_synced = Signal()


def _one_line(value: str | None) -> str:
    return " ".join((value or "").split())


def clean_page_data(data: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise the form's five columns plus the Page's address; errors keyed by field.

    The address is optional (the official form has no column for it: it can be added later). The
    phone cell may hold several numbers: the first is the administrator's, the others are kept in
    "other_phones" (a key present only when there are some). With "no_page", the unit says it has no
    Page yet and only the note, which says why, is needed."""
    note = (data.get("note") or "").strip()
    if data.get("no_page"):
        if not note:
            raise ValidationError({"note": [_("Say why the unit has no Page yet (e.g. it is being set up).")]})
        return {"name": "", "url": "", "admin_name": "", "admin_phone": "", "note": note, "no_page": True}
    errors, clean = {}, {}
    clean["name"] = _one_line(data.get("name"))
    if not clean["name"]:
        errors["name"] = [_("Enter the Page's exact name.")]
    clean["url"] = ""
    if (data.get("url") or "").strip():
        try:
            clean["url"] = page_url(data.get("url"))
        except ValidationError as exc:
            errors["url"] = exc.messages
    clean["admin_name"] = _one_line(data.get("admin_name"))
    if not clean["admin_name"]:
        errors["admin_name"] = [_("Enter the administrator's full name.")]
    raw_phone = "; ".join(
        filter(None, [(data.get("admin_phone") or "").strip(), (data.get("other_phones") or "").strip()])
    )
    if not raw_phone:
        errors["admin_phone"] = [_("Enter the administrator's phone number.")]
    else:
        try:
            clean["admin_phone"], others = main_and_others(raw_phone)
        except ValidationError as exc:
            errors["admin_phone"] = exc.messages
        else:
            if others:
                clean["other_phones"] = others
    clean["note"] = note
    if errors:
        raise ValidationError(errors)
    return clean


def page_owner_clash(unit: Unit, url: str) -> Fanpage | None:
    """The other unit that already registered this Page, if any."""
    if not url:
        return None
    return Fanpage.objects.filter(url_key=page_key(url)).exclude(unit=unit).select_related("unit").first()


def page_is_correctable(page: Fanpage) -> bool:
    """Whether a different address may simply correct `page` (a typo just filed), without the
    deliberate "replace": the Page came from a report and nothing has been recorded against it yet
    (no posts, posting days, followers, nor a Graph connection; Likes are declared for the unit
    and scores are computed from these, so neither belongs to the Page's address)."""
    if page is None or page.versions.exclude(source="report").exists():
        return False
    return not any(
        related.filter(fanpage=page).exists()
        for related in (
            Post.objects,
            PostingDay.objects,
            PostingYear.objects,
            FollowerSnapshot.objects,
            GraphLink.objects,
        )
    )


@transaction.atomic
def register_page(*, by: User | None, unit: Unit, data: dict[str, Any], source: str, replace: bool = False) -> Fanpage:
    """Record a unit's Page from its report. A unit has one Page: a different address replaces it
    only when `replace` is set, and the old one stays in the history; a Page reported and not yet
    used (`page_is_correctable`) is corrected without it. A report without the address keeps the one
    registered, or registers the Page without one (to be added later)."""
    clean = clean_page_data(data)
    _refuse_clash(unit, clean["url"])
    page = Fanpage.objects.select_for_update().filter(unit=unit).first()
    if page and not clean["url"]:
        # A report without the address is about the unit's one Page: the address registered stays.
        clean["url"] = page.url
    if (
        page
        and page.url
        and page_key(page.url) != page_key(clean["url"])
        and not replace
        and not page_is_correctable(page)
    ):
        raise ValidationError(
            {
                "url": [
                    _(
                        "Your unit already has the Page “%(name)s” (%(url)s). Each CĐCS sets up only one Page: "
                        "tick “Replace the registered Page” to report a new one."
                    )
                    % {"name": page.name, "url": page.url}
                ]
            }
        )
    before = {f: getattr(page, f) for f in FIELDS} if page else None
    if page is None:
        page = Fanpage(unit=unit)
    for field in FIELDS:
        setattr(page, field, clean.get(field, ""))
    page.url_key = page_key(clean["url"]) or None  # many Pages may still lack their address
    _save_with_history(
        page, by=by, source=source, before=before, action="fanpage.registered" if before is None else "fanpage.changed"
    )
    return page


def _refuse_clash(unit: Unit, url: str) -> None:
    other = page_owner_clash(unit, url)
    if other:
        raise ValidationError(
            {
                "url": [
                    _("This Page is already registered by “%(unit)s”. Each CĐCS reports its own Page.")
                    % {"unit": other.unit.name}
                ]
            }
        )


def _save_with_history(
    page: Fanpage, *, by: User | None, source: str, before: dict[str, Any] | None, action: str
) -> None:
    """Save `page`; when its values changed, raise its version, keep the new values in its history
    and write the audit entry."""
    after = {f: getattr(page, f) for f in FIELDS}
    if after == before:
        page.save()
        return
    if before is not None:
        versions.bump(page)
    page.save()
    FanpageVersion.objects.create(
        fanpage=page, data=after, source=source, changed_by=by if getattr(by, "pk", None) else None
    )
    log_action(action, actor=by, obj=page, unit=page.unit, before=before, after=after)


@transaction.atomic
def set_page_address(*, by: User | None, unit: Unit, url: str, expected_version: int | None) -> Fanpage:
    """Add or correct the address of the unit's registered Page (a report may record the Page without
    it): by the unit's officer or staff above it. Refused when the Page changed since the form was
    opened (StaleVersion), or when another unit registered that Page."""
    page = versions.lock(Fanpage.objects.select_related("unit"), expected_version, unit=unit)
    if not (url or "").strip():
        raise ValidationError({"url": [_("Enter the Page's address, e.g. facebook.com/congdoan…")]})
    try:
        clean = page_url(url)
    except ValidationError as exc:
        raise ValidationError({"url": exc.messages}) from exc
    _refuse_clash(unit, clean)
    before = {f: getattr(page, f) for f in FIELDS}
    page.url, page.url_key = clean, page_key(clean)
    _save_with_history(page, by=by, source="address", before=before, action="fanpage.address.set")
    return page


@transaction.atomic
def page_carry_over(*, by: User | None, page: Fanpage, unit: Unit) -> Fanpage:
    """A merge or split gives `page` to `unit` (which has none): its posts, followers and history go
    with it. The unit it leaves is closed and keeps its Like declarations under its own name."""
    if Fanpage.objects.filter(unit=unit).exists():
        raise ValidationError(_("“%(unit)s” already has a Fanpage.") % {"unit": unit.name})
    page = versions.lock(Fanpage.objects.select_related("unit"), None, pk=page.pk)
    old_unit = page.unit
    page.unit = unit
    versions.bump(page)
    page.save()
    log_action(
        "fanpage.carried_over", actor=by, obj=page, unit=unit, before={"unit": old_unit.name}, after={"unit": unit.name}
    )
    return page


# --- A post another area credits (the sharing area's "Đã chia sẻ" with the post's link) ----------


def check_post_link(*, unit: Unit, link: str) -> tuple[Fanpage, str, str]:
    """(the unit's Page, the post's key, the cleaned link) for a link an officer pasted, checked as for
    posts: a real post's address, on the unit's registered Page when the link names its Page.
    Raises ValidationError (in Vietnamese) otherwise."""
    from loa.core.facebook import page_names, post_page
    from loa.fanpages import posts

    fanpage = Fanpage.objects.filter(unit=unit).select_related("graph").first()
    if fanpage is None:
        raise ValidationError(
            _("Register the unit's Fanpage first (the Fanpage report), or mark it shared without the link."),
            code="no_page",
        )
    key = posts.key_from_link(link)
    named = post_page(link)
    if named:
        mine = page_names(fanpage.url)
        graph = getattr(fanpage, "graph", None)  # None without a Graph link
        if graph is not None and graph.page_id:
            mine.add(graph.page_id)
        if mine and named not in mine:
            raise ValidationError(
                _("This post is on another Page, not on the unit's Page (%(page)s).") % {"page": fanpage.url},
                code="other_page",
            )
    return fanpage, key, posts.clean_link(link)


def record_post_link(*, by: User | None, fanpage: Fanpage, key: str, link: str, at: Any) -> tuple[Post, bool]:
    """Record the post `key` of `fanpage` (posted at `at`, an aware datetime) through `record_posts`, so
    its day counts as a posting day, once. (the Post, whether it was new)."""
    from loa.fanpages import posts

    added = posts.record_posts(
        fanpage=fanpage, posts=[posts.IncomingPost(key, at, link)], source=Post.Source.HAND, by=by
    )
    return Post.objects.get(fanpage=fanpage, post_key=key), bool(added)
