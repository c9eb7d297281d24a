"""Writes to the items to share and the shares: keyword-only, validating, atomic, audited."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.audit.log import log_action
from loa.core import versions
from loa.core.images import reencode_image
from loa.sharing import tally
from loa.sharing.models import Item, Share

if TYPE_CHECKING:
    from loa.accounts.models import User
    from loa.units.models import Unit, UnitKind

ITEM_FIELDS = ("title", "text", "url", "starts_on", "ends_on")
# The longest an item stays active: a year (a longer span is a typing error).
MAX_ACTIVE_DAYS = 366
SCHEMES = ("http", "https")


def _check_days(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The last day must not be before the first day.")})
    if (ends_on - starts_on).days >= MAX_ACTIVE_DAYS:
        raise ValidationError({"ends_on": _("An item is active for at most %(n)s days.") % {"n": MAX_ACTIVE_DAYS}})


def _check_url(url: str) -> None:
    """A web page's address: http or https only (never javascript:, data:, ftp:…)."""
    scheme = (url or "").split(":", 1)[0].strip().lower()
    if scheme not in SCHEMES:
        raise ValidationError({"url": _("Enter a web address starting with http:// or https://.")})


def _check_units(unit: Unit, units: list[Unit] | None) -> None:
    outside = [u for u in units or [] if not u.path.startswith(unit.path)]
    if outside:
        raise ValidationError(
            {"units": _("“%(unit)s” is not under “%(parent)s”.") % {"unit": outside[0].name, "parent": unit.name}}
        )


def _store_image(item: Item, upload: File) -> None:
    """Re-encode an uploaded picture (refused in Vietnamese when it is none, too big, or a bomb) and
    keep it under a generated name through the storage API."""
    picture = reencode_image(upload, max_bytes=settings.UPLOAD_MAX_BYTES)
    old = item.image.name if item.image else ""
    item.image.save(picture.file.name, picture.file, save=False)
    if old:
        item.image.storage.delete(old)


def _lock_unit(unit: Unit, *, root: bool = False) -> None:
    """Serialise the writes that check for a duplicate item of `unit` (a double submit, two tabs);
    `root`: of any unit of its tree (a publication is made an item once, whoever curates it)."""
    from loa.units.models import Unit as UnitModel

    pk = int(unit.path.strip("/").split("/")[0]) if root else unit.pk
    UnitModel.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True).first()


def duplicate_of(
    *,
    unit: Unit,
    url: str,
    starts_on: date,
    ends_on: date,
    kinds: list[UnitKind] | None = None,
    units: list[Unit] | None = None,
    exclude: int | None = None,
) -> Item | None:
    """A live item of `unit` with the same link and the same audience whose days overlap: a second
    one would ask the same units the same thing twice (a double submit, or a link pasted again)."""
    qs = (
        Item.objects.filter(unit=unit, url=url, starts_on__lte=ends_on, ends_on__gte=starts_on)
        .exclude(status=Item.Status.RETIRED)
        .prefetch_related("audience_kinds", "audience_units")
        .order_by("id")
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    wanted = ({k.pk for k in kinds or []}, {u.pk for u in units or []})
    for item in qs[:50]:
        if ({k.pk for k in item.audience_kinds.all()}, {u.pk for u in item.audience_units.all()}) == wanted:
            return item
    return None


class DuplicateItem(ValidationError):
    """The item exists already (`existing`): the page links to it."""

    def __init__(self, message: str, existing: Item) -> None:
        super().__init__(message, code="duplicate")
        self.existing = existing


@transaction.atomic
def item_create(
    *,
    by: User | None,
    unit: Unit,
    title: str,
    url: str,
    starts_on: date,
    ends_on: date,
    text: str = "",
    kinds: list[UnitKind] | None = None,
    units: list[Unit] | None = None,
    source: str = Item.Source.MANUAL,
    status: str = Item.Status.ACTIVE,
    image: File | None = None,
    **extra: Any,
) -> Item:
    """An item curated by `unit`, asked of its subtree (or of the chosen kinds and units in it).

    Refused (DuplicateItem) when the same publication is already an item, or when `unit` has a live
    item with the same link over overlapping days (a double submit creates one item)."""
    _check_days(starts_on, ends_on)
    _check_url(url)
    _check_units(unit, units)
    publication = extra.get("publication")
    _lock_unit(unit, root=publication is not None)
    if publication is not None:
        existing = Item.objects.filter(publication=publication).order_by("id").first()
        if existing is not None:
            raise DuplicateItem(_("This publication is already an item to share."), existing)
    existing = duplicate_of(unit=unit, url=url, starts_on=starts_on, ends_on=ends_on, kinds=kinds, units=units)
    if existing is not None:
        raise DuplicateItem(_("This link is already an item of this unit for the same units and days."), existing)
    item = Item(
        unit=unit,
        unit_path=unit.path,
        title=title,
        text=text,
        url=url,
        starts_on=starts_on,
        ends_on=ends_on,
        source=source,
        status=status,
        created_by=by,
        **extra,
    )
    item.full_clean(exclude=["unit_path", "image"])
    if image is not None:
        _store_image(item, image)
    item.save()
    if kinds:
        item.audience_kinds.set(kinds)
    if units:
        item.audience_units.set(units)
    log_action(
        "sharing.item.created", actor=by, obj=item, unit=unit, after={"title": title, "url": url, **_audience(item)}
    )
    return item


def _stale_message(item: Item) -> str:
    return _(
        "Someone (another editor, or you in another window) changed this item while you were working on it: "
        "it is now at version %(version)s. Nothing of yours was saved: look at the changes, then apply yours again."
    ) % {"version": item.version}


def _audience(item: Item) -> dict[str, Any]:
    return {
        "kinds": sorted(k.name for k in item.audience_kinds.all()),
        "units": sorted(u.name for u in item.audience_units.all()),
    }


def _snapshot(item: Item) -> dict[str, Any]:
    return {
        **{name: str(getattr(item, name)) for name in ITEM_FIELDS},
        "image": bool(item.image),
        **_audience(item),
    }


@transaction.atomic
def item_update(
    *,
    by: User | None,
    item: Item,
    expected_version: int | None,
    kinds: list[UnitKind] | None = None,
    units: list[Unit] | None = None,
    image: File | None = None,
    remove_image: bool = False,
    **fields: Any,
) -> Item:
    """Change an item's title, text, link, days, audience or image, against the version the page
    showed. A second submit of the very same change (a double tap) finds it saved and changes
    nothing; any other change made meanwhile refuses this one (StaleVersion)."""
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"item_update() got unknown fields: {sorted(unknown)}")
    current = versions.lock(Item.objects.select_related("unit"), None, pk=item.pk)
    if current.status == Item.Status.RETIRED:
        raise ValidationError(_("This item is retired: it can no longer be changed."), code="retired")
    before = _snapshot(current)
    wanted_kinds = {k.pk for k in kinds or []}
    wanted_units = {u.pk for u in units or []}
    same = (
        all(getattr(current, name) == value for name, value in fields.items())
        and wanted_kinds == {k.pk for k in current.audience_kinds.all()}
        and wanted_units == {u.pk for u in current.audience_units.all()}
        and image is None
        and not remove_image
    )
    if same and versions.parse(expected_version) is not None:
        return current  # nothing to change: the same form sent twice, or saved as it was
    versions.check(current, expected_version, message=_stale_message(current))
    for name, value in fields.items():
        setattr(current, name, value)
    _check_days(current.starts_on, current.ends_on)
    _check_url(current.url)
    _check_units(current.unit, units)
    existing = duplicate_of(
        unit=current.unit,
        url=current.url,
        starts_on=current.starts_on,
        ends_on=current.ends_on,
        kinds=kinds,
        units=units,
        exclude=current.pk,
    )
    if existing is not None:
        raise DuplicateItem(_("This link is already an item of this unit for the same units and days."), existing)
    current.full_clean(exclude=["unit_path", "image"])
    if remove_image and current.image:
        current.image.delete(save=False)
    if image is not None:
        _store_image(current, image)
    versions.bump(current)
    current.save()
    current.audience_kinds.set(kinds or [])
    current.audience_units.set(units or [])
    # The prefetch cache (if any) now lies: read the audience again for the log.
    current = Item.objects.prefetch_related("audience_kinds", "audience_units").get(pk=current.pk)
    log_action(
        "sharing.item.updated", actor=by, obj=current, unit=current.unit, before=before, after=_snapshot(current)
    )
    return current


@transaction.atomic
def item_retire(*, by: User | None, item: Item, expected_version: int | None = None) -> Item:
    """Stop asking for an item (its shares and figures stay). Retiring a retired item changes
    nothing (a second tap), whatever version it names."""
    item = versions.lock(Item.objects.all(), None, pk=item.pk)
    if item.status == Item.Status.RETIRED:
        return item
    versions.check(item, expected_version, message=_stale_message(item))
    item.status, item.retired_at = Item.Status.RETIRED, timezone.now()
    versions.bump(item)
    item.save()
    log_action("sharing.item.retired", actor=by, obj=item, unit=item.unit)
    return item


def on_time(asked_on: date | None, shared_at: datetime) -> bool:
    """Shared within SHARING_ON_TIME_DAYS of being asked (an item not asked yet is on time)."""
    if asked_on is None:
        return True
    return timezone.localdate(shared_at) <= asked_on + timedelta(days=settings.SHARING_ON_TIME_DAYS)


@transaction.atomic
def share_record(
    *,
    by: User | None,
    item: Item,
    unit: Unit,
    kind: str,
    post_url: str = "",
    post_key: str = "",
    post_id: int | None = None,
    at: datetime | None = None,
) -> Share:
    """Record that `unit` shared `item`, once: a second record of the same share is refused (the
    first stands), and the figures count it once."""
    at = at or timezone.now()
    share = Share(
        item=item,
        unit=unit,
        unit_path=unit.path,
        kind=kind,
        post_url=post_url,
        post_key=post_key,
        post_id=post_id,
        shared_at=at,
        on_time=on_time(item.asked_on, at),
        by=by,
    )
    try:
        with transaction.atomic():
            share.save()
    except IntegrityError as exc:
        if Share.objects.filter(item=item, unit=unit).exists():
            raise ValidationError(_("This unit has already shared this item."), code="already_shared") from exc
        raise ValidationError(
            _("This post is already recorded for another item: paste the link of the post that shares this one."),
            code="post_used",
        ) from exc
    tally.record_share(
        unit_path=unit.path,
        asked_on=item.asked_on or timezone.localdate(at),
        on_time=share.on_time,
        declared=kind == Share.Kind.DECLARED,
    )
    log_action("sharing.shared", actor=by, obj=item, unit=unit, after={"kind": kind, "post": post_url})
    return share
