"""Scoring rules: pure functions from a reading to points, in hundredths of a point (integers, so that
every unit's criteria add up to its total exactly).

Parameters (Criterion.params):
- proportional: {"target": 1.0}  points = max × min(1, value ÷ target); value = amount ÷ base, or the
  amount itself when the measure has no base (then target is a count: 5 pieces for full points);
- thresholds: {"steps": [[0.9, 10], [0.7, 6], [0.5, 3]]}  the points of the first step whose value
  is reached (highest first), never above max;
- yes_no: {"min": 1}  full points when the value reaches min (a flag: when it is true);
- timeliness: {"on_time": 1, "late": 0.5, "missing": 0}  the share of max for each state;
  "exempt" (nothing was expected of the unit) gives full points;
- manual: {"default": 0}  a share of max until an adjustment sets the points.
"""

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from loa.scoring.models import Rule

TIMELINESS_DEFAULTS = {"on_time": 1.0, "late": 0.5, "missing": 0.0, "exempt": 1.0}


def centi(value):
    """Decimal or number of points -> integer hundredths."""
    return int((Decimal(str(value)) * 100).to_integral_value())


def stored_centi(value):
    """A stored number of points -> integer hundredths, or None when it is damaged: NaN (what SQLite
    reads beyond its column, what PostgreSQL can hold), an infinity, or no number at all. The one
    place where the engine and the pages turn what the database holds into points: a damaged value
    is left out and shown as invalid, never a 500."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return centi(number) if number.is_finite() else None


def points_text(cp):
    """Hundredths -> "7.5", "10", "-2.25"; None (a damaged stored value) -> "invalid"."""
    if cp is None:
        return str(_("invalid"))
    text = f"{cp / 100:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class Spec:
    """A criterion as the engine reads it (no database access)."""

    code: str
    max: int  # hundredths
    rule: str
    params: dict
    measure: str
    is_bonus: bool = False
    group: str = ""
    no_base: str = "zero"
    valid: bool = True  # False: a damaged maximum or parameters; the criterion gives 0 until repaired

    @classmethod
    def of(cls, criterion, measure=None):
        top = stored_centi(criterion.max_points)
        params = criterion.params if isinstance(criterion.params, dict) else {}
        valid = top is not None and _params_work(criterion.rule, params, top)
        return cls(
            code=criterion.code,
            max=top if valid else 0,
            rule=criterion.rule if valid else Rule.MANUAL,
            params=params if valid else {},
            measure=criterion.measure,
            is_bonus=criterion.is_bonus,
            group=criterion.group,
            no_base=getattr(measure, "no_base", "zero"),
            valid=valid,
        )


def _params_work(rule, params, top):
    try:
        validate(rule, params, Decimal(top) / 100)
    except ValidationError:
        return False
    return True


def value_of(reading):
    """amount ÷ base, the amount when there is no base, None when the base is 0."""
    amount, base = reading
    if base is None:
        return amount
    if not base:
        return None
    return amount / base


def points(spec, reading):
    return compile_rule(spec)(reading)


def compile_rule(spec):
    """The rule of `spec` as a function reading -> hundredths, its parameters parsed once (the engine
    calls it for every unit)."""
    rule, p, top = spec.rule, spec.params, spec.max
    if rule == Rule.TIMELINESS:
        share = {**TIMELINESS_DEFAULTS, **{k: v for k, v in p.items() if k in TIMELINESS_DEFAULTS}}
        by_state = {state: round(top * float(v)) for state, v in share.items()}
        return lambda reading: by_state.get(reading[0], 0)
    if rule == Rule.MANUAL:
        fixed = round(top * float(p.get("default", 0)))
        return lambda reading: fixed
    if_no_base = top if spec.no_base == "full" else 0
    if rule == Rule.PROPORTIONAL:
        per = top / (float(p.get("target", 1)) or 1)

        def proportional(reading):
            amount, base = reading
            if base is None:
                value = amount
            elif not base:
                return if_no_base
            else:
                value = amount / base
            return top if value * per >= top else (0 if value <= 0 else round(value * per))

        return proportional
    if rule == Rule.THRESHOLDS:
        steps = sorted(((float(t) - 1e-9, min(top, centi(pts))) for t, pts in p.get("steps", [])), reverse=True)

        def thresholds(reading):
            value = value_of(reading)
            if value is None:
                return if_no_base
            for threshold, pts in steps:
                if value >= threshold:
                    return pts
            return 0

        return thresholds
    if rule == Rule.YES_NO:
        least = float(p.get("min", 1)) - 1e-9

        def yes_no(reading):
            value = value_of(reading)
            if value is None:
                return if_no_base
            return top if float(value or 0) >= least else 0

        return yes_no
    return lambda reading: 0


def _number(value):
    """A parameter as a finite float; ValueError for NaN, an infinity or 1e400 (what JSON can carry)."""
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def validate(rule, params, max_points):
    """Clear messages for parameters that cannot work."""
    if not isinstance(params, dict):
        raise ValidationError({"params": _('The rule parameters must be a JSON object, e.g. {"target": 1}.')})
    try:
        if rule == Rule.PROPORTIONAL and _number(params.get("target", 1)) <= 0:
            raise ValidationError({"params": _("The target must be above 0.")})
        if rule == Rule.THRESHOLDS:
            steps = params.get("steps")
            if not steps or not all(isinstance(s, (list, tuple)) and len(s) == 2 for s in steps):
                raise ValidationError(
                    {
                        "params": _(
                            'Give the thresholds as a list of [value, points] pairs, e.g. {"steps": [[0.9, 10], [0.5, 5]]}.'
                        )
                    }
                )
            for threshold, pts in steps:
                _number(threshold)
                if _number(pts) > _number(max_points):
                    raise ValidationError({"params": _("A threshold gives more points than the criterion's maximum.")})
        if rule in (Rule.YES_NO, Rule.MANUAL):
            _number(params.get("min" if rule == Rule.YES_NO else "default", 1))
        if rule == Rule.TIMELINESS:
            for key, share in params.items():
                if key not in TIMELINESS_DEFAULTS or not 0 <= _number(share) <= 1:
                    raise ValidationError({"params": _("Give on_time, late and missing as shares between 0 and 1.")})
    except (TypeError, ValueError, ArithmeticError):
        raise ValidationError({"params": _("The rule parameters hold a value that is not a number.")}) from None
