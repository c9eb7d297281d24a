"""Re-authentication: changes that could hand the account to someone else (e-mail, phone,
password, roles, two-factor sign-in, API tokens) ask for the password again unless it was entered
within REAUTH_SECONDS, whatever the session: a session can be left open, stolen, or opened by a
link. One-tap sessions never get here (loa.accounts.session_scope sends them to log in).
"""

import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from loa.accounts import session_scope

SESSION_KEY = "loa_password_at"


def mark(request):
    """The password was entered just now (log-in, re-authentication, a new password)."""
    request.session[SESSION_KEY] = time.time()


def is_fresh(request):
    # A one-tap session never is: it was opened without the password. (A session owing its
    # two-factor set-up is: its password was entered at log-in, and the set-up needs it.)
    if session_scope.onetap_scope(request) or not request.user.is_authenticated:
        return False
    at = request.session.get(SESSION_KEY)
    return isinstance(at, (int, float)) and 0 <= time.time() - at < settings.REAUTH_SECONDS


def url(next_url):
    return f"{reverse('accounts:reauth')}?{urlencode({'next': next_url})}"


def safe_next(request, value, default):
    """`value` if it is a path on this site, else `default`: never a redirect to another site."""
    value = value or ""
    if (
        value.startswith("/")
        and not value.startswith("//")
        and url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return value
    return default


def demand(request, *, back=None):
    """None when the password was entered recently; else the redirect to confirm it first.

    A GET comes back to the same page. A POST cannot be replayed after the detour: it comes back
    to `back` (the page holding the form; default: this URL). Views that must first answer 404 to
    outsiders call this after fetching and authorising; others use @reauth_required.
    """
    if is_fresh(request):
        return None
    next_url = request.get_full_path()
    if request.method == "POST":
        messages.info(request, _("For your safety, confirm your password, then do it again."))
        next_url = back or next_url
    return redirect(url(next_url))


def reauth_required(view=None, *, back=None):
    """@reauth_required, or @reauth_required(back=callable(request, *args, **kwargs) -> URL)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            detour = demand(request, back=back(request, *args, **kwargs) if back else None)
            return detour or view(request, *args, **kwargs)

        return wrapped

    return decorator(view) if view is not None else decorator
