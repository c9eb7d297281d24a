"""/api/v1/sharing: official information to share every day (docs/sharing.md).

- items: list the items curated by or for the units in reach, create one (editors and admins of the
  curating unit: Capability.REVIEW_ARTICLES, as for publishing articles), retire one;
- a unit's list for a day (`selectors.items_for`), and marking an item shared, declared or with the
  post's link (checked by `daily.mark_shared`, as on the phone page): the unit's officers (REPORT_FOR_UNIT);
- share rates of a unit (against its parent's and the root's) and of each child of a unit, per year
  or month, from the monthly tallies; an item's shares (paged) and the clicks they brought.

A unit or item the user cannot view answers 404; one they can view but not act for, 403.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from loa.accounts.capabilities import Capability
from loa.accounts.scope import can, get_unit_or_404, path_q, role_paths
from loa.api.errors import READ, WRITE, Forbidden, answers
from loa.api.pagination import Pages
from loa.api.types import AuthedRequest, Day, Id, In, Whole, Year
from loa.api.versions import OPTIONAL_VERSION, Version, responses, versioned_write
from loa.sharing import daily, selectors, services
from loa.sharing.models import Item, Share
from loa.units.models import Unit, UnitKind
from loa.units.rollup_moves import path_ids

router = Router(tags=["sharing"])

# A month of the year (1–12); the whole year when left out.
Month = Annotated[Whole, Field(ge=1, le=12)]


class SharingItemOut(Schema):
    id: int
    unit_id: int
    title: str
    text: str
    url: str
    source: str
    status: str
    starts_on: date
    ends_on: date
    asked_on: date | None
    audience_kind_ids: list[int]
    audience_unit_ids: list[int]
    version: int


class SharingItemIn(In):
    unit_id: Id
    title: str = Field(..., min_length=1, max_length=200)
    url: str = Field(..., min_length=1, max_length=500)
    text: str = Field("", max_length=2000)
    starts_on: Day
    ends_on: Day
    audience_kind_ids: list[Id] = Field(default_factory=list, max_length=100)
    audience_unit_ids: list[Id] = Field(default_factory=list, max_length=1000)


class SharingRetireIn(In):
    version: Version | None = OPTIONAL_VERSION


class SharingShareOut(Schema):
    item_id: int
    unit_id: int
    kind: str
    post_url: str
    shared_at: datetime
    on_time: bool


class SharingTodayOut(Schema):
    item: SharingItemOut
    share: SharingShareOut | None


class SharingShareIn(In):
    post_url: str = Field(
        "", max_length=500, description="The link of the post that shares the item; empty: declared without a link."
    )


class SharingFiguresOut(Schema):
    unit_id: int | None
    name: str
    asked: int
    shared: int
    on_time: int
    declared: int
    clicks: int
    rate: float | None = Field(..., description="Shared on time of the items asked (0–1); null when none asked.")
    rate_overall: float | None = Field(..., description="Shared at all of the items asked (0–1).")


class SharingUnitRatesOut(Schema):
    year: int
    month: int | None
    unit: SharingFiguresOut
    averages: list[SharingFiguresOut] = Field(
        ..., description="The parent's and the root's figures, each for its subtree."
    )


class SharingChildrenRatesOut(Schema):
    year: int
    month: int | None
    total: SharingFiguresOut
    own: SharingFiguresOut
    children: list[SharingFiguresOut]


class SharingItemShareOut(SharingShareOut):
    unit_name: str
    days: int | None = Field(..., description="Days from being asked to the share.")
    clicks: int


class SharingClicksOut(Schema):
    shared: int
    on_time: int
    declared: int
    clicks: int
    units: list[dict[str, Any]] = Field(..., description="The units whose shares brought the most readers.")


def _item_out(item: Item) -> dict[str, Any]:
    return {
        "id": item.pk,
        "unit_id": item.unit_id,
        "title": item.title,
        "text": item.text,
        "url": item.url,
        "source": item.source,
        "status": item.status,
        "starts_on": item.starts_on,
        "ends_on": item.ends_on,
        "asked_on": item.asked_on,
        "audience_kind_ids": [k.pk for k in item.audience_kinds.all()],
        "audience_unit_ids": [u.pk for u in item.audience_units.all()],
        "version": item.version,
    }


def _share_out(share: Share) -> dict[str, Any]:
    return {
        "item_id": share.item_id,
        "unit_id": share.unit_id,
        "kind": share.kind,
        "post_url": share.post_url,
        "shared_at": share.shared_at,
        "on_time": share.on_time,
    }


def _figures_out(f: selectors.Figures, name: str | None = None) -> dict[str, Any]:
    return {
        "unit_id": f.unit.pk if f.unit else None,
        "name": name or (f.unit.name if f.unit else ""),
        "asked": f.asked,
        "shared": f.shared,
        "on_time": f.on_time,
        "declared": f.declared,
        "clicks": f.clicks,
        "rate": f.rate,
        "rate_overall": f.rate_overall,
    }


def _visible_items_q(request: AuthedRequest) -> Q:
    """Items curated by a unit in reach, or by a unit above one (asked of the units in reach)."""
    paths = role_paths(request.user, Capability.VIEW)
    above = {i for p in paths if p != "/" for i in path_ids(p)}
    return path_q(request.user, Capability.VIEW, field="unit_path") | Q(unit_id__in=above)


def _item(request: AuthedRequest, item_id: int) -> Item:
    item = (
        Item.objects.filter(_visible_items_q(request), pk=item_id)
        .select_related("unit")
        .prefetch_related("audience_kinds", "audience_units")
        .first()
    )
    if item is None:
        raise Http404
    return item


def _year(year: int | None) -> int:
    today = timezone.localdate()
    year = year or today.year
    if year > today.year:
        raise Http404
    return year


@router.get("/items", response=answers(list[SharingItemOut], *READ), summary="Items to share, newest first")
@paginate(Pages)
def list_items(
    request: AuthedRequest,
    unit_id: Id | None = None,
    status: Literal["pending", "active", "retired"] | None = None,
) -> Any:
    qs = Item.objects.filter(_visible_items_q(request)).prefetch_related("audience_kinds", "audience_units")
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if status:
        qs = qs.filter(status=status)
    return _ItemPage(qs.order_by("-starts_on", "-id"))


class _ItemPage:
    """A queryset whose slices come out as SharingItemOut dicts (the pagination slices, then serialises)."""

    def __init__(self, qs: QuerySet[Item]) -> None:
        self.qs = qs

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        return [_item_out(i) for i in self.qs[key]]


@router.post("/items", response=answers({201: SharingItemOut}, *WRITE), summary="Curate an item to share")
def create_item(request: AuthedRequest, payload: SharingItemIn) -> Status:
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=payload.unit_id)
    if not can(request.user, Capability.REVIEW_ARTICLES, unit):
        raise Forbidden(_("Only the editors and admins of the unit curate its items to share."))
    kinds = list(UnitKind.objects.filter(pk__in=payload.audience_kind_ids))
    if len(kinds) != len(set(payload.audience_kind_ids)):
        raise ValidationError({"audience_kind_ids": _("Some of these unit kinds do not exist.")})
    units = list(Unit.objects.filter(pk__in=payload.audience_unit_ids))
    if len(units) != len(set(payload.audience_unit_ids)):
        raise ValidationError({"audience_unit_ids": _("Some of these units do not exist.")})
    item = services.item_create(
        by=request.user,
        unit=unit,
        title=payload.title,
        url=payload.url,
        text=payload.text,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        kinds=kinds,
        units=units,
    )
    return Status(201, _item_out(_item(request, item.pk)))


@router.get("/items/{int:item_id}", response=answers(SharingItemOut, *READ), summary="An item to share")
def get_item(request: AuthedRequest, item_id: Id) -> dict[str, Any]:
    return _item_out(_item(request, item_id))


@router.post("/items/{int:item_id}/retire", response=responses(SharingItemOut), summary="Stop asking for an item")
def retire_item(request: AuthedRequest, item_id: Id, payload: SharingRetireIn) -> Status:
    item = _item(request, item_id)
    if not can(request.user, Capability.REVIEW_ARTICLES, item.unit):
        raise Forbidden(_("Only the editors and admins of the unit curate its items to share."))
    return versioned_write(
        payload.version,
        lambda version: services.item_retire(by=request.user, item=item, expected_version=version),
        lambda it: _item_out(_item(request, it.pk)),
        required=False,
    )


@router.get(
    "/units/{int:unit_id}/items",
    response=answers(list[SharingTodayOut], *READ),
    summary="A unit's items to share on a day",
)
def unit_items(request: AuthedRequest, unit_id: Id, day: Day | None = None) -> list[dict[str, Any]]:
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)
    items = selectors.items_for(unit, day or timezone.localdate())
    return [
        {"item": _item_out(i), "share": _share_out(i.shared) if i.shared else None}  # type: ignore[attr-defined]
        for i in items
    ]


@router.post(
    "/units/{int:unit_id}/items/{int:item_id}/share",
    response=answers({201: SharingShareOut}, *WRITE),
    summary="Mark an item shared, with the post's link or declared",
)
def share_item(request: AuthedRequest, unit_id: Id, item_id: Id, payload: SharingShareIn) -> Status:
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)
    if not can(request.user, Capability.REPORT_FOR_UNIT, unit):
        raise Forbidden(_("Only the unit's officers mark its shares."))
    item = next((i for i in selectors.items_for(unit, timezone.localdate()) if i.pk == item_id), None)
    if item is None:
        if not Item.objects.filter(pk=item_id, unit_id__in=path_ids(unit.path)).exists():
            raise Http404
        raise ValidationError(_("This item is not asked of this unit today: it is over, retired or for others."))
    # The phone page's own write: the link checked as for posts and counted as a posting day.
    share = daily.mark_shared(by=request.user, item=item, unit=unit, post_link=payload.post_url or "")
    return Status(201, _share_out(share))


@router.get("/rates/units/{int:unit_id}", response=answers(SharingUnitRatesOut, *READ), summary="A unit's share rate")
def unit_rates(
    request: AuthedRequest, unit_id: Id, year: Year | None = None, month: Month | None = None
) -> dict[str, Any]:
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)
    year = _year(year)
    mine, *above = selectors.unit_comparison(unit, year, month)
    return {
        "year": year,
        "month": month,
        "unit": _figures_out(mine),
        "averages": [_figures_out(f) for f in above],
    }


@router.get(
    "/rates/units/{int:unit_id}/children",
    response=answers(SharingChildrenRatesOut, *READ),
    summary="The share rate of each child of a unit",
)
def children_rates(
    request: AuthedRequest,
    unit_id: Id,
    year: Year | None = None,
    month: Month | None = None,
    sort: Literal[
        "name", "-name", "rate", "-rate", "rate_overall", "-rate_overall", "asked", "-asked", "clicks", "-clicks"
    ] = "name",
) -> dict[str, Any]:
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)
    year = _year(year)
    total, own, rows = selectors.children_table(unit, year, month)
    rows, _sort = selectors.sort_rows(rows, sort)
    return {
        "year": year,
        "month": month,
        "total": _figures_out(total),
        "own": _figures_out(own),
        "children": [_figures_out(r) for r in rows],
    }


class _SharePage:
    """An item's shares, paged: the clicks of the page's units are read with the page (one query)."""

    def __init__(self, item: Item, qs: QuerySet[Share]) -> None:
        self.item, self.qs = item, qs

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        shares = list(self.qs[key])
        clicks = selectors.item_clicks(self.item, [s.unit_id for s in shares])
        asked = self.item.asked_on
        return [
            {
                **_share_out(s),
                "unit_name": s.unit.name,
                "days": max((timezone.localdate(s.shared_at) - asked).days, 0) if asked else None,
                "clicks": clicks.get(s.unit_id, 0),
            }
            for s in shares
        ]


@router.get(
    "/items/{int:item_id}/shares",
    response=answers(list[SharingItemShareOut], *READ),
    summary="Who shared an item, how fast, and the clicks each share brought",
)
@paginate(Pages)
def item_shares(request: AuthedRequest, item_id: Id) -> Any:
    item = _item(request, item_id)
    paths = role_paths(request.user, Capability.VIEW)
    return _SharePage(item, selectors.item_shares(item, paths))


@router.get(
    "/items/{int:item_id}/clicks",
    response=answers(SharingClicksOut, *READ),
    summary="The clicks an item's shares brought",
)
def item_clicks(request: AuthedRequest, item_id: Id) -> dict[str, Any]:
    item = _item(request, item_id)
    paths = role_paths(request.user, Capability.VIEW)
    readers = selectors.item_readers(item, paths)
    return {
        **selectors.item_summary(item, paths),
        "units": [
            {"unit_id": r["link__unit_id"], "name": r["link__unit__name"], "clicks": r["clicks"]} for r in readers
        ],
    }
