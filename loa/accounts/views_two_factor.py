"""Two-factor sign-in pages: the log-in's second step, set-up from the profile, turning it off."""

import django_otp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from loa.accounts import reauth, session_scope, signin, two_factor, two_factor_services
from loa.accounts.forms import OtpCodeForm, OtpConfirmForm, OtpDisableForm
from loa.accounts.reauth import reauth_required
from loa.core.forms import add_service_errors


@never_cache
def otp_verify(request):
    """The second step: the password was right; the code logs in."""
    step = two_factor.pending(request)
    if step is None:
        messages.info(request, _("Log in again: the code was not entered in time."))
        return redirect("accounts:login")
    user, next_url = step
    form = OtpCodeForm(request, user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        if isinstance(form.device, StaticDevice):
            left = two_factor.recovery_codes_left(user)
            messages.warning(
                request,
                ngettext(
                    "You used a recovery code; %(count)d is left. Set up your phone again from “My account” if it is lost.",
                    "You used a recovery code; %(count)d are left. Set up your phone again from “My account” if it is lost.",
                    left,
                )
                % {"count": left},
            )
        next_url = reauth.safe_next(request, next_url, reverse("home"))
        return signin.complete(request, user, next_url=next_url, device=form.device)
    return render(request, "accounts/otp_verify.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
@login_required
@reauth_required
def otp_setup(request):
    """Scan the QR code, confirm the first code, then see the recovery codes once."""
    user = request.user
    if two_factor.is_enabled(user):
        messages.info(request, _("Two-factor sign-in is already on."))
        return redirect("accounts:profile")
    device = two_factor_services.two_factor_begin(user=user)
    form = OtpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = two_factor_services.two_factor_enable(
                by=user, device=device, code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            django_otp.login(request, device)  # this session has just proved the code
            session_scope.setup_done(request)
            return render(request, "accounts/otp_recovery_codes.html", {"codes": codes})
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr": two_factor.qr_data_uri(device),
            "secret": two_factor.secret_text(device),
            "owed": session_scope.setup_owed(request),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def otp_disable(request):
    form = OtpDisableForm(request, request.user, request.POST)
    if form.is_valid():
        try:
            two_factor_services.two_factor_disable(by=request.user, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            reauth.mark(request)
            messages.success(request, _("Two-factor sign-in is off."))
    else:
        messages.error(request, " ".join(form.non_field_errors()) or _("Enter your password and a code."))
    return redirect(reverse("accounts:profile") + "#two-factor")
