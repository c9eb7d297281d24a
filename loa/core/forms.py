"""How a page shows what a service refused; the ModelForm every page builds on."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import ModelFormMetaclass
from django.http import HttpRequest

from loa.core.numbers import NUMBER_FORM_FIELDS, bound_to_model


class _RangedModelFormMetaclass(ModelFormMetaclass):
    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> type:
        form_class = super().__new__(mcs, name, bases, attrs)
        model = getattr(getattr(form_class, "_meta", None), "model", None)
        if model is not None:
            bound_to_model(form_class.base_fields, model)  # type: ignore[attr-defined]  # a form class, made above
        return form_class


def _usable(value: object, form_field: forms.Field) -> bool:
    try:
        form_field.clean(value)
    except forms.ValidationError:
        return False
    return True


class ModelForm(forms.ModelForm, metaclass=_RangedModelFormMetaclass):
    """A ModelForm whose number fields refuse, in Vietnamese, what their column cannot hold (a
    PositiveSmallIntegerField above 32767, 12345678.5 for a DecimalField(6, 2)) instead of letting
    the database refuse it with a 500 (PostgreSQL) or keep it (SQLite)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A damaged stored number (NaN, beyond the column) is not offered back: the field shows empty
        # and the page that repairs it opens.
        for name, form_field in self.fields.items():
            value = self.initial.get(name)
            if value is not None and isinstance(form_field, NUMBER_FORM_FIELDS) and not _usable(value, form_field):
                self.initial[name] = None


from loa.core.versions import StaleVersion


def add_service_errors(form: forms.BaseForm, exc: ValidationError, default_field: str | None = None) -> None:
    """Put a service's ValidationError on the form fields it names (above the form for fields it
    lacks); an error naming no field goes on `default_field`, or above the form. A stale version
    becomes the form's conflict (`VersionedFormMixin.show_conflict`): the newer values beside the
    user's."""
    if isinstance(exc, StaleVersion) and hasattr(form, "show_conflict"):
        form.show_conflict(exc)
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(default_field, exc.messages)


def flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    """A service's refusal as messages on the next page (for actions without a form)."""
    for message in exc.messages:
        messages.error(request, message)
