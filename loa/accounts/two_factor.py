"""Two-factor sign-in with django-otp: the six-digit codes of an authenticator app (TOTP, RFC 6238)
and one-use recovery codes (django-otp's static tokens) for a lost phone.

The log-in's second step keeps the user who gave the right password in the session, *not* logged
in, until the code is right: until then the session is anonymous and reaches nothing.
"""

import base64
import re
import time

import django_otp
from django.conf import settings
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from loa.accounts.capabilities import Capability
from loa.accounts.models import User
from loa.accounts.scope import can_anywhere
from loa.core.qr import qr_png

RECOVERY_CODES = 10
STEP_KEY = "loa_otp_pending"
# Seconds between the right password and the code: long enough to open the app, short enough
# that a session left at the second step does not keep a half-done log-in.
STEP_SECONDS = 300
_CODE_CHARS = re.compile(r"[\s-]")


def is_enabled(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_manager(user):
    """Whether OTP_REQUIRED_FOR_MANAGERS applies: roles that manage units or users."""
    return can_anywhere(user, Capability.MANAGE_UNITS) or can_anywhere(user, Capability.MANAGE_USERS)


def required_for(user):
    return settings.OTP_REQUIRED_FOR_MANAGERS and is_manager(user)


def verify(user, code):
    """The device that accepts `code` (used up: a TOTP step or a recovery code works once), or None.

    Six digits are the app's code; anything else is tried as a recovery code. Wrong codes count
    in django-otp's own per-device throttle too.
    """
    code = _CODE_CHARS.sub("", code or "").lower()
    if not code or len(code) > 16:
        return None
    model = TOTPDevice if (len(code) == 6 and code.isdigit()) else StaticDevice
    for device in model.objects.devices_for_user(user, confirmed=True):
        verified = django_otp.verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


def recovery_codes_left(user):
    return sum(device.token_set.count() for device in StaticDevice.objects.devices_for_user(user, confirmed=True))


def secret_text(device):
    """The key as authenticator apps take it typed in: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_data_uri(device):
    return "data:image/png;base64," + base64.b64encode(qr_png(device.config_url, box_size=6)).decode()


# --- the log-in's second step ---------------------------------------------------------------------


def begin_step(request, user, next_url):
    request.session[STEP_KEY] = {"user": user.pk, "at": time.time(), "next": next_url}


def pending(request):
    """(user, next_url) of a second step under way, or None (none, or it took too long)."""
    step = request.session.get(STEP_KEY)
    if not isinstance(step, dict) or not isinstance(step.get("at"), (int, float)):
        return None
    if not 0 <= time.time() - step["at"] < STEP_SECONDS:
        end_step(request)
        return None
    user = User.objects.filter(pk=step.get("user"), is_active=True).first()
    return (user, step.get("next") or "") if user is not None else None


def end_step(request):
    request.session.pop(STEP_KEY, None)
