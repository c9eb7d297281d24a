"""Log-in, passwords, invitations and the profile page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loa.accounts import services, throttle
from loa.accounts.forms import (
    ApiTokenForm,
    OutboxPasswordResetForm,
    PasswordChangeForm,
    ProfileForm,
    SetPasswordForm,
    ThrottledAuthenticationForm,
)
from loa.accounts.models import ApiToken, User
from loa.accounts.tokens import invite_tokens
from loa.core.forms import add_service_errors
from loa.core.phones import display_phone
from loa.core.version_forms import conflict_status


def _set_language_cookie(response, language):
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        throttle.succeeded(user.username, throttle.client_ip(self.request))
        response = super().form_valid(form)
        _set_language_cookie(response, user.language)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        user = services.user_set_password(
            by=self.request.user, user=self.request.user, password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(self.request, user)
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
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Loa! Your password is set."))
            response = redirect("home")
            _set_language_cookie(response, user.language)
            return response
    return render(request, "accounts/invite_accept.html", {"validlink": True, "form": form, "invitee": user})


def _profile_page(request, *, form=None, token_form=None, new_token=None, status=200):
    user = request.user
    if form is None:
        form = ProfileForm(initial={
            "full_name": user.full_name, "email": user.email, "phone": display_phone(user.phone), "language": user.language,
        }, version=user.version)
    return render(request, "accounts/profile.html", {
        "form": form,
        "token_form": token_form or ApiTokenForm(),
        "tokens": list(user.api_tokens.all()),
        "new_token": new_token,
        "roles": list(user.roles.select_related("unit", "unit__kind").order_by("unit__name_sort")),
    }, status=status)


@login_required
def profile(request):
    if request.method != "POST":
        return _profile_page(request)
    form = ProfileForm(request.POST, version=request.user.version)
    if form.is_valid():
        try:
            user = services.profile_update(by=request.user, user=request.user, expected_version=form.expected_version,
                                           **form.edited_values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your details have been saved."))
            response = redirect("accounts:profile")
            _set_language_cookie(response, user.language)
            return response
    return _profile_page(request, form=form, status=conflict_status(form, 400))


@login_required
@require_POST
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
