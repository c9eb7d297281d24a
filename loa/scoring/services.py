"""Writes of the classification: rubrics, criteria, levels, adjustments, freezing. Each validates, runs
in a transaction and writes the audit log. Every write refuses a frozen year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, TypeVar, overload

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.accounts.capabilities import Capability
from loa.accounts.scope import can
from loa.audit.log import log_action, snapshot
from loa.core import versions
from loa.core.numbers import check_value, check_values, field_range
from loa.scoring import measures, rules
from loa.scoring.models import Adjustment, Criterion, Level, Rubric, Score, SuccessionRule

M = TypeVar("M", bound=models.Model)

if TYPE_CHECKING:
    from loa.accounts.models import User
    from loa.jobs.models import Job
    from loa.units.models import Unit

RUBRIC_FIELDS = ("year", "name", "unit", "total_points", "bonus_cap", "group_caps", "note", "succession_rule")
CRITERION_FIELDS = ("code", "name", "group", "order", "max_points", "measure", "rule", "params", "is_bonus")
LEVEL_FIELDS = ("name", "min_total", "min_share_each")


def _require_admin(by: User, rubric_or_unit: Rubric | Unit) -> None:
    unit = getattr(rubric_or_unit, "unit", rubric_or_unit)
    if not can(by, Capability.MANAGE_UNITS, unit):
        raise ValidationError(_("Only an administrator of %(unit)s may do this.") % {"unit": unit.name})


def _require_open(rubric: Rubric) -> None:
    if rubric.frozen:
        raise ValidationError(_("The results of %(year)s are frozen: unfreeze the year first.") % {"year": rubric.year})


def _decimal(value: object, label: str) -> Decimal:
    try:
        return Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({label: _("Enter a number.")}) from None


@transaction.atomic
def rubric_create(
    *,
    by: User,
    year: int,
    unit: Unit,
    name: str,
    total_points: Decimal = Decimal(100),
    bonus_cap: Decimal = Decimal(0),
    group_caps: dict[str, Any] | None = None,
    note: str = "",
    copy_from: Rubric | None = None,
    succession_rule: str = SuccessionRule.PRO_RATA,
) -> Rubric:
    """A new year's rubric; with copy_from, its criteria and levels are copied (last year's, say),
    and its rule for the units merged or split during the year."""
    _require_admin(by, unit)
    _check_succession_rule(succession_rule)
    check_values(Rubric, {"year": year, "total_points": total_points, "bonus_cap": bonus_cap})
    if Rubric.objects.filter(year=year).exists():
        raise ValidationError({"year": _("There is already a rubric for %(year)s.") % {"year": year}})
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})
    if copy_from is not None:
        rubric = Rubric.objects.create(
            year=year,
            unit=unit,
            name=name or copy_from.name,
            total_points=copy_from.total_points,
            bonus_cap=copy_from.bonus_cap,
            group_caps=dict(copy_from.group_caps or {}),
            note=note or copy_from.note,
            succession_rule=copy_from.succession_rule,
            copied_from=copy_from,
        )
        Criterion.objects.bulk_create(
            [Criterion(rubric=rubric, **{f: getattr(c, f) for f in CRITERION_FIELDS}) for c in copy_from.criteria.all()]
        )
        Level.objects.bulk_create(
            [Level(rubric=rubric, **{f: getattr(lv, f) for f in LEVEL_FIELDS}) for lv in copy_from.levels.all()]
        )
    else:
        rubric = Rubric.objects.create(
            year=year,
            unit=unit,
            name=name,
            total_points=total_points,
            bonus_cap=bonus_cap,
            group_caps=group_caps or {},
            note=note,
            succession_rule=succession_rule,
        )
    log_action(
        "scoring.rubric.created",
        actor=by,
        obj=rubric,
        unit=unit,
        after={**snapshot(rubric, RUBRIC_FIELDS), "copied_from": copy_from.year if copy_from else None},
    )
    return rubric


def _check_succession_rule(value: object) -> None:
    if value not in SuccessionRule.values:
        raise ValidationError(
            {
                "succession_rule": _("Choose one of the rules for units merged or split during the year: %(rules)s.")
                % {"rules": ", ".join(SuccessionRule.values)}
            }
        )


def _check_group_caps(group_caps: object) -> None:
    if not isinstance(group_caps, dict):
        raise ValidationError(
            {"group_caps": _('Give the group caps as a JSON object, e.g. {"Công tác tuyên truyền": 10}.')}
        )
    for value in group_caps.values():
        value = _decimal(value, "group_caps")
        check_value(value, Rubric._meta.get_field("total_points"), "group_caps")
        if value < 0:
            raise ValidationError({"group_caps": _("A group cap cannot be below 0.")})


@transaction.atomic
def rubric_update(*, by: User, rubric: Rubric, expected_version: int | None = None, **changes: Any) -> Rubric:
    """Change the rubric's own fields; refused (StaleVersion) if it changed since `expected_version`."""
    _require_admin(by, rubric)
    rubric = versions.lock(Rubric.objects.select_related("unit"), expected_version, pk=rubric.pk)
    _require_open(rubric)
    before = snapshot(rubric, RUBRIC_FIELDS)
    check_values(Rubric, changes)
    if "group_caps" in changes:
        _check_group_caps(changes["group_caps"])
    if "succession_rule" in changes:
        _check_succession_rule(changes["succession_rule"])
    for name, value in changes.items():
        if name not in RUBRIC_FIELDS or name == "year":
            raise ValidationError(_("%(field)s cannot be changed here.") % {"field": name})
        setattr(rubric, name, value)
    versions.bump(rubric)
    rubric.save()
    log_action(
        "scoring.rubric.changed",
        actor=by,
        obj=rubric,
        unit=rubric.unit,
        before=before,
        after=snapshot(rubric, RUBRIC_FIELDS),
    )
    return rubric


def _check_criterion(rubric: Rubric, values: dict[str, Any], instance: Criterion | None = None) -> None:
    check_values(Criterion, values)
    errors = {}
    if values.get("measure") and not measures.get(values["measure"]):
        errors["measure"] = _("Unknown measure.")
    if values.get("rule") != "manual" and not values.get("measure"):
        errors["measure"] = _("Choose the measure this rule reads, or the rule “Entered by hand”.")
    if values.get("max_points") is not None and Decimal(values["max_points"]) <= 0:
        errors["max_points"] = _("The maximum must be above 0.")
    clash = Criterion.objects.filter(rubric=rubric, code=values.get("code"))
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        errors["code"] = _("Another criterion of this rubric has the code %(code)s.") % {"code": values.get("code")}
    if values.get("max_points") is not None and "max_points" not in errors:
        _check_total_fits(rubric, values["max_points"], instance)
    if errors:
        raise ValidationError(errors)
    rules.validate(values.get("rule"), values.get("params") or {}, values.get("max_points") or 0)


@overload
def _locked(model: type[M], obj: M, expected_version: int | None) -> M: ...
@overload
def _locked(model: type[M], obj: M | None, expected_version: int | None) -> M | None: ...
def _locked(model: type[M], obj: M | None, expected_version: int | None) -> M | None:
    """The criterion or level, locked and checked against `expected_version`; None stays None (a new one)."""
    return versions.lock(model._default_manager.all(), expected_version, pk=obj.pk) if obj is not None else None


Part = TypeVar("Part", Criterion, Level)


def _save_part(
    by: User, rubric: Rubric, part: Part, values: dict[str, Any], fields: tuple[str, ...], action: str
) -> Part:
    """Write a criterion or level (a new one when `part` is not saved yet) with `values`; audited."""
    before = snapshot(part, fields) if part.pk is not None else None
    for name, value in values.items():
        setattr(part, name, value)
    if part.pk is not None:
        versions.bump(part)
    part.save()
    log_action(
        action,
        actor=by,
        obj=part,
        unit=rubric.unit,
        before=before,
        after=snapshot(part, fields),
        note=str(rubric.year),
    )
    return part


def _delete_part(
    by: User,
    model: type[Part],
    part: Part,
    expected_version: int | None,
    fields: tuple[str, ...],
    action: str,
) -> None:
    """Delete a criterion or level of an open rubric; refused (StaleVersion) if it changed since
    `expected_version`; audited."""
    rubric = part.rubric
    _require_admin(by, rubric)
    _require_open(rubric)
    part = _locked(model, part, expected_version)
    log_action(action, actor=by, obj=part, unit=rubric.unit, before=snapshot(part, fields))
    part.delete()


def _check_total_fits(rubric: Rubric, max_points: Decimal, instance: Criterion | None) -> None:
    """The criteria's maxima must add up to what a unit's stored total can hold (99,999.99)."""
    others = Criterion.objects.filter(rubric=rubric)
    if instance is not None:
        others = others.exclude(pk=instance.pk)
    total = rules.centi(max_points) + sum(
        rules.stored_centi(value) or 0 for value in others.values_list("max_points", flat=True)
    )
    limits = field_range(Score._meta.get_field("total"))
    assert limits is not None  # a DecimalField
    largest = rules.centi(limits[1])
    if total > largest:
        raise ValidationError(
            {
                "max_points": _(
                    "The criteria's maximum points would add up to %(sum)s, more than a unit's "
                    "total can hold (%(max)s)."
                )
                % {"sum": rules.points_text(total), "max": rules.points_text(largest)}
            }
        )


@transaction.atomic
def criterion_save(
    *, by: User, rubric: Rubric, criterion: Criterion | None = None, expected_version: int | None = None, **values: Any
) -> Criterion:
    """Create (criterion None) or change a criterion; a change is refused (StaleVersion) if the
    criterion changed since `expected_version`."""
    _require_admin(by, rubric)
    _require_open(rubric)
    criterion = _locked(Criterion, criterion, expected_version)
    merged = {f: getattr(criterion, f) for f in CRITERION_FIELDS} if criterion else {}
    merged.update(values)
    _check_criterion(rubric, merged, criterion)
    part = criterion or Criterion(rubric=rubric)
    return _save_part(by, rubric, part, merged, CRITERION_FIELDS, "scoring.criterion.saved")


@transaction.atomic
def criterion_delete(*, by: User, criterion: Criterion, expected_version: int | None = None) -> None:
    _delete_part(by, Criterion, criterion, expected_version, CRITERION_FIELDS, "scoring.criterion.deleted")


@transaction.atomic
def level_save(
    *, by: User, rubric: Rubric, level: Level | None = None, expected_version: int | None = None, **values: Any
) -> Level:
    """Create (level None) or change a level; a change is refused (StaleVersion) if the level
    changed since `expected_version`."""
    _require_admin(by, rubric)
    _require_open(rubric)
    check_values(Level, values)
    level = _locked(Level, level, expected_version)
    share = values.get("min_share_each")
    if share is not None and not 0 <= Decimal(share) <= 1:
        raise ValidationError({"min_share_each": _("Give the share as a number between 0 and 1 (0.5 = half).")})
    if values.get("min_total") is not None and Decimal(values["min_total"]) < 0:
        raise ValidationError({"min_total": _("The minimum total cannot be below 0.")})
    return _save_part(by, rubric, level or Level(rubric=rubric), values, LEVEL_FIELDS, "scoring.level.saved")


@transaction.atomic
def level_delete(*, by: User, level: Level, expected_version: int | None = None) -> None:
    _delete_part(by, Level, level, expected_version, LEVEL_FIELDS, "scoring.level.deleted")


@transaction.atomic
def adjust(
    *,
    by: User,
    rubric: Rubric,
    unit: Unit,
    criterion: Criterion,
    points: object,
    reason: str,
    mode: str = Adjustment.Mode.OVERRIDE,
) -> Adjustment:
    """Set (override) or shift (delta) one criterion's points for one unit, with a reason. The unit's
    stored score is refreshed at once."""
    _require_admin(by, rubric)
    _require_open(rubric)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the adjustment.")})
    if criterion.rubric_id != rubric.pk:
        raise ValidationError({"criterion": _("The criterion is not part of this rubric.")})
    if not unit.path.startswith(rubric.unit.path) or not unit.kind.is_grassroots:
        raise ValidationError({"unit": _("%(unit)s is not scored by this rubric.") % {"unit": unit.name}})
    points = _decimal(points, "points")
    check_value(points, Adjustment._meta.get_field("points"))
    if rules.stored_centi(criterion.max_points) is None:
        raise ValidationError(
            {
                "criterion": _(
                    "The maximum points of “%(criterion)s” are not a valid number: correct the criterion first."
                )
                % {"criterion": criterion.name}
            }
        )
    if mode not in Adjustment.Mode.values:
        raise ValidationError({"mode": _("Choose how the points change.")})
    if mode == Adjustment.Mode.OVERRIDE and not 0 <= points <= criterion.max_points:
        raise ValidationError(
            {
                "points": _("Give points between 0 and %(max)s for “%(criterion)s”.")
                % {"max": rules.points_text(rules.centi(criterion.max_points)), "criterion": criterion.name}
            }
        )
    if mode == Adjustment.Mode.DELTA and abs(points) > criterion.max_points:
        raise ValidationError(
            {
                "points": _("A change cannot be larger than the criterion's maximum (%(max)s).")
                % {"max": rules.points_text(rules.centi(criterion.max_points))}
            }
        )
    previous = Adjustment.objects.filter(rubric=rubric, unit=unit, criterion=criterion, active=True).first()
    Adjustment.objects.filter(rubric=rubric, unit=unit, criterion=criterion, active=True).update(active=False)
    adjustment = Adjustment.objects.create(
        rubric=rubric,
        unit=unit,
        criterion=criterion,
        mode=mode,
        points=points,
        reason=reason,
        by=by if getattr(by, "pk", None) else None,
    )
    log_action(
        "scoring.adjustment.made",
        actor=by,
        obj=unit,
        unit=unit,
        before={"mode": previous.mode, "points": str(previous.points)} if previous else None,
        after={"year": rubric.year, "criterion": criterion.code, "mode": mode, "points": str(points)},
        note=reason,
    )
    refresh_unit(rubric, unit)
    return adjustment


def refresh_unit(rubric: Rubric, unit: Unit) -> Score | None:
    """Recompute one unit's stored score (its rank stays until the next full run). A unit merged or
    split during the year is not ranked on its own: its successors' scores are refreshed instead
    (the first one's is returned)."""
    from loa.scoring.engine import running_score, scored_units
    from loa.scoring.models import Score
    from loa.units.selectors import successors

    if rubric.frozen:
        return None
    taken_over = [
        s.successor
        for s in successors(unit)
        if s.on.year == rubric.year and scored_units(rubric).filter(pk=s.successor_id).exists()
    ]
    if taken_over and scored_units(rubric).filter(pk=unit.pk).exists():
        Score.objects.filter(year=rubric.year, unit=unit).delete()
        refreshed = [refresh_unit(rubric, successor) for successor in taken_over]
        return refreshed[0]
    _book, result, _readings, _adj = running_score(rubric, unit)
    values = {
        "rubric": rubric,
        "unit_path": unit.path,
        "unit_sort": unit.name_sort,
        "kind_id": unit.kind_id,
        "total": Decimal(result.total) / 100,
        "level_id": result.level.id if result.level else None,
        "level_name": result.level.name if result.level else "",
        "points": {c: p / 100 for c, p in result.points.items()},
        "readings": {c: list(v) for c, v in result.readings.items()},
        "computed_at": timezone.now(),
        "digest": None,  # its rank is stale: the next full run writes the row again
        "succession": result.succession.as_dict() if result.succession is not None else None,
    }
    score, _created = Score.objects.update_or_create(year=rubric.year, unit=unit, defaults=values)
    return score


@transaction.atomic
def freeze(*, by: User, rubric: Rubric, today: date | None = None) -> Rubric:
    """Compute every unit's result one last time and keep it: the year's results never change again."""
    from loa.scoring.engine import score_year

    _require_admin(by, rubric)
    _require_open(rubric)
    count = score_year(rubric, today=today)
    Rubric.objects.filter(pk=rubric.pk).update(
        frozen_at=timezone.now(), frozen_by=by if getattr(by, "pk", None) else None
    )
    rubric.refresh_from_db()
    log_action(
        "scoring.year.frozen", actor=by, obj=rubric, unit=rubric.unit, after={"year": rubric.year, "units": count}
    )
    return rubric


@transaction.atomic
def unfreeze(*, by: User, rubric: Rubric, reason: str) -> Rubric:
    _require_admin(by, rubric)
    if not rubric.frozen:
        raise ValidationError(_("The results of %(year)s are not frozen.") % {"year": rubric.year})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for unfreezing the year.")})
    before = {
        "frozen_at": rubric.frozen_at.isoformat() if rubric.frozen_at else None,
        "frozen_by": str(rubric.frozen_by or ""),
    }
    Rubric.objects.filter(pk=rubric.pk).update(frozen_at=None, frozen_by=None)
    rubric.refresh_from_db()
    log_action(
        "scoring.year.unfrozen",
        actor=by,
        obj=rubric,
        unit=rubric.unit,
        before=before,
        after={"year": rubric.year},
        note=reason.strip(),
    )
    return rubric


def recompute(*, by: User, rubric: Rubric, run_now: bool = False) -> Job:
    """Score the whole year in the background (a job); returns the job."""
    from loa.jobs.services import enqueue

    _require_admin(by, rubric)
    _require_open(rubric)
    return enqueue("scoring.score_year", by=by, unit=rubric.unit, run_now=run_now, year=rubric.year)
