"""Numbers within range: every number field of every form has both bounds, from its model's column
where there is one, and says what it accepts in Vietnamese; services refuse what a column cannot hold."""

import importlib
import pkgutil
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation

import loa
from loa.core.numbers import NUMBER_FORM_FIELDS, check_ranges, field_range, model_number_field

SKIPPED_MODULES = ("loa.wsgi", "loa.celery", "loa.settings", "loa.test_settings")


def _every_form_class():
    for module in pkgutil.walk_packages(loa.__path__, "loa."):
        name = module.name
        if ".tests" in name or ".migrations" in name or name in SKIPPED_MODULES:
            continue
        importlib.import_module(name)
    found, todo = set(), [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("loa.") and ".tests" not in sub.__module__:
                found.add(sub)
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


def test_every_number_field_of_every_form_has_both_bounds():
    classes = _every_form_class()
    assert len(classes) > 20
    unbounded = [
        f"{c.__module__}.{c.__name__}.{name}"
        for c in classes
        for name, field in c.base_fields.items()
        if isinstance(field, NUMBER_FORM_FIELDS) and (field.min_value is None or field.max_value is None)
    ]
    assert not unbounded, unbounded


@pytest.mark.parametrize(
    ("field", "limits"),
    [
        (models.PositiveSmallIntegerField(), (0, 32767)),
        (models.PositiveIntegerField(), (0, 2147483647)),
        (models.IntegerField(), (-2147483648, 2147483647)),
        (models.BigIntegerField(), (-9223372036854775808, 9223372036854775807)),
        (models.DecimalField(max_digits=6, decimal_places=2), (Decimal("-9999.99"), Decimal("9999.99"))),
        (models.DecimalField(max_digits=4, decimal_places=2), (Decimal("-99.99"), Decimal("99.99"))),
        (models.CharField(), None),
    ],
)
def test_a_columns_range_is_postgresqls_whatever_the_database(field, limits):
    assert field_range(field) == limits


def test_a_form_field_from_the_model_refuses_a_number_beyond_its_column_in_vietnamese():
    from loa.articles.models import Quota

    field = model_number_field(Quota, "target", label="Chỉ tiêu")
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        field.clean("2147483648")
    assert refused.value.messages == ["Nhập một số từ 0 đến 2.147.483.647."]
    assert field.clean("2147483647") == 2147483647
    assert field.widget.attrs["max"] == 2147483647


def test_a_decimal_beyond_its_column_gets_one_message_and_too_many_decimals_another():
    from loa.scoring.models import Adjustment

    field = model_number_field(Adjustment, "points", label="Điểm")
    with translation.override("vi"):
        for raw, message in (
            ("12345678.5", "Nhập một số từ -9.999,99 đến 9.999,99."),
            ("1.005", "Chỉ nhập tối đa 2 chữ số sau dấu thập phân."),
        ):
            with pytest.raises(ValidationError) as refused:
                field.clean(raw)
            assert refused.value.messages == [message]
    assert field.clean("-9999.99") == Decimal("-9999.99")


def test_a_service_write_beyond_a_column_is_refused_before_the_database(db):
    from loa.scoring.models import Criterion

    criterion = Criterion(code="x", name="X", max_points=Decimal("12345678.5"), order=40000)
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        check_ranges(criterion)
    assert refused.value.message_dict == {
        "order": ["Nhập một số từ 0 đến 32.767."],
        "max_points": ["Nhập một số từ -9.999,99 đến 9.999,99."],
    }


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), float("nan"), float("-inf")])
def test_a_number_that_is_not_finite_is_refused_too(db, value):
    from loa.scoring.models import Level

    with pytest.raises(ValidationError):
        check_ranges(Level(name="Tốt", min_total=value))
