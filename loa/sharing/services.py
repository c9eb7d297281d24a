"""Writes to the items to share and the shares: keyword-only, validating, atomic, audited."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.audit.log import log_action
from loa.core import versions
from loa.sharing import tally
from loa.sharing.models import Item, Share

if TYPE_CHECKING:
    from loa.accounts.models import User
    from loa.units.models import Unit, UnitKind

ITEM_FIELDS = ("title", "text", "url", "starts_on", "ends_on")


def _check_days(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The last day must not be before the first day.")})


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
    **extra: Any,
) -> Item:
    """An item curated by `unit`, asked of its subtree (or of the chosen kinds and units in it)."""
    _check_days(starts_on, ends_on)
    outside = [u for u in units or [] if not u.path.startswith(unit.path)]
    if outside:
        raise ValidationError(
            {"units": _("“%(unit)s” is not under “%(parent)s”.") % {"unit": outside[0].name, "parent": unit.name}}
        )
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
    item.save()
    if kinds:
        item.audience_kinds.set(kinds)
    if units:
        item.audience_units.set(units)
    log_action("sharing.item.created", actor=by, obj=item, unit=unit, after={"title": title, "url": url})
    return item


@transaction.atomic
def item_retire(*, by: User | None, item: Item, expected_version: int | None = None) -> Item:
    """Stop asking for an item (its shares and figures stay)."""
    item = versions.lock(Item.objects.all(), expected_version, pk=item.pk)
    if item.status == Item.Status.RETIRED:
        return item
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
