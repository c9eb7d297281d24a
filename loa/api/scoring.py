"""/api/v1/scoring: rubrics, a unit's score with its evidence, the ranking; adjustments and freezing.

Reading needs Capability.VIEW (a rubric: a unit it scores, or one above; a score: the unit);
editing rubrics, adjusting and freezing need MANAGE_UNITS at the rubric's unit (403 when the user
may read but not do it). A unit or year the user cannot see answers 404.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from loa.accounts import year_tree
from loa.accounts.capabilities import Capability
from loa.accounts.scope import get_unit_or_404
from loa.api.errors import READ, WRITE, Forbidden, answers
from loa.api.pagination import Pages
from loa.api.types import AuthedRequest, Id, In, SmallCount, Year
from loa.api.versions import VERSION, Version, patched_fields, responses, versioned_write
from loa.core.site import site_origin
from loa.scoring import access, engine, ranking, selectors, services
from loa.scoring.models import Adjustment, Criterion, Level, Rubric, Score, SuccessionRule
from loa.scoring.reasons import Reasons, reason
from loa.scoring.rules import points_text, stored_centi

router = Router(tags=["scoring"])
DAMAGED = "null when the stored value is damaged (not a number): the rubric page shows it and an admin corrects it"


def _figure(value: Decimal | None) -> Decimal | None:
    """A stored Decimal, or None when it is damaged (NaN): JSON has no NaN, and a damaged row must not
    make the endpoint a 500."""
    return None if value is None or stored_centi(value) is None else value


class CriterionOut(Schema):
    id: int
    code: str
    name: str
    group: str
    max_points: Decimal | None = Field(..., description=DAMAGED)
    measure: str
    rule: str
    params: dict
    is_bonus: bool
    version: int = Field(..., description="Send it back to change this criterion (POST …/criteria with its code).")

    @staticmethod
    def resolve_max_points(obj: Criterion) -> Decimal | None:
        return _figure(obj.max_points)


class LevelOut(Schema):
    id: int
    name: str
    min_total: Decimal | None = Field(..., description=DAMAGED)
    min_share_each: Decimal | None

    @staticmethod
    def resolve_min_total(obj: Level) -> Decimal | None:
        return _figure(obj.min_total)

    @staticmethod
    def resolve_min_share_each(obj: Level) -> Decimal | None:
        return _figure(obj.min_share_each)


class RubricOut(Schema):
    year: int
    name: str
    unit_id: int
    total_points: Decimal | None = Field(..., description=DAMAGED)
    bonus_cap: Decimal | None = Field(..., description=DAMAGED)
    group_caps: dict
    succession_rule: str = Field(
        ...,
        description="How the year scores the units merged or split during it: `pro_rata` (each unit's score "
        "weighted by its days in the year) or `survivor` (the unit standing keeps its own score). Either way "
        "the closed units are not ranked on their own; see `succession` on a unit's score.",
    )
    note: str
    frozen: bool
    frozen_at: datetime | None
    copied_from_year: int | None
    criteria: list[CriterionOut]
    levels: list[LevelOut]
    version: int = Field(..., description="Send it back to change the rubric (PATCH /rubrics/{year}).")


class RubricPatch(In):
    name: str | None = Field(None, min_length=1, max_length=200)
    note: str | None = None
    succession_rule: Literal[tuple(SuccessionRule.values)] | None = None  # type: ignore[valid-type]  # choices computed at import, listed in the schema
    version: Version | None = VERSION


class LineOut(Schema):
    code: str
    name: str
    points: str
    max_points: str
    reading: str
    evidence: list[dict[str, str]]
    adjustment_reason: str


class SuccessionPartOut(Schema):
    unit_id: int
    code: str
    name: str
    relation: str = Field(..., description="`self` (this unit), `merge` (merged into it) or `split` (split into it).")
    relation_text: str
    on: str | None = Field(..., description="The first day after the merge or split (YYYY-MM-DD).")
    share: str | None = Field(..., description="A split: the share of the source's members this unit took.")
    first: str | None
    last: str | None
    days: int = Field(..., description="The unit's own days in the year (to today in the running year).")
    total: str
    level: str
    points: dict[str, str]
    counted: bool
    weight_percent: str | None = Field(..., description="Its weight in this unit's score; null when not counted.")


class SuccessionOut(Schema):
    rule: str
    rule_text: str
    parts: list[SuccessionPartOut]


class ScoreOut(Schema):
    unit_id: int
    year: int
    total: str
    level: str | None
    frozen: bool
    criteria: list[LineOut]
    reason: str = Field(..., description="What holds the unit back or lifts it, as the ranking says it.")
    missing_for_next_level: str | None
    succession: SuccessionOut | None = Field(
        ...,
        description="A unit that took over others this year (merge, split): how its score was made from "
        "theirs by the rubric's rule, with each unit's days, own score and weight; null for the others.",
    )
    taken_over_by: list[int] = Field(
        ..., description="The units that took this unit's work over this year: it is not ranked on its own."
    )


class RankingOut(Schema):
    rank: int | None
    unit_id: int
    unit: str
    total: Decimal | None = Field(..., description=DAMAGED)
    level: str
    points: dict
    reason: str = Field(
        ...,
        description="What holds the unit back or lifts it, in one short sentence, as the "
        "ranking page and the unit's page say it (“Thiếu 3 bài, 40 ngày không đăng bài.”).",
    )

    @staticmethod
    def resolve_reason(obj: Score, context: dict[str, Any]) -> str:
        return context["request"].scoring_reasons.of_score(obj)

    @staticmethod
    def resolve_total(obj: Score) -> Decimal | None:
        return _figure(obj.total)

    @staticmethod
    def resolve_unit(obj: Score) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_level(obj: Score) -> str:
        return obj.level_name


# Points as the rubric stores them: DecimalField(max_digits=6, decimal_places=2).
Points = Field(..., max_digits=6, decimal_places=2, allow_inf_nan=False)


class AdjustmentIn(In):
    criterion: str = Field(..., max_length=30, description="The criterion's code.")
    points: Decimal = Points
    mode: Literal[tuple(Adjustment.Mode.values)] = "override"  # type: ignore[valid-type]  # choices computed at import, listed in the schema
    reason: str


class AdjustedOut(Schema):
    total: str
    level: str


class ReasonIn(In):
    reason: str


class FrozenOut(Schema):
    year: int
    frozen_at: datetime | None
    detail: str = ""


class CriterionIn(In):
    code: str = Field(..., max_length=30)
    name: str = Field(..., max_length=300)
    group: str = Field("", max_length=200)
    order: SmallCount = 0
    max_points: Decimal = Points
    measure: str = Field("", max_length=40)
    rule: str = Field("proportional", max_length=20)
    params: dict = Field(default_factory=dict)
    is_bonus: bool = False
    version: Version | None = Field(
        None,
        description="The criterion's `version` as GET answered it: required when the rubric already has a criterion "
        "with this code (428 without it, 409 if it changed since); omit it to add a new one.",
    )


def _rubric_out(rubric: Rubric) -> dict[str, Any]:
    return {
        "year": rubric.year,
        "name": rubric.name,
        "unit_id": rubric.unit_id,
        "total_points": _figure(rubric.total_points),
        "bonus_cap": _figure(rubric.bonus_cap),
        "group_caps": rubric.group_caps or {},
        "succession_rule": rubric.succession_rule,
        "note": rubric.note,
        "version": rubric.version,
        "frozen": rubric.frozen,
        "frozen_at": rubric.frozen_at,
        "copied_from_year": rubric.copied_from.year if rubric.copied_from else None,
        "criteria": list(rubric.criteria.all()),
        "levels": list(rubric.levels.all()),
    }


def _admin(request: AuthedRequest, year: int) -> Rubric:
    rubric = access.get_rubric_or_404(request.user, year)
    if not access.may_manage(request.user, rubric):
        raise Forbidden()
    return rubric


@router.get("/rubrics", response=answers(list[RubricOut]), summary="The rubrics the user may read, newest year first")
def list_rubrics(request: AuthedRequest) -> list[dict[str, Any]]:
    rubrics = Rubric.objects.select_related("unit", "copied_from").prefetch_related("criteria", "levels")
    return [_rubric_out(r) for r in rubrics if access.may_see_rubric(request.user, r)]


@router.get("/rubrics/{int:year}", response=answers(RubricOut, *READ), summary="A year's rubric: criteria and levels")
def get_rubric(request: AuthedRequest, year: Year) -> dict[str, Any]:
    return _rubric_out(access.get_rubric_or_404(request.user, year))


@router.patch("/rubrics/{int:year}", response=responses(RubricOut), summary="Change the rubric's own fields")
def patch_rubric(request: AuthedRequest, year: Year, payload: RubricPatch) -> Status:
    """The name, the note, and the rule for units merged or split during the year; audited as the
    rubric page's edits are. Refused once the year is frozen."""
    rubric = _admin(request, year)
    fields = patched_fields(payload)
    return versioned_write(
        payload.version,
        lambda version: services.rubric_update(by=request.user, rubric=rubric, expected_version=version, **fields),
        lambda changed: _rubric_out(
            Rubric.objects.select_related("unit", "copied_from")
            .prefetch_related("criteria", "levels")
            .get(pk=changed.pk)
        ),
    )


@router.post(
    "/rubrics/{int:year}/criteria",
    response=responses(CriterionOut, 201),
    summary="Add a criterion (or change the one with that code)",
)
def put_criterion(request: AuthedRequest, year: Year, payload: CriterionIn) -> Status:
    rubric = _admin(request, year)
    existing = Criterion.objects.filter(rubric=rubric, code=payload.code).first()
    values = payload.dict(exclude={"version"})
    return versioned_write(
        payload.version,
        lambda version: services.criterion_save(
            by=request.user, rubric=rubric, criterion=existing, expected_version=version, **values
        ),
        lambda criterion: criterion,
        required=existing is not None,
        status=201,
    )


@router.get(
    "/{int:year}/units/{int:unit_id}", response=answers(ScoreOut, *READ), summary="A unit's score: running, or frozen"
)
def unit_score(request: AuthedRequest, year: Year, unit_id: Id) -> dict[str, Any]:
    rubric = access.get_rubric_or_404(request.user, year)
    unit = access.get_scored_unit_or_404(request.user, rubric, unit_id)
    book, result, by_measure, reasons, stored, live = selectors.unit_result(rubric, unit)
    if result is None:
        raise Http404
    lines = selectors.card(book, result, unit, adjustments=reasons)
    base = site_origin()
    return {
        "unit_id": unit.pk,
        "year": year,
        "total": points_text(result.total),
        "level": result.level.name if result.level else None,
        "frozen": not live,
        "criteria": [
            {
                "code": line.criterion.code,
                "name": line.criterion.name,
                "points": line.points,
                "max_points": line.max,
                "reading": line.reading,
                "evidence": [{"label": str(label), "url": base + url} for label, url in line.evidence],
                "adjustment_reason": line.adjusted,
            }
            for line in lines
        ],
        "reason": reason(book, result),
        "missing_for_next_level": (
            selectors.gap_sentence(book, result, by_measure)
            if live and by_measure is not None and not (result.succession is not None and result.succession.pro_rata)
            else None
        ),
        "succession": _succession_out(request, result, book),
        "taken_over_by": [t["unit"].pk for t in selectors.taken_over_by(rubric, unit)] if stored is None else [],
    }


def _succession_out(request: AuthedRequest, result: engine.Result, book: engine.Book) -> dict[str, Any] | None:
    evidence = result.succession
    shown = selectors.succession_rows(request.user, evidence, book)
    if evidence is None or shown is None:
        return None
    return {
        "rule": evidence.rule,
        "rule_text": shown.rule,
        "parts": [
            {
                "unit_id": part.unit_id,
                "code": part.code,
                "name": part.name,
                "relation": part.relation,
                "relation_text": row.relation,
                "on": part.on,
                "share": part.share,
                "first": part.first,
                "last": part.last,
                "days": part.days,
                "total": row.total,
                "level": part.level,
                "points": dict(row.points),
                "counted": part.counted,
                "weight_percent": part.weight_percent if part.counted else None,
            }
            for part, row in zip(evidence.parts, shown.rows)
        ],
    }


class RankingFilters(Schema):
    unit: Id | None = Field(None, description="Only the units under this upper union.")
    kind: Id | None = Field(None, description="Only the units of this kind.")
    level: Id | Literal[ranking.UNCLASSIFIED, ranking.LAGGING] | None = Field(  # type: ignore[valid-type]  # choices computed at import, listed in the schema
        None,
        description="Only the units of this level (its id, as GET /rubrics/{year} gives it); `none`: the units "
        "no level was given; `lagging`: the units that fall short (the lowest level, when the rubric has more than "
        "one, and those of none).",
    )
    sort: Literal[tuple(ranking.SORTS)] = Field("-total", description="total, name or rank; a leading - reverses it.")  # type: ignore[valid-type]  # choices computed at import, listed in the schema
    tree: year_tree.Tree = Field(
        "year",
        description="`year`: group the units under the parents they had in that year (31 December, or today "
        "for the current year), `today`: under today's. Who may read what follows today's tree; by a past "
        "year's tree, also the units that were under one's units then.",
    )


class RankingRequest(AuthedRequest):
    """The ranking's request carries the reasons' phrases its rows share (RankingOut.resolve_reason)."""

    scoring_reasons: Reasons


@router.get(
    "/{int:year}/ranking", response=answers(list[RankingOut], *READ), summary="The stored scores in reach, best first"
)
@paginate(Pages)
def list_ranking(request: RankingRequest, year: Year, filters: Query[RankingFilters]) -> QuerySet[Score]:
    """The same filters as the ranking page, combined; each unit with the reason of its score."""
    rubric = access.get_rubric_or_404(request.user, year)
    node = get_unit_or_404(request.user, Capability.VIEW, pk=filters.unit) if filters.unit else None
    book = engine.Book(rubric)
    request.scoring_reasons = Reasons(book)  # one per request: the rows share the phrases it works out
    listing = ranking.Ranking(
        user=request.user,
        rubric=rubric,
        book=book,
        node=node,
        kind_id=filters.kind,
        level=filters.level,
        sort=filters.sort,
        tree=filters.tree,
    )
    return listing.listed.select_related("unit").only(
        "rank", "unit_id", "unit__name", "total", "level_name", "points", "readings"
    )


@router.post(
    "/{int:year}/units/{int:unit_id}/adjustments",
    response=answers({201: AdjustedOut}, *WRITE),
    summary="Adjust one criterion, with a reason",
)
def adjust(request: AuthedRequest, year: Year, unit_id: Id, payload: AdjustmentIn) -> Status:
    rubric = _admin(request, year)
    unit = access.get_scored_unit_or_404(request.user, rubric, unit_id)
    criterion = get_object_or_404(Criterion, rubric=rubric, code=payload.criterion)
    services.adjust(
        by=request.user,
        rubric=rubric,
        unit=unit,
        criterion=criterion,
        points=payload.points,
        mode=payload.mode,
        reason=payload.reason,
    )
    score = services.refresh_unit(rubric, unit)
    assert score is not None  # the rubric is open: adjust refuses a frozen one
    return Status(201, {"total": str(score.total), "level": score.level_name})


@router.post("/{int:year}/freeze", response=answers(FrozenOut, *WRITE), summary="Freeze the year's results")
def freeze(request: AuthedRequest, year: Year) -> dict[str, Any]:
    rubric = services.freeze(by=request.user, rubric=_admin(request, year))
    return {"year": year, "frozen_at": rubric.frozen_at}


@router.post(
    "/{int:year}/unfreeze",
    response=answers(FrozenOut, *WRITE),
    summary="Unfreeze the year's results (a reason is required)",
)
def unfreeze(request: AuthedRequest, year: Year, payload: ReasonIn) -> dict[str, Any]:
    services.unfreeze(by=request.user, rubric=_admin(request, year), reason=payload.reason)
    return {
        "year": year,
        "frozen_at": None,
        "detail": _("The results of %(year)s are no longer frozen.") % {"year": year},
    }
