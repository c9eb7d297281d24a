"""The curators' item form: title, text to post, link, image, audience and active days."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loa.core.forms import ModelForm
from loa.core.validators import OneLineField
from loa.core.version_forms import VersionedFormMixin
from loa.sharing.models import Item
from loa.sharing.services import SCHEMES
from loa.units.forms import UnitChoiceField
from loa.units.models import Unit, UnitKind

FIRST_YEAR, LAST_YEAR = 2000, 2100
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
IMAGE_TYPES = "image/jpeg,image/png"


class ItemForm(VersionedFormMixin, ModelForm):
    """Create (no instance) or edit an item of `unit`. The audience: no kind and no unit chosen means
    the whole subtree; units are added one at a time with the unit picker (a search, never a list of
    the subtree) and removed by unticking them."""

    title = OneLineField(label=_("Title"), max_length=200)
    url = forms.URLField(
        label=_("Link"),
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=list(SCHEMES))],
        help_text=_("The address of the page to share (http:// or https://)."),
    )
    image = forms.FileField(
        label=_("Image"),
        required=False,
        widget=forms.FileInput(attrs={"accept": IMAGE_TYPES}),
        help_text=_("Optional: a JPEG or PNG picture shown with the item."),
    )
    remove_image = forms.BooleanField(label=_("Remove the image"), required=False)
    audience_kinds = forms.ModelMultipleChoiceField(
        label=_("Only the units of these kinds"),
        queryset=UnitKind.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience_units = forms.ModelMultipleChoiceField(
        label=_("Only these units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Untick a unit to take it out of the audience."),
    )

    conflict_display = {
        "audience_kinds": lambda value: ", ".join(sorted(str(k) for k in _many(value))),
        "audience_units": lambda value: ", ".join(sorted(str(u) for u in _many(value))),
    }

    class Meta:
        model = Item
        fields = ["title", "text", "url", "image", "starts_on", "ends_on", "audience_kinds", "audience_units"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
        }
        labels = {
            "text": _("Text to post with it"),
            "starts_on": _("Ask to share from"),
            "ends_on": _("Ask to share until"),
        }

    def __init__(self, *args: Any, user: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        if self.instance.pk is None or not self.instance.image:
            del self.fields["remove_image"]
        kept = Q(pk__in=[k.pk for k in self.instance.audience_kinds.all()]) if self.instance.pk else Q(pk__in=[])
        self.fields["audience_kinds"].queryset = UnitKind.objects.filter(  # type: ignore[attr-defined]
            Q(retired_on__isnull=True) | kept
        ).order_by("order", "name")
        # Offered as ticks: the units chosen so far (ticked); any unit of the subtree is accepted.
        subtree = Unit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk)
        self.fields["audience_units"].queryset = subtree  # type: ignore[attr-defined]
        chosen_ids = self._chosen_unit_ids()
        chosen = subtree.filter(pk__in=chosen_ids).select_related("kind").vi_ordered() if chosen_ids else []
        self.fields["audience_units"].choices = [(u.pk, f"{u.name} · {u.code}") for u in chosen]  # type: ignore[attr-defined]
        self.fields["add_unit"] = UnitChoiceField(
            user=user,
            purpose="view",
            exclude=None,
            required=False,
            label=_("Add a unit"),
            help_text=_("Search for a unit under %(unit)s to ask only the units chosen.") % {"unit": unit.name},
            error_messages={"invalid_choice": _("Choose a unit from the search results.")},
        )

    def _chosen_unit_ids(self) -> list[int]:
        if self.is_bound:
            raw = self.data.getlist(self.add_prefix("audience_units")) if hasattr(self.data, "getlist") else []
            ids = [int(v) for v in raw if str(v).isdigit() and len(str(v)) < 12]
            return ids[:500]
        if self.instance.pk is not None:
            return [u.pk for u in self.instance.audience_units.all()]
        return []

    def clean_add_unit(self) -> Unit | None:
        unit = self.cleaned_data.get("add_unit")
        if unit is not None and (not unit.path.startswith(self.unit.path) or unit.pk == self.unit.pk):
            raise forms.ValidationError(
                _("“%(unit)s” is not under “%(parent)s”.") % {"unit": unit.name, "parent": self.unit.name}
            )
        return unit

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        for name in ("starts_on", "ends_on"):
            day = data.get(name)
            if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
                self.add_error(
                    name, _("Enter a day between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
                )
                data.pop(name, None)
                return data
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last day must not be before the first day."))
        elif ends_on and self.instance.pk is None and ends_on < timezone.localdate():
            self.add_error("ends_on", _("This last day has passed already: the item would never be asked."))
        return data

    def _post_clean(self) -> None:
        # The service validates and writes the item; the form does not write into the instance.
        pass

    def item_values(self) -> dict[str, Any]:
        """What the service takes: the item's fields, the audience, the image."""
        data = self.cleaned_data
        units = list(data.get("audience_units") or [])
        if data.get("add_unit") is not None and data["add_unit"] not in units:
            units.append(data["add_unit"])
        values = {name: data[name] for name in ("title", "text", "url", "starts_on", "ends_on")}
        values.update(kinds=list(data.get("audience_kinds") or []), units=units)
        image = data.get("image")
        values["image"] = image if isinstance(image, UploadedFile) else None  # not the stored one, as initial
        if data.get("remove_image"):
            values["remove_image"] = True
        return values

    def stored_values(self, current: Any) -> dict[str, Any]:
        values = {name: getattr(current, name) for name in ("title", "text", "url", "starts_on", "ends_on")}
        values["audience_kinds"] = list(current.audience_kinds.all())
        values["audience_units"] = list(current.audience_units.all())
        return values


def _many(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if hasattr(value, "all"):
        return list(value.all())
    return list(value) if isinstance(value, (list, tuple, set)) else [value]
