"""The end of every log-in with the password, in one place, so that each way in (the log-in page,
its two-factor step, an accepted invitation) leaves the same kind of session."""

import django_otp
from django.conf import settings
from django.contrib.auth import login
from django.shortcuts import redirect
from django.urls import reverse

from loa.accounts import reauth, session_scope, throttle, two_factor

BACKEND = "django.contrib.auth.backends.ModelBackend"


def set_language_cookie(response, language):
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")


def complete(request, user, *, next_url, device=None):
    """Log `user` in for good (the password, and `device`'s code when two-factor sign-in is on)
    and answer with the redirect to `next_url`, or to the two-factor set-up their role owes."""
    login(request, user, backend=BACKEND)  # a new session key; the same user's data is kept
    # A one-tap session logged in properly becomes a full one, of the ordinary length.
    session_scope.make_full(request)
    two_factor.end_step(request)
    if device is not None:
        django_otp.login(request, device)
    reauth.mark(request)
    throttle.succeeded(user.username, throttle.client_ip(request))
    if device is None and two_factor.required_for(user) and not two_factor.is_enabled(user):
        session_scope.owe_setup(request)
        next_url = reverse("accounts:otp_setup")
    response = redirect(next_url)
    set_language_cookie(response, user.language)
    return response
