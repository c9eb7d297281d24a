"""/api/v1/fanpages: posting compliance, posts, Like declarations and followers, with the pages' rules.

Reading needs Capability.VIEW on the unit; logging posts and declaring Likes REPORT_FOR_UNIT;
recording follower counts MANAGE_UNITS. A unit the user cannot view answers 404; one they can view
but not act for answers 403.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from loa.accounts.capabilities import Capability
from loa.accounts.scope import can, get_unit_or_404
from loa.api.errors import READ, WRITE, Forbidden, answers
from loa.api.types import AuthedRequest, Count, Day, Id, In, Year
from loa.fanpages import compliance, likes, posts
from loa.fanpages import followers as follower_data
from loa.fanpages.models import CampaignLink, Fanpage, FollowerSnapshot
from loa.units.models import Unit

router = Router(tags=["fanpages"])


class ComplianceOut(Schema):
    unit_id: int
    name: str
    has_page: bool
    period_start: date | None
    period_end: date | None
    posting_days: int
    period_days: int
    rate: float | None
    streak: int
    last_post_day: date | None


class UnitActivityOut(ComplianceOut):
    members_count: int
    declared_likes: int | None
    declared_on: date | None
    like_rate: float | None
    poster_scans: int
    posting_days_list: list[date]


class PostIn(In):
    link: str
    day: Day | None = None


class PostLoggedOut(Schema):
    day: date


class LikesIn(In):
    count: Count
    day: Day | None = None


class LikesOut(Schema):
    count: int
    day: date
    members_count: int


class SnapshotIn(In):
    day: Day
    followers: Count


class SnapshotOut(Schema):
    day: date
    followers: int
    source: str


def _out(item: compliance.UnitCompliance) -> dict[str, Any]:
    return {
        "unit_id": item.unit_id,
        "name": item.name,
        "has_page": item.fanpage_id is not None,
        "period_start": item.start,
        "period_end": item.end,
        "posting_days": item.posting_days,
        "period_days": item.period_days,
        "rate": item.rate,
        "streak": item.streak,
        "last_post_day": item.last_post_day,
    }


def _year(year: int | None) -> int:
    today = timezone.localdate()
    year = year or today.year
    if not 2000 <= year <= today.year:
        raise Http404
    return year


@router.get(
    "/compliance", response=answers(list[ComplianceOut], *READ), summary="Posting compliance of every unit in reach"
)
def list_compliance(request: AuthedRequest, year: Year | None = None) -> list[dict[str, Any]]:
    items = compliance.unit_compliance(user=request.user, capability=Capability.VIEW, year=_year(year))
    return [_out(i) for i in items]


@router.get("/units/{int:unit_id}", response=answers(UnitActivityOut, *READ), summary="A unit's posting and Likes")
def unit_activity(request: AuthedRequest, unit_id: Id, year: Year | None = None) -> dict[str, Any]:
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)
    year = _year(year)
    items = compliance.unit_compliance(user=request.user, capability=Capability.VIEW, year=year, extra_q=Q(pk=unit.pk))
    if not items:
        raise Http404
    item = items[0]
    declaration = likes.latest_declarations([unit.pk]).get(unit.pk)
    fanpage = Fanpage.objects.filter(unit=unit).first()
    link = CampaignLink.objects.filter(unit=unit).first()
    return {
        **_out(item),
        "members_count": unit.members_count,
        "declared_likes": declaration.count if declaration else None,
        "declared_on": declaration.day if declaration else None,
        "like_rate": likes.like_rate(declaration, unit.members_count),
        "poster_scans": link.scans if link else 0,
        "posting_days_list": sorted(compliance.heat_map(fanpage, year)),
    }


def _report_unit(request: AuthedRequest, unit_id: int) -> Unit:
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)
    if not can(request.user, Capability.REPORT_FOR_UNIT, unit):
        raise Forbidden(_("You may view this unit but not report for it."))
    return unit


@router.post(
    "/units/{int:unit_id}/posts", response=answers({201: PostLoggedOut}, *WRITE), summary="Log a post by its link"
)
def log_post(request: AuthedRequest, unit_id: Id, payload: PostIn) -> Status:
    unit = _report_unit(request, unit_id)
    fanpage = Fanpage.objects.filter(unit=unit).first()
    if fanpage is None:
        raise Http404
    day = posts.log_post(by=request.user, fanpage=fanpage, link=payload.link, posted_on=payload.day)
    return Status(201, {"day": day})


@router.post(
    "/units/{int:unit_id}/likes",
    response=answers({201: LikesOut}, *WRITE),
    summary="Declare the members who Liked the provincial Page",
)
def declare(request: AuthedRequest, unit_id: Id, payload: LikesIn) -> Status:
    unit = _report_unit(request, unit_id)
    declaration = likes.declare_likes(by=request.user, unit=unit, count=payload.count, day=payload.day)
    return Status(201, declaration)


@router.get(
    "/units/{int:unit_id}/followers",
    response=answers(list[SnapshotOut], *READ),
    summary="Follower snapshots of the unit's Page",
)
def list_followers(request: AuthedRequest, unit_id: Id) -> list[Mapping[str, object]]:
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)
    page = Fanpage.objects.filter(unit=unit).first()
    if page is None:
        raise Http404
    return list(FollowerSnapshot.objects.filter(fanpage=page).values("day", "followers", "source"))


@router.post(
    "/units/{int:unit_id}/followers", response=answers({201: SnapshotOut}, *WRITE), summary="Record a follower count"
)
def record_followers(request: AuthedRequest, unit_id: Id, payload: SnapshotIn) -> Status:
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)
    if not can(request.user, Capability.MANAGE_UNITS, unit):
        raise Forbidden()
    page = Fanpage.objects.filter(unit=unit).first()
    if page is None:
        raise Http404
    snapshot = follower_data.record_snapshot(
        by=request.user, fanpage=page, day=payload.day, followers=payload.followers, source=FollowerSnapshot.Source.HAND
    )
    return Status(201, snapshot)
