import json

from django import forms
from django.utils.translation import gettext_lazy as _

from loa.core.forms import ModelForm
from loa.core.numbers import bound, model_number_field
from loa.core.version_forms import VersionedFormMixin
from loa.scoring import measures
from loa.scoring.models import Adjustment, Criterion, Level, Rubric, Rule


class JSONText(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False)
        return value

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return {}
        try:
            return json.loads(value)
        except ValueError:
            raise forms.ValidationError(_('This is not valid JSON, e.g. {"target": 1}.')) from None


class RubricForm(VersionedFormMixin, ModelForm):
    group_caps = JSONText(
        label=_("group caps"),
        required=False,
        help_text=_('The most a group\'s criteria may add up to, e.g. {"Công tác tuyên truyền": 10}.'),
    )

    class Meta:
        model = Rubric
        fields = ["name", "total_points", "bonus_cap", "group_caps", "note", "succession_rule"]


class NewRubricForm(forms.Form):
    year = bound(forms.IntegerField(label=_("year")), 2000, 2100)
    name = forms.CharField(label=_("name"), max_length=200, required=False)
    copy_from = forms.ModelChoiceField(
        label=_("copy the criteria and levels of"),
        queryset=Rubric.objects.all(),
        required=False,
        empty_label=_("(start empty)"),
    )


class CriterionForm(VersionedFormMixin, ModelForm):
    params = JSONText(
        label=_("rule parameters"),
        required=False,
        help_text=_(
            'proportional: {"target": 0.8}; thresholds: {"steps": [[0.9, 15], [0.5, 6]]}; '
            'on time / late / missing: {"on_time": 1, "late": 0.5, "missing": 0}.'
        ),
    )
    measure = forms.ChoiceField(label=_("measure"), required=False)

    class Meta:
        model = Criterion
        fields = ["code", "name", "group", "order", "max_points", "measure", "rule", "params", "is_bonus"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = measures.choices()
        self.fields["rule"].choices = Rule.choices


class LevelForm(VersionedFormMixin, ModelForm):
    class Meta:
        model = Level
        fields = ["name", "min_total", "min_share_each"]


class AdjustmentForm(forms.Form):
    criterion = forms.ModelChoiceField(label=_("criterion"), queryset=Criterion.objects.none())
    mode = forms.ChoiceField(label=_("mode"), choices=Adjustment.Mode.choices, initial=Adjustment.Mode.OVERRIDE)
    points = model_number_field(Adjustment, "points", label=_("points"))
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, rubric, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = rubric.criteria.all()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))
