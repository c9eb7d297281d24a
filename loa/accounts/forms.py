import time
from typing import ClassVar

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from loa.accounts import throttle, two_factor
from loa.accounts.capabilities import RoleName
from loa.accounts.models import User
from loa.accounts.services import send_invitation, send_password_reset
from loa.core.phones import display_phone
from loa.core.version_forms import VersionedFormMixin
from loa.units.forms import UnitChoiceField


def _no_nul(field):
    # Django's own message for a NUL character has no Vietnamese translation.
    field.validators = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
    field.validators.append(
        ProhibitNullCharactersValidator(message=_("This field contains a character that is not allowed (NUL)."))
    )


class ThrottledMixin:
    """Counts a form's failures in the log-in throttle (loa.accounts.throttle): log-in passwords,
    re-authentication passwords and two-factor codes all count for the same user name and address."""

    def throttled(self, username, check):
        """Run `check()` (which raises ValidationError when wrong) unless the user name is locked."""
        ip = throttle.client_ip(self.request)
        try:
            lock = throttle.blocked(username, ip)
        except throttle.Unavailable:
            raise ValidationError(self.unavailable_message(), code="throttle_unavailable") from None
        if lock is not None:
            raise ValidationError(self.throttled_message(lock), code="throttled")
        try:
            return check()
        except ValidationError:
            if username:
                try:
                    lock = throttle.record_failure(username, ip)
                except throttle.Unavailable:
                    raise ValidationError(self.unavailable_message(), code="throttle_unavailable") from None
                if lock is not None:  # this failure reached the limit: say so now, not at the next try
                    raise ValidationError(self.throttled_message(lock), code="throttled") from None
            raise

    @staticmethod
    def unavailable_message():
        # Failures cannot be counted (the cache, Redis, is down): refused rather than let through uncounted.
        return _("Signing in is not possible for a moment. Try again in a few minutes.")

    @staticmethod
    def throttled_message(lock):
        minutes = max(1, int((lock.until - time.time() + 59) // 60))
        values = {"time": throttle.until_display(lock.until), "minutes": minutes}
        if lock.scope == throttle.ADDRESS:
            return (
                ngettext(
                    "Too many failed log-in attempts from your network. Try again after %(time)s (in %(minutes)d minute).",
                    "Too many failed log-in attempts from your network. Try again after %(time)s (in %(minutes)d minutes).",
                    minutes,
                )
                % values
            )
        return (
            ngettext(
                "Too many failed log-in attempts. Try again after %(time)s (in %(minutes)d minute).",
                "Too many failed log-in attempts. Try again after %(time)s (in %(minutes)d minutes).",
                minutes,
            )
            % values
        )


class ThrottledAuthenticationForm(ThrottledMixin, auth_forms.AuthenticationForm):
    """Django's log-in form, refusing attempts after too many failures from the client's address
    for the user name, or from the address for any names (loa.accounts.throttle)."""

    error_messages: ClassVar[dict] = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is wrong. Both are case-sensitive."),
        "inactive": _("This account has been deactivated. Ask your administrator."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        _no_nul(self.fields["username"])
        _no_nul(self.fields["password"])

    def clean(self):
        return self.throttled(self.cleaned_data.get("username") or "", super().clean)


def _password_field(label):
    field = forms.CharField(
        label=label,
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    _no_nul(field)
    return field


def _code_field():
    return forms.CharField(
        label=_("Code"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
        help_text=_("The six digits your authenticator app shows for Loa, or one of your recovery codes."),
    )


class _SecretsForm(ThrottledMixin, forms.Form):
    """A form of secrets for `user` (the password, a code), checked by `check()` and counted like
    a log-in for that user name: whoever guesses here is locked out as at the log-in page."""

    def __init__(self, request, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request, self.user, self.device = request, user, None

    def check_password(self):
        if not self.user.check_password(self.cleaned_data["password"]):
            raise ValidationError(_("The password is wrong."), code="wrong_password")

    def check_code(self):
        self.device = two_factor.verify(self.user, self.cleaned_data["code"])
        if self.device is None:
            raise ValidationError(_("The code is wrong or has already been used."), code="wrong_code")

    def clean(self):
        cleaned = super().clean()
        if all(name in cleaned for name in self.fields):  # nothing missing: check, counted
            self.throttled(self.user.username, self.check)
        return cleaned


class ReauthForm(_SecretsForm):
    password = _password_field(_("Your password"))

    def check(self):
        self.check_password()


class OtpCodeForm(_SecretsForm):
    """The log-in's second step: a code from the app, or a recovery code."""

    code = _code_field()

    def check(self):
        self.check_code()


class OtpConfirmForm(forms.Form):
    """The first code from the app being set up (checked against the new device by the view)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("The six digits the app shows for Loa after scanning."),
    )


class OtpDisableForm(_SecretsForm):
    """Turning two-factor sign-in off takes the password and a code."""

    password = _password_field(_("Your password"))
    code = _code_field()

    def check(self):
        self.check_password()
        self.check_code()


class OutboxPasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, but the e-mail goes through the notification outbox."""

    def get_users(self, email):
        # Invited users have no usable password yet: they get their invitation again instead.
        return User.objects.filter(email__iexact=email, is_active=True)

    def save(self, **kwargs):
        for user in self.get_users(self.cleaned_data["email"]):
            if user.is_invited:
                send_invitation(user=user, by=None)
            elif user.has_usable_password():
                send_password_reset(user=user)


class SetPasswordForm(auth_forms.SetPasswordForm):
    """Validates only; the view saves through the services (audited)."""


class PasswordChangeForm(auth_forms.SetPasswordForm):
    """The new password twice; the current one was just confirmed (loa.accounts.reauth)."""


class ProfileForm(VersionedFormMixin, forms.Form):
    """One's details, with the version they were read at (pass `version=user.version`)."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def stored_values(self, current):
        # The phone as people write it, as the form shows it.
        return {
            "full_name": current.full_name,
            "phone": display_phone(current.phone),
            "email": current.email,
            "language": current.language,
        }


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=80, help_text=_("What will use it, e.g. “Excel report script”.")
    )


class InviteForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("The invitation with the link to set a password is sent here.")
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    role = forms.ChoiceField(label=_("Role"), choices=RoleName.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(user)
        self.order_fields(["full_name", "email", "phone", "unit", "role"])


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=RoleName.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(user)
        self.order_fields(["unit", "role"])


def _unit_field(user):
    """The unit a role is held at, picked by search among the units where `user` manages users."""
    return UnitChoiceField(
        user=user,
        purpose="users",
        label=_("Unit"),
        error_messages={
            "required": _("Choose the unit: type part of its name or code."),
            "invalid_choice": _("Choose a unit from the search results."),
        },
    )
