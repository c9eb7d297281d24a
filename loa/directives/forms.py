import re

from django import forms
from django.utils.translation import gettext_lazy as _

from loa.core.forms import ModelForm
from loa.core.numbers import in_range
from loa.core.version_forms import VersionedFormMixin
from loa.directives.models import Directive, Task
from loa.directives.services import EDITABLE_DIRECTIVE_FIELDS
from loa.units.models import Unit, UnitKind

# A document's number: digits, then optionally "/" and its symbol ("12", "12/BC-CĐVC").
NUMBER = re.compile(r"\d{1,6}(/[^\s/]{1,30})?")


class DirectiveForm(VersionedFormMixin, ModelForm):
    class Meta:
        model = Directive
        fields = EDITABLE_DIRECTIVE_FIELDS
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 10}),
            "distribution": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "number": _("E.g. 812/TB-CĐVC. Can be left empty while drafting; it is needed to issue the directive.")
        }


class TaskForm(VersionedFormMixin, ModelForm):
    deadline = forms.DateTimeField(
        label=_("Deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("An exact moment. For “before 30/4/2021” enter 30/04/2021 00:00."),
    )

    class Meta:
        model = Task
        fields = [
            "title",
            "description",
            "deadline",
            "report_form",
            "remind_days_before",
            "remind_on_day",
            "remind_every_days_after",
            "remind_stop_after_days",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class RecipientsForm(forms.Form):
    MODE_CHOICES = [
        ("all", _("Every CĐCS under the issuing unit")),
        ("kind", _("Every unit of one kind under the issuing unit")),
        ("hand", _("Chosen by hand")),
    ]
    mode = forms.ChoiceField(label=_("Recipients"), choices=MODE_CHOICES, widget=forms.RadioSelect, initial="all")
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=UnitKind.objects.all(), required=False)
    units = forms.CharField(required=False, widget=forms.HiddenInput)
    active_only = forms.BooleanField(label=_("Only units active on the directive's date"), required=False, initial=True)

    def clean(self):
        data = super().clean()
        if data.get("mode") == "kind" and not data.get("kind"):
            self.add_error("kind", _("Choose the kind of unit."))
        if data.get("mode") == "hand":
            try:
                ids = [int(x) for x in (data.get("units") or "").split(",") if x.strip()]
            except ValueError:
                ids = []
            # An id no unit can have (SQLite cannot even look it up) is no unit ticked.
            data["unit_ids"] = [i for i in ids if in_range(i, Unit._meta.pk)]
            if not data["unit_ids"]:
                self.add_error(None, _("Tick at least one unit."))
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File (PDF or Word .docx)"))


class FanpageReportForm(forms.Form):
    """The seed's form: Page name, address, administrator, administrator's phone, note; or "no Page
    yet" with the note saying why (then the Page's fields are not needed)."""

    PAGE_FIELDS = ("name", "url", "admin_name", "admin_phone")

    no_page = forms.BooleanField(
        label=_("The unit has no Page yet"),
        required=False,
        help_text=_("Tick this and say why in the note (e.g. the Page is being set up)."),
    )
    name = forms.CharField(
        label=_("Fanpage name"),
        max_length=255,
        help_text=_("Exactly as on Facebook, e.g. Công đoàn cơ sở Văn phòng Tỉnh ủy Cao Bằng"),
    )
    url = forms.CharField(
        label=_("Page address"),
        max_length=300,
        required=False,
        help_text=_("Optional: it can be added later."),
        widget=forms.TextInput(attrs={"inputmode": "url", "autocapitalize": "off", "placeholder": "facebook.com/…"}),
    )
    admin_name = forms.CharField(
        label=_("Administrator"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    admin_phone = forms.CharField(
        label=_("Administrator's phone number"),
        max_length=60,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    replace_page = forms.BooleanField(label=_("Replace the registered Page"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and self.fields["no_page"].widget.value_from_datadict(self.data, self.files, "no_page"):
            # The service checks the note; whatever was typed in the Page's fields is not kept.
            for name in self.PAGE_FIELDS:
                self.fields[name].required = False


class ConsolidatedExportForm(forms.Form):
    """What the office decides before printing the consolidated report: its number (or none yet, for
    the clerk to write in when registering it) and where it goes."""

    number = forms.CharField(
        label=_("Number"),
        max_length=40,
        required=False,
        help_text=_(
            "The number the office gives it, e.g. 12 or 12/BC-CĐVC. Leave it empty for the clerk "
            "to write in on the printed copy."
        ),
    )
    recipients = forms.CharField(
        label=_("Recipients (“Nơi nhận”)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )

    def clean_number(self):
        number = " ".join(self.cleaned_data["number"].split())
        if number and not NUMBER.fullmatch(number):
            raise forms.ValidationError(_("Write the number alone (e.g. 12) or in full (e.g. 12/BC-CĐVC)."))
        return number

    def clean_recipients(self):
        return [line.strip() for line in self.cleaned_data["recipients"].splitlines() if line.strip()]


class SimpleReportForm(forms.Form):
    note = forms.CharField(label=_("What your unit did"), widget=forms.Textarea(attrs={"rows": 4}))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason (the unit reads it)"), widget=forms.Textarea(attrs={"rows": 3}))
