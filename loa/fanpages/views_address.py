"""Adding or correcting a registered Page's address afterwards (a report may record the Page without
it): the unit's officer, or staff of the unit or above."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loa.accounts.capabilities import Capability
from loa.accounts.scope import get_unit_or_404
from loa.core.forms import add_service_errors
from loa.core.version_forms import VersionedFormMixin, conflict_status
from loa.fanpages.models import Fanpage
from loa.fanpages.services import set_page_address


class AddressForm(VersionedFormMixin, forms.Form):
    url = forms.CharField(
        label=gettext_lazy("Page address"),
        max_length=300,
        help_text=gettext_lazy("Open the Page on Facebook and copy its address, e.g. facebook.com/congdoan…"),
        widget=forms.TextInput(attrs={"inputmode": "url", "autocapitalize": "off", "placeholder": "facebook.com/…"}),
    )


def _back(request, unit):
    """Where to return after saving: the page the form was opened from (this site only), else the
    unit's Fanpage page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return redirect("fanpages:unit", unit.pk).url


@login_required
def page_address(request, unit_id):
    unit = get_unit_or_404(request.user, Capability.REPORT_FOR_UNIT, pk=unit_id)
    page = Fanpage.objects.filter(unit=unit).first()
    if page is None:
        raise Http404  # nothing registered to add an address to: the Fanpage report comes first
    if request.method == "POST":
        form = AddressForm(request.POST, version=page.version)
        if form.is_valid():
            try:
                set_page_address(
                    by=request.user, unit=unit, url=form.cleaned_data["url"], expected_version=form.expected_version
                )
            except ValidationError as exc:
                add_service_errors(form, exc, default_field="url")
            else:
                messages.success(request, _("The Page's address is saved."))
                return redirect(_back(request, unit))
    else:
        form = AddressForm(initial={"url": page.url}, version=page.version)
    return render(
        request,
        "fanpages/address.html",
        {"unit": unit, "fanpage": page, "form": form, "next": _back(request, unit)},
        status=conflict_status(form, default=400 if form.is_bound else 200),
    )
