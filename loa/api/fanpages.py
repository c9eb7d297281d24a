"""/api/v1/fanpages: posting compliance, posts, Like declarations and followers, with the pages' rules.

Reading needs Capability.VIEW on the unit; logging posts and declaring Likes REPORT_FOR_UNIT;
recording follower counts MANAGE_UNITS. A unit the user cannot view answers 404; one they can view
but not act for answers 403.
"""

from datetime import date
from typing import List, Optional

from django.http import Http404
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from loa.accounts.capabilities import Capability
from loa.accounts.scope import can, get_unit_or_404
from loa.api.errors import Forbidden
from loa.fanpages import compliance, followers as follower_data, likes, posts
from loa.fanpages.models import CampaignLink, Fanpage, FollowerSnapshot

router = Router(tags=["fanpages"])


class ComplianceOut(Schema):
    unit_id: int
    name: str
    has_page: bool
    period_start: Optional[date]
    period_end: Optional[date]
    posting_days: int
    period_days: int
    rate: Optional[float]
    streak: int
    last_post_day: Optional[date]


class UnitActivityOut(ComplianceOut):
    members_count: int
    declared_likes: Optional[int]
    declared_on: Optional[date]
    like_rate: Optional[float]
    poster_scans: int
    posting_days_list: List[date]


class PostIn(Schema):
    link: str
    day: Optional[date] = None


class LikesIn(Schema):
    count: int
    day: Optional[date] = None


class SnapshotIn(Schema):
    day: date
    followers: int


class SnapshotOut(Schema):
    day: date
    followers: int
    source: str


def _out(item):
    return {"unit_id": item.unit_id, "name": item.name, "has_page": item.fanpage_id is not None, "period_start": item.start,
            "period_end": item.end, "posting_days": item.posting_days, "period_days": item.period_days, "rate": item.rate,
            "streak": item.streak, "last_post_day": item.last_post_day}


def _year(year):
    today = timezone.localdate()
    year = year or today.year
    if not 2000 <= year <= today.year:
        raise Http404
    return year


@router.get("/compliance", response=List[ComplianceOut], summary="Posting compliance of every unit in reach")
def list_compliance(request, year: Optional[int] = None):
    items = compliance.unit_compliance(user=request.user, capability=Capability.VIEW, year=_year(year))
    return [_out(i) for i in items]


@router.get("/units/{int:unit_id}", response=UnitActivityOut, summary="A unit's posting and Likes")
def unit_activity(request, unit_id: int, year: Optional[int] = None):
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)
    year = _year(year)
    items = compliance.unit_compliance(user=request.user, capability=Capability.VIEW, year=year, extra_q=Q(pk=unit.pk))
    if not items:
        raise Http404
    item = items[0]
    declaration = likes.latest_declarations([unit.pk]).get(unit.pk)
    fanpage = Fanpage.objects.filter(unit=unit).first()
    link = CampaignLink.objects.filter(unit=unit).first()
    return {**_out(item), "members_count": unit.members_count, "declared_likes": declaration.count if declaration else None,
            "declared_on": declaration.day if declaration else None, "like_rate": likes.like_rate(declaration, unit.members_count),
            "poster_scans": link.scans if link else 0, "posting_days_list": sorted(compliance.heat_map(fanpage, year))}


def _report_unit(request, unit_id):
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)
    if not can(request.user, Capability.REPORT_FOR_UNIT, unit):
        raise Forbidden(_("You may view this unit but not report for it."))
    return unit


@router.post("/units/{int:unit_id}/posts", response={201: dict}, summary="Log a post by its link")
def log_post(request, unit_id: int, payload: PostIn):
    unit = _report_unit(request, unit_id)
    fanpage = Fanpage.objects.filter(unit=unit).first()
    if fanpage is None:
        raise Http404
    day = posts.log_post(by=request.user, fanpage=fanpage, link=payload.link, posted_on=payload.day)
    return 201, {"day": day.isoformat()}


@router.post("/units/{int:unit_id}/likes", response={201: dict}, summary="Declare the members who Liked the provincial Page")
def declare(request, unit_id: int, payload: LikesIn):
    unit = _report_unit(request, unit_id)
    declaration = likes.declare_likes(by=request.user, unit=unit, count=payload.count, day=payload.day)
    return 201, {"count": declaration.count, "day": declaration.day.isoformat(), "members_count": declaration.members_count}


@router.get("/units/{int:unit_id}/followers", response=List[SnapshotOut], summary="Follower snapshots of the unit's Page")
def list_followers(request, unit_id: int):
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)
    page = Fanpage.objects.filter(unit=unit).first()
    if page is None:
        raise Http404
    return list(FollowerSnapshot.objects.filter(fanpage=page).values("day", "followers", "source"))


@router.post("/units/{int:unit_id}/followers", response={201: SnapshotOut}, summary="Record a follower count")
def record_followers(request, unit_id: int, payload: SnapshotIn):
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)
    if not can(request.user, Capability.MANAGE_UNITS, unit):
        raise Forbidden()
    page = Fanpage.objects.filter(unit=unit).first()
    if page is None:
        raise Http404
    snapshot = follower_data.record_snapshot(by=request.user, fanpage=page, day=payload.day, followers=payload.followers,
                                             source=FollowerSnapshot.Source.HAND)
    return 201, snapshot
