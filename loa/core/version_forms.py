"""The page side of version checks (`loa.core.versions`): the hidden version field, and the conflict.

A form with `VersionedFormMixin` carries the version its page was showing. When the service refuses
the change as stale, `add_service_errors` calls `show_conflict`: the form keeps everything the user
typed, lists each field whose stored value now differs from theirs (the stored value beside theirs,
template `_conflict.html`), and takes the newer version, so that saving again is a deliberate
"keep mine" and reloading the page is "keep theirs". The view answers 409.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loa.core.versions import MAX_VERSION, StaleVersion

if TYPE_CHECKING:
    from loa.audit.models import AuditEntry

    _FormBase = forms.BaseForm  # the mixin is always mixed into a form: its attributes are a form's
else:
    _FormBase = object

OUT_OF_DATE = gettext_lazy(
    "This page is out of date or incomplete (it does not say which version it started from). "
    "Reload it and make your change again."
)
EMPTY = "—"

# How the panel finds the newest change of a row (who and when): `loa.audit`, a layer above core,
# registers it when it loads (`AuditConfig.ready`), so that core imports no app.
last_change_of = None


class Conflict:
    """What the conflict panel shows: the row as stored now, and the fields that differ."""

    def __init__(self, current: Any, rows: list[dict[str, Any]]) -> None:
        self.current, self.rows = current, rows

    def last_change(self) -> AuditEntry | None:
        """The audit entry of the newest change of the row (who and when), if there is one."""
        return last_change_of(self.current) if last_change_of is not None else None


def _plain(value: Any) -> Any:
    """A value reduced to something comparable: model instances by key, sets for many."""
    if isinstance(value, models.Manager):
        value = list(value.all())
    if isinstance(value, (list, tuple, set, models.QuerySet)):
        return frozenset(_plain(v) for v in value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    return value


def _text(field: forms.Field, value: Any) -> str:
    """A value as the panel shows it."""
    if isinstance(value, models.Manager):
        value = list(value.all())
    if value in (None, "") or (isinstance(value, (list, tuple, set)) and not value):
        return EMPTY
    if isinstance(field, forms.ModelChoiceField):
        items = value if isinstance(value, (list, tuple, set, models.QuerySet)) else [value]
        keys = [getattr(item, "pk", item) for item in items]
        queryset = field.queryset
        names = (
            {obj.pk: str(obj) for obj in queryset.model._default_manager.filter(pk__in=keys)}
            if queryset is not None
            else {}
        )
        return ", ".join(names.get(key, str(key)) for key in keys)
    if isinstance(field, forms.BooleanField) or isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(field, forms.ChoiceField):
        labels: dict[Any, Any] = {}
        for key, label in field.choices:  # type: ignore[misc, union-attr]  # a form field's are a list
            if isinstance(label, (list, tuple)):
                labels.update(label)
            else:
                labels[key] = label
        return str(labels.get(value, value))
    if isinstance(value, datetime):
        return formats.date_format(
            timezone.localtime(value) if timezone.is_aware(value) else value, "SHORT_DATETIME_FORMAT"
        )
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        return formats.number_format(value.normalize() if value == value.to_integral() else value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class VersionedFormMixin(_FormBase):
    """A form that carries the version of the row it edits (hidden field `version`).

    The version is the instance's (a ModelForm editing a saved row) or `version=` (any other form;
    0 for "nothing stored yet"). Without either, the form has no version field (a creation form).
    Override `stored_values(current)` when the form's fields are not the row's attributes, and list
    in `conflict_display` how to show a field's values ({name: function}).
    """

    conflict = None
    conflict_display: ClassVar[dict] = {}

    def __init__(self, *args: Any, version: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if version is None and instance is not None and instance.pk is not None:
            version = instance.version
        if version is None:
            return
        message = OUT_OF_DATE
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput,
            initial=version,
            min_value=0,
            max_value=MAX_VERSION,
            error_messages={"required": message, "invalid": message, "min_value": message, "max_value": message},
        )

    def full_clean(self) -> None:
        super().full_clean()
        # The hidden field's error reads as a message about the page, above the form.
        errors = getattr(self, "_errors", None) or {}
        if "version" in errors:
            errors.setdefault(NON_FIELD_ERRORS, self.error_class(error_class="nonfield", renderer=self.renderer))
            errors[NON_FIELD_ERRORS].extend(errors.pop("version"))

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version") if "version" in self.fields else None

    def edited_values(self) -> dict[str, Any]:
        """The cleaned values of the form's own fields, without its version."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}

    def stored_values(self, current: Any) -> dict[str, Any]:
        """{field name: value as stored now} for the fields the form edits."""
        return {name: getattr(current, name) for name in self.fields if name != "version" and hasattr(current, name)}

    def show_conflict(self, exc: StaleVersion) -> None:
        """Keep the user's input, show the stored values that differ, and take the newer version."""
        current = exc.current
        rows = []
        for name, stored in self.stored_values(current).items():
            field = self.fields[name]
            mine = self.cleaned_data.get(name) if name in getattr(self, "cleaned_data", {}) else self[name].value()
            if _plain(stored) == _plain(mine):
                continue
            show = self.conflict_display.get(name)
            rows.append(
                {
                    "name": name,
                    "label": field.label or name,
                    "theirs": (show(stored) or EMPTY) if show else _text(field, stored),
                    "yours": (show(mine) or EMPTY) if show else _text(field, mine),
                }
            )
        self.conflict = Conflict(current, rows)
        if "version" in self.fields:
            self.data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict; the stubs say Mapping
            self.data[self.add_prefix("version")] = str(current.version)  # type: ignore[index]
        self.add_error(None, exc)


def conflict_status(form: forms.BaseForm, default: int = 200) -> int:
    """The status of a page that shows `form` again: 409 when it shows a conflict."""
    return 409 if getattr(form, "conflict", None) is not None else default
