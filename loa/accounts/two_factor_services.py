"""Writes to two-factor sign-in: set up, turned off, reset by an admin. Keyword-only, atomic,
audited, and told to the user (loa.accounts.notices)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from loa.accounts import notices, two_factor
from loa.accounts.selectors import can_manage_user, home_unit
from loa.audit.log import log_action


def two_factor_begin(*, user):
    """The device being set up (unconfirmed until its first code): the same one until then, so
    that reloading the page does not change the QR code already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=False)


@transaction.atomic
def two_factor_enable(*, by, device, code):
    """Confirm `device` with its first code; returns the new recovery codes (shown once)."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    user = device.user
    if device.confirmed or two_factor.is_enabled(user):
        raise ValidationError(_("Two-factor sign-in is already on."))
    if not device.verify_token((code or "").replace(" ", "")):
        raise ValidationError(
            {"code": _("The code is wrong. Check that the phone's clock is right and try the next code.")}
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(two_factor.RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=c) for c in codes])
    log_action("user.two_factor_enabled", actor=by, obj=user, unit=home_unit(user))
    notices.account_changed(user=user, by=by, changes=[(gettext_lazy("Two-factor sign-in was turned on."), {})])
    return device, codes


def _remove_devices(user):
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def two_factor_disable(*, by, user):
    """The user turns it off (the view has checked their password and a code)."""
    if two_factor.required_for(user):
        raise ValidationError(_("Your role requires two-factor sign-in: it cannot be turned off."))
    if not two_factor.is_enabled(user):
        return False
    _remove_devices(user)
    log_action("user.two_factor_disabled", actor=by, obj=user, unit=home_unit(user))
    notices.account_changed(user=user, by=by, changes=[(gettext_lazy("Two-factor sign-in was turned off."), {})])
    return True


@transaction.atomic
def two_factor_reset(*, by, user):
    """An admin (or by=None: `manage.py otp_reset`) removes a user's lost device and recovery
    codes; the user logs in with the password alone and sets it up again (at once, if required)."""
    if by is not None and (user.pk == by.pk or not can_manage_user(by, user)):
        raise ValidationError(_("You may not manage the user “%(user)s”.") % {"user": user.display_name()})
    if not two_factor.is_enabled(user):
        raise ValidationError(_("“%(user)s” has not set up two-factor sign-in.") % {"user": user.display_name()})
    _remove_devices(user)
    log_action("user.two_factor_reset", actor=by, obj=user, unit=home_unit(user))
    notices.account_changed(
        user=user,
        by=by,
        changes=[
            (
                gettext_lazy("Two-factor sign-in was reset: log in with your password and set it up again."),
                {},
            )
        ],
    )
