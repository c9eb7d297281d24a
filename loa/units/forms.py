from typing import ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from loa.accounts.capabilities import Capability
from loa.accounts.scope import manages_whole_tree, units_for
from loa.core.forms import ModelForm
from loa.core.numbers import model_number_field
from loa.core.phones import display_phone, normalize_phone
from loa.core.validators import OneLineField
from loa.core.version_forms import VersionedFormMixin
from loa.units.kind_services import CODE_MAX, NAME_MAX, ORDER_MAX, clean_kind_code, clean_kind_name
from loa.units.models import Unit, UnitKind
from loa.units.services import EDITABLE_FIELDS

# What a picker offers, by the capability its page needs: `purpose` names it in the picker's URL.
PICKER_PURPOSES = {
    "view": Capability.VIEW,
    "manage": Capability.MANAGE_UNITS,
    "users": Capability.MANAGE_USERS,
    "audit": Capability.VIEW_AUDIT,
}


class UnitPicker(forms.Widget):
    """A unit chooser that scales to thousands of units: an accent-insensitive search box whose
    results (HTMX, from units:pick) replace the widget with the chosen unit. Never lists all units.

    Each result and the chosen unit show the name, the code and the parent's short name
    (`units/_unit_choice.html`). The chosen unit is looked up only among `units` (the field's
    scope): a unit out of reach typed into the query string is never named. `announce` marks a
    widget that the picker view swaps in after a pick or a clear: loa.js then sends a
    `unit-picked` event up from it, on which a filter form refreshes its list.
    """

    template_name = "units/widgets/unit_picker.html"

    def __init__(self, *, purpose="manage", exclude=None, units=None, announce=False, attrs=None):
        super().__init__(attrs)
        self.purpose, self.exclude, self.units, self.announce = purpose, exclude, units, announce

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            unit=self.chosen(value),
            url=reverse("units:pick"),
            purpose=self.purpose,
            exclude=self.exclude or "",
            announce=self.announce,
        )
        return context

    def chosen(self, value):
        if isinstance(value, Unit):
            return value
        if value in (None, "") or self.units is None:
            return None
        try:
            pk = int(value)
        except (TypeError, ValueError):
            return None
        return self.units.select_related("kind", "parent").filter(pk=pk).first()

    def value_from_datadict(self, data, files, name):
        return data.get(name) or None


class UnitChoiceField(forms.ModelChoiceField):
    """A unit picked by search among the units where `user` holds the purpose's capability."""

    def __init__(self, *, user, purpose="manage", exclude=None, **kwargs):
        kwargs.setdefault(
            "error_messages", {"invalid_choice": _("Choose a unit from the search results: one you manage.")}
        )
        units = units_for(user, PICKER_PURPOSES[purpose])
        super().__init__(queryset=units, widget=UnitPicker(purpose=purpose, exclude=exclude, units=units), **kwargs)


class PickedUnitFilter(forms.Form):
    """A list's filter by a unit and the units below it, picked by search (`unit=<id>` in the
    query string). Use `picked_unit()`."""

    def __init__(self, data, *, user, purpose, label):
        super().__init__(data)
        self.fields["unit"] = UnitChoiceField(
            user=user,
            purpose=purpose,
            required=False,
            label=label,
            error_messages={"invalid_choice": _("Choose a unit from the search results.")},
        )


def picked_unit(data, *, user, purpose, label):
    """The filter form of a list filtered by a unit picked by search, and that unit (None when
    none is picked). A unit out of the user's reach, or no unit at all, is a 404: the page never
    names it."""
    form = PickedUnitFilter(data, user=user, purpose=purpose, label=label)
    if not form.is_valid():
        raise Http404
    return form, form.cleaned_data["unit"]


def clean_phone_field(value):
    try:
        return normalize_phone(value)
    except ValidationError:
        raise ValidationError(
            _("“%(value)s” is not a valid Vietnamese phone number; write it as 0912 345 678 or 0206 3852 123."),
            code="invalid_phone",
            params={"value": value},
        ) from None


DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class UnitForm(VersionedFormMixin, ModelForm):
    """The unit's own fields, for creating and editing (with the unit's version). Parent, end date:
    see move and deactivate."""

    conflict_display: ClassVar[dict] = {"phone": display_phone}
    field_order: ClassVar[list[str]] = ["name", "short_name"]  # then the code and the rest

    class Meta:
        model = Unit
        fields: ClassVar[list[str]] = [f for f in EDITABLE_FIELDS if f != "active_to"]
        widgets: ClassVar[dict] = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "active_from": DATE_WIDGET,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # A retired kind is not offered, except to the unit that has it (it keeps it).
        kind_field = self.fields["kind"]
        kind_field.queryset = UnitKind.objects.offered(keep=self.instance.kind_id if self.instance.pk else None)
        kind_field.empty_label = None
        kind_field.label_from_instance = _kind_label
        if self.instance.pk and self.instance.phone and not self.is_bound:
            self.initial["phone"] = display_phone(self.instance.phone)
        self.fields["phone"].help_text = _("A Vietnamese number, e.g. 0912 345 678.")

    def clean_phone(self):
        return clean_phone_field(self.cleaned_data.get("phone", ""))

    def clean_code(self):
        return self.cleaned_data["code"].strip()

    def validate_unique(self):
        # The service checks the code and says which unit clashes.
        pass

    def unit_fields(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def _kind_label(kind):
    return _("%(kind)s (retired)") % {"kind": kind.name} if kind.is_retired else kind.name


class UnitCreateForm(UnitForm):
    """A new unit under a parent; an administrator of the whole tree may leave the parent empty
    for a top-level unit."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        whole_tree = manages_whole_tree(user)
        self.fields["parent"] = UnitChoiceField(
            user=user,
            label=_("Parent unit"),
            required=not whole_tree,
            help_text=_("Leave it empty for a top-level unit.") if whole_tree else "",
        )
        self.order_fields(["parent"])


class UnitMoveForm(VersionedFormMixin, forms.Form):
    def __init__(self, *args, user, unit, **kwargs):
        super().__init__(*args, version=unit.version, **kwargs)
        self.fields["new_parent"] = UnitChoiceField(
            user=user,
            exclude=unit.pk,
            label=_("New parent unit"),
            help_text=_("The unit moves with every unit under it; its records stay with it."),
        )
        self.fields["on"] = forms.DateField(
            label=_("From"),
            required=False,
            widget=DATE_WIDGET,
            help_text=_("The first day under the new parent; today if left empty."),
        )

    def stored_values(self, current):
        return {"new_parent": current.parent}


class UnitDeactivateForm(VersionedFormMixin, forms.Form):
    """The end date and its reason, with the version of the unit (pass `version=unit.version`)."""

    active_to = forms.DateField(
        label=_("Last active day"),
        widget=DATE_WIDGET,
        help_text=_("From the next day the unit is no longer expected to report."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. merged into another unit under decision no. …"),
    )

    def stored_values(self, current):
        return {"active_to": current.active_to}


class UnitReactivateForm(VersionedFormMixin, forms.Form):
    """Only the unit's version (pass `version=unit.version`): the page is a confirmation."""


class UnitFilterForm(forms.Form):
    """The list's filters; the same ones feed the export."""

    STATUS_CHOICES: ClassVar[list] = [
        ("", _("Active and inactive")),
        ("active", _("Active today")),
        ("inactive", _("Inactive")),
    ]

    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args, user, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds"))] + [(k.code, k.name) for k in kinds]
        self.fields["under"] = UnitChoiceField(
            user=user,
            purpose="view",
            required=False,
            label=_("Under the unit"),
            error_messages={"invalid_choice": _("Choose a unit from the search results.")},
        )


ORDER_ERROR = _("The order is a whole number from 0 to %(max)d.")


class UnitKindForm(forms.Form):
    """A unit kind's fields; the code is locked once units have the kind."""

    name = OneLineField(label=_("Name"), max_length=NAME_MAX, help_text=_("E.g. Công đoàn ngành."))
    code = OneLineField(
        label=_("Code"),
        max_length=CODE_MAX,
        help_text=_(
            "Latin letters without accents, digits and hyphens, e.g. cd-nganh. Imports and the API "
            "name the kind by it; it can no longer change once units have the kind."
        ),
    )
    is_grassroots = forms.BooleanField(
        label=_("Grassroots union (CĐCS)"),
        required=False,
        help_text=_("Units of this kind file reports, post on their Fanpage and are scored."),
    )
    order = forms.IntegerField(
        label=_("Order"),
        min_value=0,
        max_value=ORDER_MAX,
        required=False,
        help_text=_("Kinds are listed by this number, from the top of the tree down. Empty: last."),
    )

    def __init__(self, *args, kind=None, units_count=0, **kwargs):
        if kind is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": kind.name,
                    "code": kind.code,
                    "is_grassroots": kind.is_grassroots,
                    "order": kind.order,
                },
            )
        super().__init__(*args, **kwargs)
        message = ORDER_ERROR % {"max": ORDER_MAX}
        self.fields["order"].error_messages.update(invalid=message, min_value=message, max_value=message)
        if kind is not None:
            self.fields["order"].required = True
            self.fields["order"].help_text = _("Kinds are listed by this number, from the top of the tree down.")
        if units_count:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("Units have this kind: its code can no longer change.")

    def clean_name(self):
        return clean_kind_name(self.cleaned_data["name"])

    def clean_code(self):
        return clean_kind_code(self.cleaned_data["code"])


class UnitMergeForm(forms.Form):
    """Merge a unit (the page's) with one or two others into an existing unit or a new one, from a date."""

    def __init__(self, *args, user, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"] = UnitChoiceField(user=user, exclude=unit.pk, label=_("Merge with"))
        self.fields["other_2"] = UnitChoiceField(user=user, exclude=unit.pk, label=_("And with"), required=False)
        self.fields["target"] = UnitChoiceField(
            user=user,
            label=_("Into the existing unit"),
            required=False,
            help_text=_("Leave empty to create a new unit under the same parent."),
        )
        self.order_fields(["other", "other_2", "on", "target", "new_code", "new_name"])

    on = forms.DateField(
        label=_("From"), widget=DATE_WIDGET, help_text=_("The merged units close the day before this date.")
    )
    new_code = OneLineField(label=_("Code of the new unit"), max_length=40, required=False)
    new_name = OneLineField(label=_("Name of the new unit"), max_length=255, required=False)
    members_count = model_number_field(
        Unit, "members_count", label=_("Members"), required=False, help_text=_("By default the sum of the units'.")
    )
    staff_count = model_number_field(
        Unit, "staff_count", label=_("Staff (CCVCLĐ)"), required=False, help_text=_("By default the sum of the units'.")
    )

    def clean(self):
        data = super().clean()
        if not data.get("target") and not (data.get("new_code") and data.get("new_name")):
            raise ValidationError(_("Choose the unit that takes them over, or give the new unit's code and name."))
        if data.get("target") and (data.get("new_code") or data.get("new_name")):
            raise ValidationError(_("Choose an existing unit or a new one, not both."))
        return data


class UnitSplitForm(forms.Form):
    """Split a unit (the page's) into two parts, each an existing unit or a new one, from a date; the
    Page and the open work go to the part chosen."""

    PARTS = (1, 2)
    PART_CHOICES: ClassVar[list] = [(0, _("Part 1")), (1, _("Part 2"))]

    def __init__(self, *args, user, unit, **kwargs):
        super().__init__(*args, **kwargs)
        order = ["on"]
        for n in self.PARTS:
            self.fields[f"unit_{n}"] = UnitChoiceField(
                user=user,
                exclude=unit.pk,
                label=_("Part %(n)s: existing unit") % {"n": n},
                required=False,
                help_text=_("Or give the code and name of a new unit."),
            )
            self.fields[f"code_{n}"] = OneLineField(
                label=_("Part %(n)s: code") % {"n": n}, max_length=40, required=False
            )
            self.fields[f"name_{n}"] = OneLineField(
                label=_("Part %(n)s: name") % {"n": n}, max_length=255, required=False
            )
            self.fields[f"members_{n}"] = forms.IntegerField(
                label=_("Part %(n)s: members") % {"n": n}, min_value=0, required=False
            )
            order += [f"unit_{n}", f"code_{n}", f"name_{n}", f"members_{n}"]
        self.order_fields([*order, "page_part", "work_part"])

    on = forms.DateField(label=_("From"), widget=DATE_WIDGET, help_text=_("The unit closes the day before this date."))
    page_part = forms.TypedChoiceField(label=_("The Page goes to"), choices=PART_CHOICES, coerce=int, initial=0)
    work_part = forms.TypedChoiceField(
        label=_("Open tasks, pieces and quotas go to"), choices=PART_CHOICES, coerce=int, initial=0
    )

    def clean(self):
        data = super().clean()
        for n in self.PARTS:
            existing, new = data.get(f"unit_{n}"), data.get(f"code_{n}") or data.get(f"name_{n}")
            if bool(existing) == bool(new) or (new and not (data.get(f"code_{n}") and data.get(f"name_{n}"))):
                raise ValidationError(
                    _("Part %(n)s: choose an existing unit, or give the code and name of a new one.") % {"n": n}
                )
        return data

    def parts(self, parent):
        """The parts as `restructure.split` takes them."""
        data, parts = self.cleaned_data, []
        for n in self.PARTS:
            part = {"members_count": data.get(f"members_{n}")}
            if data.get(f"unit_{n}"):
                part["unit"] = data[f"unit_{n}"]
            else:
                part["new"] = {"code": data[f"code_{n}"], "name": data[f"name_{n}"], "parent": parent}
            parts.append(part)
        return parts

    def choices(self):
        work = self.cleaned_data["work_part"]
        return {"fanpages": self.cleaned_data["page_part"], "directives": work, "articles": work}
