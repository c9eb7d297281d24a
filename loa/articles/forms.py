from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loa.articles.models import Channel, Kind, Quota, Submission, Topic
from loa.core.forms import ModelForm
from loa.core.numbers import model_number_field
from loa.core.version_forms import VersionedFormMixin
from loa.units.models import Unit


class SubmissionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, widget=forms.RadioSelect, initial=Kind.NEWS)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Type or paste the text. Leave a blank line between paragraphs."),
    )
    authors = forms.CharField(
        label=_("Authors"), max_length=300, required=False, help_text=_("Who wrote it and who took the photos.")
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    channels = forms.ModelMultipleChoiceField(
        label=_("Publish on"),
        queryset=Channel.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = model_number_field(Submission, "version", widget=forms.HiddenInput)


class NewSubmissionForm(SubmissionForm):
    """The editor before the piece exists: its first save creates it, with a photo if one is chosen."""

    version = None  # nothing stored yet, so no version to start from
    photo = forms.FileField(
        label=_("Add a photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}))
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)


class DocxForm(forms.Form):
    docx = forms.FileField(
        label=_("Word file (.docx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
        ),
    )


class PublishForm(forms.Form):
    channel = forms.ModelChoiceField(label=_("Channel"), queryset=Channel.objects.filter(is_active=True))
    url = forms.CharField(label=_("Address (URL)"), max_length=500)
    published_on = forms.DateField(
        label=_("Published on"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )


class ClaimForm(forms.Form):
    url = forms.CharField(label=_("Address (URL) of the published piece"), max_length=500)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, widget=forms.RadioSelect, initial=Kind.NEWS)
    title = forms.CharField(label=_("Title"), max_length=300)
    published_on = forms.DateField(label=_("Published on"), widget=forms.DateInput(attrs={"type": "date"}))
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )


class QuotaForm(VersionedFormMixin, forms.Form):
    """One unit's quota of a kind, with the version of the quota it changes (0: none set yet)."""

    unit = forms.CharField(label=_("Unit code"), max_length=40)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    target = model_number_field(Quota, "target", label=_("Target"))
    notice = forms.CharField(
        label=_("Notice that set it"), max_length=160, required=False, help_text=_("e.g. 812/TB-CĐVC ngày 22/02/2021")
    )
    prorate = forms.BooleanField(label=_("Pro-rate for a unit active part of the year"), required=False)

    def stored_values(self, current):
        return {"unit": current.unit.code, "kind": current.kind, "target": current.target, "notice": current.notice}


class QuotaRuleForm(forms.Form):
    notice = forms.CharField(
        label=_("Notice that set them"), max_length=160, help_text=_("e.g. 812/TB-CĐVC ngày 22/02/2021")
    )
    unit_kind = forms.ModelChoiceField(label=_("Units of kind"), queryset=None)
    news = model_number_field(Quota, "target", label=_("News items per unit"))
    articles = model_number_field(Quota, "target", label=_("Articles per unit"))
    large_members = model_number_field(
        Unit, "members_count", label=_("Larger units: from this many members"), min_value=1, required=False
    )
    large_news = model_number_field(Quota, "target", label=_("News items for a larger unit"), required=False)
    large_articles = model_number_field(Quota, "target", label=_("Articles for a larger unit"), required=False)
    prorate = forms.BooleanField(label=_("Pro-rate for units active part of the year"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        from loa.units.models import UnitKind

        super().__init__(*args, **kwargs)
        self.fields["unit_kind"].queryset = UnitKind.objects.all()


class QuotaImportForm(forms.Form):
    notice = forms.CharField(label=_("Notice that set them"), max_length=160)
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("Columns: unit code, news items, articles; the first row is a header."),
    )
    prorate = forms.BooleanField(label=_("Pro-rate for units active part of the year"), required=False, initial=True)


class ChannelForm(ModelForm):
    class Meta:
        model = Channel
        fields = ["name", "kind", "domains", "editors", "is_active", "order"]
        widgets = {"domains": forms.Textarea(attrs={"rows": 3}), "editors": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        from loa.accounts.capabilities import Capability, roles_granting
        from loa.accounts.models import User

        super().__init__(*args, **kwargs)
        self.fields["editors"].queryset = (
            User.objects.filter(is_active=True, roles__role__in=roles_granting(Capability.REVIEW_ARTICLES))
            .distinct()
            .order_by("name_sort")
        )
