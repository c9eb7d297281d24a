"""Numbers within range: every number a form or a service takes fits the column it goes into.

A model field's range is what PostgreSQL holds, whatever the database in use: SQLite stores any
integer and any decimal, and data written there must still move to PostgreSQL (where an integer
out of range or a 12345678.5 in a DecimalField(6, 2) makes the write itself a 500). So:

- `field_range(model_field)`: PositiveSmallIntegerField 0..32767, PositiveIntegerField
  0..2147483647, IntegerField, BigIntegerField…; a DecimalField(6, 2) ±9999.99;
- forms: `bound(form_field, least, greatest)` narrows a number field with a Vietnamese message;
  `loa.core.forms.ModelForm` applies the model's ranges to every number field it builds;
- services and every other write: `check_ranges(instance)` (the models' guard, `loa.core.guards`,
  runs it before every save) and `check_value(value, model_field)` for a number kept elsewhere
  (a JSON value bound for a DecimalField's column).
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import DecimalValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models.expressions import Combinable
from django.utils import formats
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

Number = int | Decimal

# {internal type: (least, greatest)}: PostgreSQL's ranges (smallint, integer, bigint), Django's own table.
INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges
NUMBER_FORM_FIELDS = (forms.IntegerField, forms.DecimalField, forms.FloatField)  # DecimalField, FloatField subclass it

OUT_OF_RANGE = _("Enter a number from %(least)s to %(greatest)s.")
TOO_MANY_PLACES = _("Enter at most %(max)s digits after the decimal point.")


def decimal_limit(max_digits: int, decimal_places: int) -> Decimal:
    """The largest value of a DecimalField(max_digits, decimal_places): (6, 2) -> 9999.99."""
    return Decimal(10) ** (max_digits - decimal_places) - Decimal(1).scaleb(-decimal_places)


def field_range(field: object) -> tuple[Number, Number] | None:
    """(least, greatest) that `field` (a model field) holds on every database; None when it is no number."""
    if isinstance(field, models.DecimalField):
        if field.max_digits is None or field.decimal_places is None:
            return None
        top = decimal_limit(field.max_digits, field.decimal_places)
        return -top, top
    if isinstance(field, models.IntegerField):
        return INTEGER_RANGES.get(field.get_internal_type())
    return None


def in_range(value: Any, field: models.Field[Any, Any]) -> bool:
    """Whether `value` is a finite number `field` can hold (False for NaN and infinities)."""
    limits = field_range(field)
    try:
        if isinstance(value, Decimal) and not value.is_finite():
            return False
        return limits is None or limits[0] <= value <= limits[1]
    except (TypeError, ValueError, InvalidOperation):
        return False


def _shown(number: Number) -> str:
    """A limit as the reader writes numbers (9.999,99 in Vietnamese)."""
    return formats.number_format(number, use_l10n=True, force_grouping=True)


def out_of_range_error(least: Number, greatest: Number, code: str = "out_of_range") -> ValidationError:
    return ValidationError(OUT_OF_RANGE, code=code, params={"least": _shown(least), "greatest": _shown(greatest)})


@deconstructible
class RangeValidator:
    """least <= value <= greatest, with one message that names both ends. Its codes are Django's own
    (min_value, max_value), so a form's error_messages for them still apply."""

    def __init__(self, least: Number, greatest: Number) -> None:
        self.least, self.greatest = least, greatest

    def __call__(self, value: Any) -> None:
        if value is None:
            return
        if value < self.least:
            raise out_of_range_error(self.least, self.greatest, "min_value")
        if value > self.greatest:
            raise out_of_range_error(self.least, self.greatest, "max_value")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RangeValidator) and (self.least, self.greatest) == (other.least, other.greatest)


def bound(form_field: forms.IntegerField, least: Number, greatest: Number) -> forms.IntegerField:
    """Narrow a form's number field to [least, greatest]; bounds it already has that are narrower stay.
    A DecimalField's digit count is then the range's business: only its decimal places are checked."""
    if form_field.min_value is not None:
        least = max(least, form_field.min_value)
    if form_field.max_value is not None:
        greatest = min(greatest, form_field.max_value)
    form_field.min_value, form_field.max_value = least, greatest  # type: ignore[assignment]  # Decimals too
    replaced = (MinValueValidator, MaxValueValidator, RangeValidator, DecimalValidator)
    form_field.validators = [v for v in form_field.validators if not isinstance(v, replaced)]
    if isinstance(form_field, forms.DecimalField) and form_field.decimal_places is not None:
        form_field.validators.append(DecimalValidator(None, form_field.decimal_places))
        form_field.error_messages.setdefault("max_decimal_places", TOO_MANY_PLACES)
    form_field.validators.append(RangeValidator(least, greatest))
    form_field.widget.attrs.update(form_field.widget_attrs(form_field.widget))  # min and max for the browser
    return form_field


def bound_to_model(form_fields: dict[str, forms.Field], model: type[models.Model]) -> None:
    """Narrow every number field of a form to the range of the model field of the same name."""
    for name, form_field in form_fields.items():
        if not isinstance(form_field, NUMBER_FORM_FIELDS):
            continue
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a field the form adds of its own
            continue
        limits = field_range(model_field)
        if limits is not None:
            bound(form_field, *limits)


def model_number_field(model: type[models.Model], name: str, **kwargs: Any) -> forms.IntegerField:
    """The form field of `model`'s number field `name`, within its range: for a plain form whose
    number ends up in that column (a quota's target, a count of Likes)."""
    model_field = model._meta.get_field(name)
    limits = field_range(model_field)
    form_field = model_field.formfield(**kwargs) if isinstance(model_field, models.Field) else None
    if limits is None or not isinstance(form_field, forms.IntegerField):
        raise ValueError(f"{model.__name__}.{name} is not a number field")
    return bound(form_field, *limits)


def check_value(value: Any, field: models.Field[Any, Any], name: str | None = None) -> None:
    """A ValidationError {name: message} when `value` is no finite number within `field`'s range.
    A value that is no number at all ("abc") is left to the field's own checks."""
    if value is None or isinstance(value, Combinable):
        return
    finite = value.is_finite() if isinstance(value, Decimal) else not isinstance(value, float) or math.isfinite(value)
    if finite:
        try:
            value = field.to_python(value)
        except ValidationError:
            return
    if not (finite and in_range(value, field)):
        limits = field_range(field)
        if limits is None:  # no number field (never one of number_fields): its own checks judge the value
            return
        raise ValidationError({name or field.name: out_of_range_error(*limits)})


def check_values(model: type[models.Model], values: dict[str, Any]) -> None:
    """`check_value` for every number field of `model` named in `values` (a service's keyword
    arguments), before the service compares them: Decimal("NaN") < 0 raises, it does not answer."""
    errors = {}
    for field in number_fields(model):
        if field.name in values:
            try:
                check_value(values[field.name], field)
            except ValidationError as exc:
                errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)


def check_ranges(instance: models.Model) -> None:
    """Every number field of a model instance within its range (expressions such as F() + 1 are the
    database's business): a ValidationError naming each field that is not."""
    model = type(instance)
    check_values(model, {field.name: getattr(instance, field.attname) for field in number_fields(model)})


_NUMBER_FIELDS: dict[type[models.Model], list[models.Field[Any, Any]]] = {}


def number_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The concrete number fields of `model` (integers and decimals, keys excluded), looked up once."""
    found = _NUMBER_FIELDS.get(model)
    if found is None:
        found = _NUMBER_FIELDS[model] = [
            f
            for f in model._meta.concrete_fields
            if field_range(f) is not None and not f.is_relation and not f.primary_key
        ]
    return found
