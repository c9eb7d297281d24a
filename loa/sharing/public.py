"""The public face of an upper unit's items: a page without login and its RSS 2.0, Atom and JSON
Feed (https://jsonfeed.org/version/1.1) documents, so that websites and readers can follow them.

Only what an item publishes goes out: its title, text, link, image and first day, and the curating
unit's public name. Never who curated it, which units were asked, who shared it, or any count.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import feedgenerator, timezone

from loa.sharing.models import Item
from loa.sharing.selectors import active_q
from loa.units.models import Unit

LIMIT = 50  # items in the page and the feeds, newest first
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean(value: str) -> str:
    """Characters XML 1.0 cannot carry taken out (escaping is the feed writer's)."""
    return _CONTROL.sub("", value or "")


_SAFE_CODE = re.compile(r"^[A-Za-z0-9._-]{1,40}$")


def public_key(unit: Unit) -> str:
    """The unit's part of the public addresses: its code when it fits in a URL as it is, else its id."""
    return unit.code if _SAFE_CODE.match(unit.code) else str(unit.pk)


def public_unit_or_404(key: str) -> Unit:
    """An upper unit by its code (or its id): a grassroots union or an inactive unit has no public feed."""
    if not _SAFE_CODE.match(key):  # public_key gives nothing else: no lookup of a hostile address
        raise Http404
    units = Unit.objects.select_related("kind").filter(kind__is_grassroots=False)
    unit = units.filter(code=key).first()
    if unit is None and key.isdigit() and len(key) < 12:
        unit = units.filter(pk=int(key)).first()
    if unit is None or not unit.is_active(timezone.localdate()):
        raise Http404
    return unit


def public_items(unit: Unit, day: date | None = None) -> QuerySet[Item]:
    """The unit's own items active today, newest first: one query."""
    day = day or timezone.localdate()
    return (
        Item.objects.filter(active_q(day), unit=unit)
        .only("id", "title", "text", "url", "image", "starts_on", "updated_at")
        .order_by("-starts_on", "-id")[:LIMIT]
    )


def image_url(request: HttpRequest, item: Item) -> str:
    """The absolute address of an item's image through `sharing:item_image`, or "" when it has none
    (or when that view is not installed)."""
    if not item.image:
        return ""
    try:
        return request.build_absolute_uri(reverse("sharing:item_image", args=[item.pk]))
    except NoReverseMatch:
        return ""


@dataclass
class PublicItem:
    id: int
    title: str
    text: str
    url: str
    image: str
    image_type: str
    starts_on: date
    published: datetime
    updated: datetime


def entries(request: HttpRequest, items: list[Item]) -> list[PublicItem]:
    tz = timezone.get_current_timezone()
    return [
        PublicItem(
            id=item.pk,
            title=clean(item.title),
            text=clean(item.text),
            url=item.url,
            image=image_url(request, item),
            image_type=mimetypes.guess_type(item.image.name or "")[0] or "image/jpeg",
            starts_on=item.starts_on,
            published=datetime.combine(item.starts_on, time(0), tzinfo=tz),
            updated=item.updated_at,
        )
        for item in items
    ]


def _guid(request: HttpRequest, unit: Unit, entry: PublicItem) -> str:
    return f"{request.build_absolute_uri(reverse('sharing:public', args=[public_key(unit)]))}#item-{entry.id}"


def _syndication(
    cls: type[feedgenerator.SyndicationFeed], request: HttpRequest, unit: Unit, rows: list[PublicItem]
) -> str:
    page = request.build_absolute_uri(reverse("sharing:public", args=[public_key(unit)]))
    feed = cls(
        title=clean(unit.name),
        link=page,
        description=clean(unit.name),
        language="vi",
        feed_url=request.build_absolute_uri(),
        feed_guid=page,
    )
    for row in rows:
        enclosures = []
        if row.image:
            enclosures.append(feedgenerator.Enclosure(row.image, "0", row.image_type))
        feed.add_item(
            title=row.title,
            link=row.url,
            description=row.text,
            unique_id=_guid(request, unit, row),
            unique_id_is_permalink=False,
            pubdate=row.published,
            updateddate=row.updated,
            enclosures=enclosures,
        )
    return feed.writeString("utf-8")


def rss(request: HttpRequest, unit: Unit, rows: list[PublicItem]) -> str:
    return _syndication(feedgenerator.Rss201rev2Feed, request, unit, rows)


def atom(request: HttpRequest, unit: Unit, rows: list[PublicItem]) -> str:
    return _syndication(feedgenerator.Atom1Feed, request, unit, rows)


def json_feed(request: HttpRequest, unit: Unit, rows: list[PublicItem]) -> str:
    page = request.build_absolute_uri(reverse("sharing:public", args=[public_key(unit)]))
    items: list[dict[str, Any]] = []
    for row in rows:
        item: dict[str, Any] = {
            "id": _guid(request, unit, row),
            "url": row.url,
            "title": row.title,
            "content_text": row.text or row.title,
            "date_published": row.published.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "date_modified": row.updated.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        }
        if row.image:
            item["image"] = row.image
        items.append(item)
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": clean(unit.name),
        "home_page_url": page,
        "feed_url": request.build_absolute_uri(),
        "language": "vi",
        "items": items,
    }
    return json.dumps(document, ensure_ascii=False)


def etag_of(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
