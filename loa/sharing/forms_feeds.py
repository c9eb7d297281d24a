"""Forms of the feeds pages: a feed to read, an entry approved as an item."""

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class FeedForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("e.g. Cổng thông tin Tổng LĐLĐ Việt Nam"))
    url = forms.URLField(
        label=_("Feed address"),
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("The address of the site's RSS or Atom feed (often ending in /rss or .xml)."),
    )


class ApproveForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Text to post with it"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    url = forms.URLField(
        label=_("Link"), max_length=500, assume_scheme="https", validators=[URLValidator(schemes=["http", "https"])]
    )
    starts_on = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Until"), widget=DATE_WIDGET)
