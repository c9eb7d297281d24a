"""/api/v1/units: the unit tree, with the same permission rules as the unit pages.

Reading needs Capability.VIEW on the unit, writing MANAGE_UNITS. A unit the user cannot view
answers 404; one they can view but not manage answers 403.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from loa.accounts.capabilities import Capability
from loa.accounts.models import User
from loa.accounts.scope import can, get_unit_or_404, manages_whole_tree, units_for
from loa.accounts.services import top_unit_create
from loa.api.errors import READ, WRITE, Forbidden, answers
from loa.api.pagination import Pages
from loa.api.types import OMITTED, AuthedRequest, Count, Day, Id, In
from loa.api.versions import OPTIONAL_VERSION, VERSION, Version, responses, versioned_write
from loa.units import selectors, services
from loa.units.models import Unit, UnitKind

router = Router(tags=["units"])


# --- Schemas ---------------------------------------------------------------------------------


class KindOut(Schema):
    code: str
    name: str
    is_grassroots: bool
    order: int


class KindRef(Schema):
    code: str
    name: str


class UnitRef(Schema):
    id: int
    code: str
    name: str


class UnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: KindRef
    parent: UnitRef | None
    depth: int
    members_count: int
    staff_count: int
    address: str
    contact_name: str
    phone: str
    email: str
    active_from: date | None
    active_to: date | None
    is_active: bool
    version: int = Field(..., description="Send it back with a change (PATCH, move, deactivate, reactivate).")

    @staticmethod
    def resolve_is_active(obj: Unit) -> bool:
        return obj.is_active()


class UnitDetailOut(UnitOut):
    ancestors: list[UnitRef]
    children_count: int
    can_manage: bool

    @staticmethod
    def resolve_ancestors(obj: Unit) -> list[Unit]:
        return obj.ancestors()

    @staticmethod
    def resolve_children_count(obj: Unit) -> int:
        return obj.children.count()

    @staticmethod
    def resolve_can_manage(obj: Unit, context: dict[str, Any]) -> bool:
        return can(context["request"].user, Capability.MANAGE_UNITS, obj)


class PlacementOut(Schema):
    parent: UnitRef | None = Field(..., description="The parent unit then; null: a top-level unit.")
    valid_from: date | None = Field(..., description="First day (included); null: since the unit was registered.")
    valid_to: date | None = Field(..., description="Last day (included); null: to this day.")


class NameOut(Schema):
    name: str
    valid_from: date | None = Field(..., description="First day (included); null: since the unit was registered.")
    valid_to: date | None = Field(..., description="Last day (included); null: to this day.")


class HistoryOut(Schema):
    parents: list[PlacementOut] = Field(..., description="Where the unit stood, oldest first.")
    names: list[NameOut] = Field(..., description="The unit's names, oldest first.")


class UnitCreateIn(In):
    parent: Id | None = Field(..., description="Id of the parent unit; null for a top-level unit.")
    kind: str = Field(..., description="Code of the unit kind (see /unit-kinds).")
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field(..., min_length=1, max_length=255)
    short_name: str = Field("", max_length=120)
    members_count: Count = 0
    staff_count: Count = 0
    address: str = Field("", max_length=255)
    contact_name: str = Field("", max_length=120)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    active_from: Day | None = None
    active_to: Day | None = None


class UnitUpdateIn(In):
    """Only the fields sent are changed. The parent changes through /move."""

    version: Version | None = VERSION
    kind: str = Field(OMITTED, description="Code of the unit kind.")
    code: str = Field(OMITTED, min_length=1, max_length=40)
    name: str = Field(OMITTED, min_length=1, max_length=255)
    short_name: str = Field(OMITTED, max_length=120)
    members_count: Count = OMITTED
    staff_count: Count = OMITTED
    address: str = Field(OMITTED, max_length=255)
    contact_name: str = Field(OMITTED, max_length=120)
    phone: str = Field(OMITTED, max_length=20)
    email: str = Field(OMITTED, max_length=254)
    active_from: Day | None = None
    active_to: Day | None = None


class MoveIn(In):
    parent: Id | None = Field(..., description="Id of the new parent unit; null to make it top-level.")
    on: Day | None = Field(None, description="First day under the new parent; today if omitted.")
    version: Version | None = OPTIONAL_VERSION


class DeactivateIn(In):
    active_to: Day | None = Field(None, description="Last active day; today if omitted.")
    reason: str = Field("", max_length=500)
    version: Version | None = OPTIONAL_VERSION


class UnitFilters(Schema):
    q: str = Field("", description="Search in code, name and short name, ignoring accents.")
    kind: str | None = Field(None, description="Unit kind code.")
    parent: Id | None = Field(None, description="Only the direct children of this unit.")
    active: bool | None = Field(None, description="true: active today; false: not active today.")


# --- Helpers ---------------------------------------------------------------------------------


def _unit_to_manage(user: User, unit_id: int) -> Unit:
    unit = get_unit_or_404(user, Capability.VIEW, pk=unit_id)
    if not can(user, Capability.MANAGE_UNITS, unit):
        raise Forbidden(_("You may view this unit but not manage it."))
    return unit


def _parent_to_manage(user: User, parent_id: int | None) -> Unit | None:
    """The unit a new or moved unit goes under; None (top level) only for whoever manages the whole tree."""
    if parent_id is None:
        if not manages_whole_tree(user):
            raise Forbidden(_("Only an administrator of the whole tree may create or move a top-level unit."))
        return None
    return _unit_to_manage(user, parent_id)


def _kind(code: str) -> UnitKind:
    kind = UnitKind.objects.filter(code=code).first()
    if kind is None:
        raise ValidationError({"kind": _("There is no unit kind with the code “%(code)s”.") % {"code": code}})
    return kind


def _fresh(unit: Unit) -> Unit:
    return Unit.objects.select_related("kind", "parent").get(pk=unit.pk)


# --- Endpoints -------------------------------------------------------------------------------


@router.get("/kinds", response=answers(list[KindOut]), summary="Unit kinds")
def list_kinds(request: AuthedRequest) -> QuerySet[UnitKind]:
    return UnitKind.objects.all()


@router.get("", response=answers(list[UnitOut], *READ), summary="List units")
@paginate(Pages)
def list_units(request: AuthedRequest, filters: Query[UnitFilters]) -> QuerySet[Unit]:
    """The units the caller may view, in Vietnamese alphabetical order."""
    qs = units_for(request.user, Capability.VIEW).select_related("kind", "parent")
    if filters.q.strip():
        qs = qs.search(filters.q)
    if filters.kind:
        qs = qs.filter(kind__code=filters.kind)
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent)
    if filters.active is not None:
        today = timezone.localdate()
        inactive = Q(active_from__gt=today) | Q(active_to__lt=today)
        qs = qs.exclude(inactive) if filters.active else qs.filter(inactive)
    return qs.vi_ordered()


@router.get("/{int:unit_id}", response=answers(UnitDetailOut, *READ), summary="A unit")
def get_unit(request: AuthedRequest, unit_id: Id) -> Unit:
    return get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)


@router.get(
    "/{int:unit_id}/history", response=answers(HistoryOut, *READ), summary="A unit's parents and names over time"
)
def unit_history(request: HttpRequest, unit_id: Id) -> dict[str, list[dict[str, Any]]]:
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)
    return {"parents": selectors.parent_history(unit), "names": selectors.name_history(unit)}


@router.post("", response=answers({201: UnitDetailOut}, *WRITE), summary="Create a unit")
def create_unit(request: AuthedRequest, payload: UnitCreateIn) -> Status:
    parent = _parent_to_manage(request.user, payload.parent)
    fields = payload.dict(exclude={"parent"})
    fields["kind"] = _kind(fields["kind"])
    if parent is None:  # as on the unit form: its creator goes on managing the whole tree
        unit = top_unit_create(by=request.user, **fields)
    else:
        unit = services.unit_create(by=request.user, parent=parent, **fields)
    return Status(201, _fresh(unit))


@router.patch("/{int:unit_id}", response=responses(UnitDetailOut), summary="Change a unit")
def update_unit(request: AuthedRequest, unit_id: Id, payload: UnitUpdateIn) -> Status:
    unit = _unit_to_manage(request.user, unit_id)
    fields = payload.dict(exclude_unset=True, exclude={"version"})
    if "kind" in fields:
        fields["kind"] = _kind(fields["kind"])
    return versioned_write(
        payload.version,
        lambda version: services.unit_update(by=request.user, unit=unit, expected_version=version, **fields),
        _fresh,
    )


@router.post("/{int:unit_id}/move", response=responses(UnitDetailOut), summary="Move a unit and its subtree")
def move_unit(request: AuthedRequest, unit_id: Id, payload: MoveIn) -> Status:
    unit = _unit_to_manage(request.user, unit_id)
    new_parent = _parent_to_manage(request.user, payload.parent)
    return versioned_write(
        payload.version,
        lambda version: services.unit_move(
            by=request.user, unit=unit, new_parent=new_parent, expected_version=version, on=payload.on
        ),
        _fresh,
        required=False,
    )


@router.post("/{int:unit_id}/deactivate", response=responses(UnitDetailOut), summary="Close a unit from a date")
def deactivate_unit(request: AuthedRequest, unit_id: Id, payload: DeactivateIn) -> Status:
    unit = _unit_to_manage(request.user, unit_id)
    active_to = payload.active_to or timezone.localdate()
    return versioned_write(
        payload.version,
        lambda version: services.unit_deactivate(
            by=request.user, unit=unit, active_to=active_to, reason=payload.reason, expected_version=version
        ),
        _fresh,
        required=False,
    )


@router.post("/{int:unit_id}/reactivate", response=answers(UnitDetailOut, *WRITE), summary="Open a closed unit again")
def reactivate_unit(request: AuthedRequest, unit_id: Id) -> Unit:
    unit = _unit_to_manage(request.user, unit_id)
    unit = services.unit_reactivate(by=request.user, unit=unit)
    return _fresh(unit)
