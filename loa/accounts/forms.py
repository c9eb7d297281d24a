import time
from typing import ClassVar

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from loa.accounts import throttle
from loa.accounts.capabilities import RoleName
from loa.accounts.models import User
from loa.accounts.services import send_invitation, send_password_reset
from loa.core.phones import display_phone
from loa.core.version_forms import VersionedFormMixin


class ThrottledAuthenticationForm(auth_forms.AuthenticationForm):
    """Django's log-in form, refusing attempts after too many failures from the client's address
    for the user name, or from the address for any names (loa.accounts.throttle)."""

    error_messages: ClassVar[dict] = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is wrong. Both are case-sensitive."),
        "inactive": _("This account has been deactivated. Ask your administrator."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # Django's own message for a NUL character has no Vietnamese translation.
        for name in ("username", "password"):
            field = self.fields[name]
            field.validators = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
            field.validators.append(ProhibitNullCharactersValidator(
                message=_("This field contains a character that is not allowed (NUL).")
            ))

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = throttle.client_ip(self.request)
        lock = throttle.blocked(username, ip)
        if lock is not None:
            raise ValidationError(self.throttled_message(lock), code="throttled")
        try:
            return super().clean()
        except ValidationError:
            if username:
                lock = throttle.record_failure(username, ip)
                if lock is not None:  # this failure reached the limit: say so now, not at the next try
                    raise ValidationError(self.throttled_message(lock), code="throttled") from None
            raise

    @staticmethod
    def throttled_message(lock):
        minutes = max(1, int((lock.until - time.time() + 59) // 60))
        values = {"time": throttle.until_display(lock.until), "minutes": minutes}
        if lock.scope == throttle.ADDRESS:
            return ngettext(
                "Too many failed log-in attempts from your network. Try again after %(time)s (in %(minutes)d minute).",
                "Too many failed log-in attempts from your network. Try again after %(time)s (in %(minutes)d minutes).",
                minutes,
            ) % values
        return ngettext(
            "Too many failed log-in attempts. Try again after %(time)s (in %(minutes)d minute).",
            "Too many failed log-in attempts. Try again after %(time)s (in %(minutes)d minutes).",
            minutes,
        ) % values


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


class ProfileForm(VersionedFormMixin, forms.Form):
    """One's details, with the version they were read at (pass `version=user.version`)."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label=_("E-mail"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def stored_values(self, current):
        # The phone as people write it, as the form shows it.
        return {"full_name": current.full_name, "phone": display_phone(current.phone), "email": current.email,
                "language": current.language}


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
