"""Writes to the unit tree: keyword-only, validating, atomic, audited."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.audit.log import log_action, snapshot
from loa.core import versions
from loa.core.phones import normalize_phone
from loa.units import path_copies, placements
from loa.units.models import Unit
from loa.units.signals import units_renamed

if TYPE_CHECKING:
    from loa.accounts.models import User

AUDITED_FIELDS = (
    "code",
    "name",
    "short_name",
    "kind",
    "parent",
    "members_count",
    "staff_count",
    "address",
    "contact_name",
    "phone",
    "email",
    "active_from",
    "active_to",
)
EDITABLE_FIELDS = tuple(f for f in AUDITED_FIELDS if f != "parent")


def _clean(unit: Unit) -> None:
    if unit.phone:
        try:
            unit.phone = normalize_phone(unit.phone)
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from None
    if unit.active_from and unit.active_to and unit.active_to < unit.active_from:
        raise ValidationError({"active_to": _("The end date must not be before the start date.")})
    clash = Unit.objects.filter(code=unit.code).exclude(pk=unit.pk).exists()
    if clash:
        raise ValidationError({"code": _("Another unit already has the code “%(code)s”.") % {"code": unit.code}})
    # Every field's own rules (the code's length too), but not Django's uniqueness query: the clash
    # above says which unit has the code.
    unit.full_clean(exclude=["path", "depth", "name_sort", "search_text", "parent"], validate_unique=False)


def _check_kind_offered(unit: Unit, old_kind_id: int | None = None) -> None:
    """A retired kind stays with the units that have it, but no unit takes it anew."""
    if unit.kind_id and unit.kind_id != old_kind_id and unit.kind.is_retired:
        raise ValidationError(
            {"kind": _("The kind “%(kind)s” is retired: choose another kind.") % {"kind": unit.kind.name}}
        )


def _place(unit: Unit, parent: Unit | None) -> None:
    unit.parent = parent
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.depth = parent.depth + 1 if parent else 0


@transaction.atomic
def unit_create(*, by: User | None, parent: Unit | None, **fields: Any) -> Unit:
    unit = Unit(parent=parent, **fields)
    _clean(unit)
    _check_kind_offered(unit)
    unit.path = "/pending/"
    unit.save()
    _place(unit, parent)
    unit.save(update_fields=["path", "depth"])
    placements.record_created(unit)
    log_action("unit.created", actor=by, obj=unit, after=snapshot(unit, AUDITED_FIELDS))
    return unit


def _lock(unit: Unit, expected_version: int | None) -> Unit:
    """The unit, locked; refused (StaleVersion) if it changed since `expected_version` (None: not
    an edit form, nothing checked)."""
    return versions.lock(Unit.objects.all(), expected_version, pk=unit.pk)


@transaction.atomic
def unit_update(*, by: User, unit: Unit, expected_version: int | None = None, **fields: Any) -> Unit:
    unit = _lock(unit, expected_version)
    before = snapshot(unit, AUDITED_FIELDS)
    old_kind_id, old_first_day = unit.kind_id, unit.active_from
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"{name} cannot be changed here")
        setattr(unit, name, value)
    _clean(unit)
    _check_kind_offered(unit, old_kind_id=old_kind_id)
    versions.bump(unit)
    unit.save()
    after = snapshot(unit, AUDITED_FIELDS)
    if after != before:
        log_action("unit.updated", actor=by, obj=unit, before=before, after=after)
    if after["active_from"] != before["active_from"]:
        placements.follow_first_day(unit, old_first_day)
    if after["name"] != before["name"]:
        units_renamed.send(sender=Unit, units=[unit])
    return unit


def check_move(unit: Unit, new_parent: Unit | None) -> None:
    if new_parent is not None and new_parent.path.startswith(unit.path):
        raise ValidationError(
            _("“%(unit)s” cannot be moved under “%(parent)s”: that unit is inside it.")
            % {"unit": unit.name, "parent": new_parent.name}
        )


@transaction.atomic
def unit_move(
    *, by: User, unit: Unit, new_parent: Unit | None, expected_version: int | None = None, on: date | None = None
) -> Unit:
    """Move a unit and its subtree from the day `on` (today if None). Ids stay, so every record of
    its history stays attached; the copies of its paths and the figures of its old and new
    ancestors follow at once, and its placements (`placements`) remember where it stood before."""
    unit = _lock(unit, expected_version)
    check_move(unit, new_parent)
    if unit.parent_id == (new_parent.pk if new_parent else None):
        return unit
    on = on or timezone.localdate()
    placements.check_move_day(unit, on)
    old_parent = unit.parent
    old_path, old_depth = unit.path, unit.depth
    _place(unit, new_parent)
    unit.save(update_fields=versions.bump(unit, ["parent", "path", "depth", "updated_at"]))
    Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
        path=Concat(Value(unit.path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + (unit.depth - old_depth),
    )
    # Every stored copy of the subtree's paths, then every area's rollups, in this transaction.
    path_copies.follow_move(unit=unit, old_path=old_path, new_path=unit.path)
    placements.follow_tree(on, under=unit.path)
    log_action(
        "unit.moved",
        actor=by,
        obj=unit,
        before={"parent": str(old_parent) if old_parent else None},
        after={"parent": str(new_parent) if new_parent else None},
    )
    return unit


@transaction.atomic
def unit_deactivate(
    *, by: User, unit: Unit, active_to: date, reason: str = "", expected_version: int | None = None
) -> Unit:
    """Close a unit from a date. It stays in the tree and in every past figure."""
    unit = _lock(unit, expected_version)
    if unit.active_from and active_to < unit.active_from:
        raise ValidationError(_("The end date must not be before the start date."))
    before = snapshot(unit, ("active_to",))
    unit.active_to = active_to
    unit.save(update_fields=versions.bump(unit, ["active_to", "updated_at"]))
    log_action("unit.deactivated", actor=by, obj=unit, before=before, after=snapshot(unit, ("active_to",)), note=reason)
    return unit


@transaction.atomic
def unit_reactivate(*, by: User, unit: Unit, expected_version: int | None = None) -> Unit:
    unit = _lock(unit, expected_version)
    before = snapshot(unit, ("active_to",))
    unit.active_to = None
    unit.save(update_fields=versions.bump(unit, ["active_to", "updated_at"]))
    log_action("unit.reactivated", actor=by, obj=unit, before=before, after={"active_to": None})
    return unit
