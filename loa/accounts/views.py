"""Log-in, passwords, invitations and the profile page."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loa.accounts import reauth, services, session_scope, signin, throttle, two_factor
from loa.accounts.forms import (
    ApiTokenForm,
    OtpDisableForm,
    OutboxPasswordResetForm,
    PasswordChangeForm,
    ProfileForm,
    ReauthForm,
    SetPasswordForm,
    ThrottledAuthenticationForm,
)
from loa.accounts.models import ApiToken, User
from loa.accounts.reauth import reauth_required
from loa.accounts.tokens import invite_tokens
from loa.core.forms import add_service_errors
from loa.core.phones import display_phone
from loa.core.version_forms import conflict_status


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = ThrottledAuthenticationForm

    def dispatch(self, request, *args, **kwargs):
        # A one-tap session (or one owing a two-factor set-up) is signed in, but must be able to
        # log in properly here: only a full session is sent on.
        self.redirect_authenticated_user = session_scope.is_full(request)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        if self.request.user.is_authenticated:
            return {"username": self.request.user.get_username()}
        return {}

    def form_valid(self, form):
        user = form.get_user()
        next_url = self.get_success_url()
        if two_factor.is_enabled(user):
            # Not logged in yet: the second step logs in once the code is right. The throttle's
            # count is not cleared until then, so wrong codes add up with wrong passwords.
            two_factor.begin_step(self.request, user, next_url)
            return redirect("accounts:otp_verify")
        return signin.complete(self.request, user, next_url=next_url)


@login_required
def reauth_view(request):
    """Confirm the password before an account change (loa.accounts.reauth)."""
    next_url = reauth.safe_next(
        request, request.POST.get("next") or request.GET.get("next"), reverse("accounts:profile")
    )
    form = ReauthForm(request, request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        reauth.mark(request)
        throttle.succeeded(request.user.username, throttle.client_ip(request))
        return redirect(next_url)
    return render(request, "accounts/reauth.html", {"form": form, "next": next_url}, status=400 if form.errors else 200)


@method_decorator(reauth_required, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        user = services.user_set_password(
            by=self.request.user, user=self.request.user, password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(self.request, user)
        reauth.mark(self.request)
        messages.success(self.request, _("Your password has been changed."))
        return redirect(self.success_url)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = OutboxPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        services.user_set_password(
            by=self.user, user=self.user, password=form.cleaned_data["new_password1"], action="user.password_reset"
        )
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.success_url)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def _user_from_uid(uidb64):
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        return User.objects.filter(pk=int(pk), is_active=True).first()
    except (TypeError, ValueError, OverflowError):
        return None


def invite_accept(request, uidb64, token):
    """The link in the invitation: set a password once, then you are logged in."""
    user = _user_from_uid(uidb64)
    if user is None or not user.is_invited or not invite_tokens.check_token(user, token):
        return render(request, "accounts/invite_accept.html", {"validlink": False}, status=410)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invite_accept(user=user, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Welcome to Loa! Your password is set."))
            return signin.complete(request, user, next_url=reverse("home"))
    return render(request, "accounts/invite_accept.html", {"validlink": True, "form": form, "invitee": user})


def _profile_page(request, *, form=None, token_form=None, new_token=None, status=200):
    user = request.user
    if form is None:
        form = ProfileForm(
            initial={
                "full_name": user.full_name,
                "email": user.email,
                "phone": display_phone(user.phone),
                "language": user.language,
            },
            version=user.version,
        )
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "token_form": token_form or ApiTokenForm(),
            "tokens": list(user.api_tokens.all()),
            "new_token": new_token,
            "roles": list(user.roles.select_related("unit", "unit__kind").order_by("unit__name_sort")),
            "two_factor": _two_factor_state(request),
        },
        status=status,
    )


def _two_factor_state(request):
    user = request.user
    if not two_factor.is_enabled(user):
        return {"on": False, "required": two_factor.required_for(user)}
    return {
        "on": True,
        "required": two_factor.required_for(user),
        "codes_left": two_factor.recovery_codes_left(user),
        "off_form": OtpDisableForm(request, user),
    }


@login_required
@reauth_required
def profile(request):
    if request.method != "POST":
        return _profile_page(request)
    form = ProfileForm(request.POST, version=request.user.version)
    if form.is_valid():
        try:
            user = services.profile_update(
                by=request.user, user=request.user, expected_version=form.expected_version, **form.edited_values()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your details have been saved."))
            response = redirect("accounts:profile")
            signin.set_language_cookie(response, user.language)
            return response
    return _profile_page(request, form=form, status=conflict_status(form, 400))


def _back_to_tokens(request, *args, **kwargs):
    return reverse("accounts:profile") + "#tokens"


@login_required
@require_POST
@reauth_required(back=_back_to_tokens)
def token_create(request):
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, raw = services.api_token_create(by=request.user, user=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Shown in this response only: it is not stored and cannot be shown again.
            return _profile_page(request, new_token={"token": token, "raw": raw})
    return _profile_page(request, token_form=form, status=400)


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(by=request.user, token=token)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("accounts:profile")
