"""/api/v1/articles: quotas, submissions, reviews, publications and progress.

The same rules as the pages: reading needs VIEW on the unit, writing a piece REPORT_FOR_UNIT,
reviewing and publishing REVIEW_ARTICLES, setting quotas MANAGE_UNITS. Outside the caller's units: 404.
A decision sent with a `version` older than the piece's answers 409 (someone else acted first).
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from loa.accounts import year_tree
from loa.accounts.capabilities import Capability
from loa.accounts.models import User
from loa.accounts.scope import can, get_unit_or_404, path_q
from loa.api.errors import READ, WRITE, Conflict, Forbidden, answers
from loa.api.pagination import Pages
from loa.api.types import OMITTED, AuthedRequest, Count, Day, Id, In, Year
from loa.api.versions import VERSION, Version, responses, versioned_write
from loa.articles import selectors, services
from loa.articles.access import get_submission
from loa.articles.models import Channel, Quota, Submission, Topic

T = TypeVar("T")

router = Router(tags=["articles"])
# A piece has a few topics (four exist) and channels (a handful); the bounds keep a list from
# growing into a query the database refuses.
MAX_TOPICS, MAX_CHANNELS = 20, 50


class UnitRef(Schema):
    id: int
    code: str
    name: str


class QuotaOut(Schema):
    unit: UnitRef
    year: int
    kind: str
    target: int
    notice: str
    prorated: bool
    version: int = Field(..., description="Send it back to change this quota (PUT /quotas).")


class QuotaIn(In):
    unit: Id
    year: Year
    kind: Literal["news", "article"]
    target: Count
    notice: str = Field("", max_length=160)
    prorate: bool = False
    version: Version | None = Field(
        None,
        description="The quota's `version` as GET /quotas answered it: required when the unit already has this "
        "quota (428 without it, 409 if it changed since); omit it (or send 0) to set a new one.",
    )


class PublicationOut(Schema):
    channel: str
    url: str
    published_on: date


class SubmissionOut(Schema):
    id: int
    unit: UnitRef
    kind: str
    title: str
    state: str
    version: int
    authors: str
    topics: list[str]
    channels: list[int]
    counted_year: int | None
    reason: str
    submitted_at: datetime | None
    publications: list[PublicationOut]

    @staticmethod
    def resolve_topics(obj: Submission) -> list[str]:
        return [t.code for t in obj.topics.all()]

    @staticmethod
    def resolve_channels(obj: Submission) -> list[int]:
        return [c.pk for c in obj.channels.all()]

    @staticmethod
    def resolve_publications(obj: Submission) -> list[dict[str, Any]]:
        return [
            {"channel": p.channel.name, "url": p.url, "published_on": p.published_on} for p in obj.publications.all()
        ]


class SubmissionDetailOut(SubmissionOut):
    body: str = Field(..., description="Sanitised HTML.")


class SubmissionIn(In):
    unit: Id
    kind: Literal["news", "article"] = "news"
    title: str = Field("", max_length=300)
    body: str = Field("", description="Plain text (blank line between paragraphs) or HTML; it is sanitised.")
    authors: str = Field("", max_length=300)
    topics: list[str] = Field([], max_length=MAX_TOPICS, description="Topic codes.")
    channels: list[Id] = Field([], max_length=MAX_CHANNELS, description="Channel ids.")


class SubmissionUpdateIn(In):
    """Only the fields sent are changed; none of them may be null."""

    version: Version | None = VERSION
    kind: Literal["news", "article"] = OMITTED
    title: str = Field(OMITTED, max_length=300)
    body: str = OMITTED
    authors: str = Field(OMITTED, max_length=300)
    topics: list[str] = Field(OMITTED, max_length=MAX_TOPICS)
    channels: list[Id] = Field(OMITTED, max_length=MAX_CHANNELS)


class VersionIn(In):
    version: Count


class ReviewIn(In):
    action: Literal["start", "return", "accept", "reject"]
    version: Count
    reason: str = ""


class PublishIn(In):
    channel: Id
    url: str = Field(..., max_length=500)
    published_on: Day
    version: Count


class SubmissionFilters(Schema):
    unit: Id | None = Field(None, description="Only this unit's pieces.")
    state: Literal[tuple(Submission.State.values)] | None = None  # type: ignore[valid-type]  # choices computed at import, listed in the schema
    year: Year | None = Field(None, description="Counted in this year.")


class FiguresOut(Schema):
    kind: str
    target: int
    counted: int
    over: int
    in_depth: int
    exemplary: int
    warning: str


class ProgressRowOut(Schema):
    unit: UnitRef
    news_target: int
    news_counted: int
    article_target: int
    article_counted: int
    over: int
    in_depth: int
    exemplary: int
    news_with_quota: int
    news_met: int
    article_with_quota: int
    article_met: int


class ProgressOut(Schema):
    year: int
    total: ProgressRowOut
    rows: list[ProgressRowOut]


def _act(fn: Callable[..., T], **kwargs: Any) -> T:
    try:
        return fn(**kwargs)
    except ValidationError as exc:
        if getattr(exc, "code", None) == "stale":
            raise Conflict(exc.messages[0]) from None
        raise


def _topics(codes: list[str]) -> list[Topic]:
    found = list(Topic.objects.filter(code__in=codes))
    if len(found) != len(set(codes)):
        raise ValidationError({"topics": _("Unknown topic code.")})
    return found


def _channels(ids: list[int]) -> list[Channel]:
    found = list(Channel.objects.filter(pk__in=ids, is_active=True))
    if len(found) != len(set(ids)):
        raise ValidationError({"channels": _("Unknown channel.")})
    return found


def _full(pk: int) -> Submission:
    return (
        Submission.objects.select_related("unit")
        .prefetch_related("topics", "channels", "publications__channel")
        .get(pk=pk)
    )


def _writable(user: User, pk: int) -> Submission:
    submission = get_submission(user, pk, Capability.VIEW)
    if not can(user, Capability.REPORT_FOR_UNIT, submission.unit):
        raise Forbidden(_("You may view this piece but not change it."))
    return submission


def _reviewable(user: User, pk: int) -> Submission:
    submission = get_submission(user, pk, Capability.VIEW)
    if not can(user, Capability.REVIEW_ARTICLES, submission.unit):
        raise Forbidden(_("Only the editors review pieces."))
    return submission


@router.get("/quotas", response=answers(list[QuotaOut], *READ), summary="Quotas")
@paginate(Pages)
def list_quotas(request: AuthedRequest, year: Year, unit: Id | None = None) -> QuerySet[Quota]:
    qs = Quota.objects.filter(path_q(request.user, Capability.VIEW, field="unit__path"), year=year).select_related(
        "unit"
    )
    if unit is not None:
        qs = qs.filter(unit_id=unit)
    return qs.order_by("unit__name_sort", "kind")


@router.put("/quotas", response=responses(QuotaOut), summary="Set one quota")
def set_quota(request: AuthedRequest, payload: QuotaIn) -> Status:
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=payload.unit)
    if not can(request.user, Capability.MANAGE_UNITS, unit):
        raise Forbidden(_("Only those who manage this unit set its quotas."))
    exists = Quota.objects.filter(unit=unit, year=payload.year, kind=payload.kind).exists()
    return versioned_write(
        payload.version,
        lambda version: services.quota_set(
            by=request.user,
            unit=unit,
            year=payload.year,
            kind=payload.kind,
            target=payload.target,
            notice=payload.notice,
            prorate=payload.prorate,
            expected_version=version or 0,
        ),
        lambda quota: quota,
        required=exists,
    )


@router.get("/submissions", response=answers(list[SubmissionOut], *READ), summary="Pieces")
@paginate(Pages)
def list_submissions(request: AuthedRequest, filters: Query[SubmissionFilters]) -> QuerySet[Submission]:
    qs = Submission.objects.without_empty_drafts().filter(path_q(request.user, Capability.VIEW, field="unit_path"))
    if filters.unit is not None:
        qs = qs.filter(unit_id=filters.unit)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.year:
        qs = qs.filter(counted_year=filters.year)
    return (
        qs.select_related("unit")
        .prefetch_related("topics", "channels", "publications__channel")
        .order_by("-updated_at", "-id")
    )


@router.post("/submissions", response=answers({201: SubmissionDetailOut}, *WRITE), summary="Write a piece (a draft)")
def create_submission(request: AuthedRequest, payload: SubmissionIn) -> Status:
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=payload.unit)
    if not can(request.user, Capability.REPORT_FOR_UNIT, unit):
        raise Forbidden(_("Only the unit's officers write its pieces."))
    submission = services.submission_create(
        by=request.user,
        unit=unit,
        kind=payload.kind,
        title=payload.title,
        body=payload.body,
        authors=payload.authors,
        topics=_topics(payload.topics),
        channels=_channels(payload.channels),
    )
    return Status(201, _full(submission.pk))


@router.get("/submissions/{int:pk}", response=answers(SubmissionDetailOut, *READ), summary="A piece")
def get_piece(request: AuthedRequest, pk: Id) -> Submission:
    get_submission(request.user, pk, Capability.VIEW)
    return _full(pk)


@router.patch(
    "/submissions/{int:pk}", response=responses(SubmissionDetailOut), summary="Change a draft or a returned piece"
)
def update_submission(request: AuthedRequest, pk: Id, payload: SubmissionUpdateIn) -> Status:
    submission = _writable(request.user, pk)
    data = payload.dict(exclude_unset=True, exclude={"version"})
    if "topics" in data:
        data["topics"] = _topics(data["topics"])
    if "channels" in data:
        data["channels"] = _channels(data["channels"])
    return versioned_write(
        payload.version,
        lambda version: services.submission_update(
            by=request.user, submission=submission, expected_version=version, **data
        ),
        lambda submission: _full(submission.pk),
    )


@router.post(
    "/submissions/{int:pk}/submit",
    response=answers(SubmissionDetailOut, *WRITE, 409),
    summary="Send a piece to the editors",
)
def submit(request: AuthedRequest, pk: Id, payload: VersionIn) -> Submission:
    submission = _writable(request.user, pk)
    _act(services.submission_submit, by=request.user, submission=submission, expected_version=payload.version)
    return _full(pk)


@router.post(
    "/submissions/{int:pk}/review",
    response=answers(SubmissionDetailOut, *WRITE, 409),
    summary="Take, return, accept or reject",
)
def review(request: AuthedRequest, pk: Id, payload: ReviewIn) -> Submission:
    submission = _reviewable(request.user, pk)
    common = {"submission": submission, "by": request.user, "expected_version": payload.version}
    if payload.action == "start":
        _act(services.submission_start_review, **common)
    elif payload.action == "accept":
        _act(services.submission_accept, **common)
    elif payload.action == "return":
        _act(services.submission_return, reason=payload.reason, **common)
    else:
        _act(services.submission_reject, reason=payload.reason, **common)
    return _full(pk)


@router.post(
    "/submissions/{int:pk}/publications",
    response=answers({201: SubmissionDetailOut}, *WRITE, 409),
    summary="Record a publication",
)
def publish(request: AuthedRequest, pk: Id, payload: PublishIn) -> Status:
    submission = _reviewable(request.user, pk)
    channel = get_object_or_404(Channel, pk=payload.channel, is_active=True)
    _act(
        services.submission_publish,
        submission=submission,
        by=request.user,
        channel=channel,
        url=payload.url,
        published_on=payload.published_on,
        expected_version=payload.version,
    )
    return Status(201, _full(pk))


@router.get("/progress", response=answers(ProgressOut, *READ), summary="Progress of the units one level below a unit")
def progress(
    request: AuthedRequest, year: Year, unit: Id | None = None, tree: year_tree.Tree = year_tree.YEAR
) -> dict[str, Any]:
    """`tree=year` (the default): a past year's figures grouped under the parents the units had that
    year; `tree=today`: under today's."""
    from loa.accounts.scope import top_units

    if unit is not None:
        node = get_unit_or_404(request.user, Capability.VIEW, pk=unit)
    else:
        tops = sorted(top_units(request.user, Capability.VIEW), key=lambda u: u.depth)
        if not tops:
            raise Http404
        node = tops[0]
    day = year_tree.past_day(year, tree)
    total, rows = selectors.level_rows(node, year) if day is None else selectors.level_rows_then(node, year, day)
    rows, _sort = selectors.sort_rows(rows, "name")
    return {"year": year, "total": total, "rows": rows}


@router.get(
    "/units/{int:unit_id}/progress",
    response=answers(list[FiguresOut], *READ),
    summary="One unit's own figures and warnings",
)
def unit_progress(request: AuthedRequest, unit_id: Id, year: Year | None = None) -> list[dict[str, Any]]:
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)
    year = year or timezone.localdate().year
    own, _subtree = selectors.unit_figures(unit, year)
    return [
        {
            "kind": f.kind,
            "target": f.target,
            "counted": f.counted,
            "over": f.over,
            "in_depth": f.in_depth,
            "exemplary": f.exemplary,
            "warning": selectors.warning(f, year)[1],
        }
        for f in own.values()
    ]
