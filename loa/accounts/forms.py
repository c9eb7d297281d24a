from datetime import datetime

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from loa.accounts import throttle
from loa.accounts.capabilities import RoleName
from loa.accounts.models import User
from loa.accounts.services import send_invitation, send_password_reset


class ThrottledAuthenticationForm(auth_forms.AuthenticationForm):
    """Django's log-in form, refusing attempts after too many failures for the name or the address."""

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is wrong. Both are case-sensitive."),
        "inactive": _("This account has been deactivated. Ask your administrator."),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = throttle.client_ip(self.request)
        until = throttle.blocked_until(username, ip)
        if until is not None:
            raise ValidationError(self.throttled_message(until), code="throttled")
        try:
            return super().clean()
        except ValidationError:
            if username:
                throttle.record_failure(username, ip)
            raise

    @staticmethod
    def throttled_message(until):
        at = timezone.localtime(datetime.fromtimestamp(until, tz=timezone.get_current_timezone()))
        minutes = max(1, int((until - timezone.now().timestamp() + 59) // 60))
        return ngettext(
            "Too many failed log-in attempts. Try again after %(time)s (in %(minutes)d minute).",
            "Too many failed log-in attempts. Try again after %(time)s (in %(minutes)d minutes).",
            minutes,
        ) % {"time": formats.time_format(at, "H:i"), "minutes": minutes}


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


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    pass


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label=_("E-mail"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=80,
                           help_text=_("What will use it, e.g. “Excel report script”."))


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return unit.name


class InviteForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), help_text=_("The invitation with the link to set a password is sent here."))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel"}))
    unit = UnitChoiceField(label=_("Unit"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=RoleName.choices)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class RoleGrantForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=RoleName.choices)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
