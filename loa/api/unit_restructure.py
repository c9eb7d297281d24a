"""/api/v1/units/merges and /splits: merge units into one, or split one, from a date.

Every unit named needs MANAGE_UNITS: one outside the caller's units answers 404, one they may only
view 403, as everywhere. `dry_run: true` answers the plan (200) with nothing written; without it the
restructuring is applied and its plan answered with 201. The plan lists, per area, what goes where.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from loa.accounts.models import User
from loa.api.errors import WRITE, answers
from loa.api.types import AuthedRequest, Count, Day, Id, In
from loa.api.units import _kind, _parent_to_manage, _unit_to_manage
from loa.api.versions import Version
from loa.core.versions import StaleVersion
from loa.units import restructure
from loa.units.models import Unit

router = Router(tags=["units"])


class NewUnitIn(In):
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field(..., min_length=1, max_length=255)
    short_name: str = Field("", max_length=120)
    kind: str | None = Field(None, description="Code of the unit kind; by default the (first) source's.")
    parent: Id | None = Field(None, description="Id of the parent unit; by default the (first) source's parent.")


class MergeIn(In):
    units: list[Id] = Field(..., min_length=1, max_length=100, description="Ids of the units merged (A, B, …).")
    target: Id | None = Field(None, description="Id of the existing unit that takes them over…")
    new_target: NewUnitIn | None = Field(None, description="…or the unit created to take them over.")
    on: Day = Field(..., description="The first day of the merged unit; the units merged close the day before.")
    members_count: Count | None = Field(None, description="By default the sum of the units'.")
    staff_count: Count | None = Field(None, description="By default the sum of the units'.")
    primary_page: Id | None = Field(None, description="Id of the unit whose Page the target takes, if it has none.")
    versions: dict[Id, Version] | None = Field(None, description="{unit id: version as you read it}: 409 if changed.")
    dry_run: bool = False


class PartIn(In):
    unit: Id | None = Field(None, description="Id of an existing unit that takes this part…")
    new: NewUnitIn | None = Field(None, description="…or the unit created for it.")
    members_count: Count | None = None
    staff_count: Count | None = None


class SplitIn(In):
    unit: Id = Field(..., description="Id of the unit split.")
    parts: list[PartIn] = Field(..., min_length=2, max_length=50)
    on: Day
    choices: dict[str, int] | None = Field(
        None,
        description='{"fanpages" | "directives" | "articles": index of the part that takes them}; first by default.',
    )
    versions: dict[Id, Version] | None = None
    dry_run: bool = False


class UnitPlanOut(Schema):
    id: int | None
    code: str
    name: str
    new: bool = False
    members_count: int | None = None
    staff_count: int | None = None


class AreaOut(Schema):
    area: str
    lines: list[str]


class PlanOut(Schema):
    kind: str
    on: date
    dry_run: bool
    sources: list[UnitPlanOut]
    targets: list[UnitPlanOut]
    areas: list[AreaOut]


def _new_unit(user: User, new: NewUnitIn, fallback_parent: Unit | None) -> dict[str, Any]:
    fields = new.dict(exclude={"kind", "parent"})
    if new.kind:
        fields["kind"] = _kind(new.kind)
    fields["parent"] = _parent_to_manage(user, new.parent or getattr(fallback_parent, "pk", None))
    return fields


def _answer(run: Callable[[], restructure.Plan], dry_run: bool) -> Status:
    try:
        plan = run()
    except StaleVersion as exc:
        return Status(409, {"detail": exc.messages[0], "code": "stale"})
    return Status(200 if dry_run else 201, plan.as_dict())


RESPONSES = answers({200: PlanOut, 201: PlanOut}, 409, *WRITE)


@router.post("/merges", response=RESPONSES, summary="Merge units from a date (dry run: the plan)")
def merge_units(request: AuthedRequest, payload: MergeIn) -> Status:
    if (payload.target is None) == (payload.new_target is None):
        raise ValidationError(_("Choose the unit that takes them over, or give the new unit."))
    sources = [_unit_to_manage(request.user, pk) for pk in payload.units]
    target = _unit_to_manage(request.user, payload.target) if payload.target else None
    new_target = _new_unit(request.user, payload.new_target, sources[0].parent) if payload.new_target else None
    primary = _unit_to_manage(request.user, payload.primary_page) if payload.primary_page else None
    return _answer(
        lambda: restructure.merge(
            by=request.user,
            sources=sources,
            target=target,
            new_target=new_target,
            on=payload.on,
            members_count=payload.members_count,
            staff_count=payload.staff_count,
            primary_page=primary,
            expected_versions=payload.versions,
            dry_run=payload.dry_run,
        ),
        payload.dry_run,
    )


@router.post("/splits", response=RESPONSES, summary="Split a unit from a date (dry run: the plan)")
def split_unit(request: AuthedRequest, payload: SplitIn) -> Status:
    source = _unit_to_manage(request.user, payload.unit)
    parts = []
    for part in payload.parts:
        if (part.unit is None) == (part.new is None):
            raise ValidationError(_("Give each part an existing unit or a new one."))
        chosen: dict[str, Any] = {"members_count": part.members_count, "staff_count": part.staff_count}
        if part.unit is not None:
            chosen["unit"] = _unit_to_manage(request.user, part.unit)
        elif part.new is not None:
            chosen["new"] = _new_unit(request.user, part.new, source.parent)
        parts.append(chosen)
    return _answer(
        lambda: restructure.split(
            by=request.user,
            source=source,
            on=payload.on,
            parts=parts,
            choices=payload.choices,
            expected_versions=payload.versions,
            dry_run=payload.dry_run,
        ),
        payload.dry_run,
    )
