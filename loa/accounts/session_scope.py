"""What a signed-in session may reach, enforced for every request in one place.

A full session (the password, and the code when two-factor sign-in is on) reaches what the user's
roles allow. Two kinds of session reach less:

- **one-tap**: opened by a reminder's link (loa.directives.onetap) without the password. It is
  for one task and unit and lasts ONETAP_SESSION_SECONDS: that report's form, its receipt and its
  paper form, and the pages anyone may open. A forwarded message must not open the account: no
  profile, no tokens, no other unit.
- **set-up owed**: a manager who logged in with the password while OTP_REQUIRED_FOR_MANAGERS
  holds, and has no two-factor device yet: the set-up page only.

Anything else sends them to log in (or to the set-up) with a message. The API refuses both
(loa.api.auth.BrowserSession). Logging in with the password (loa.accounts.signin) makes the
session a full one.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _

ONETAP_KEY = "loa_onetap"
SETUP_KEY = "loa_otp_setup_owed"

# Pages anyone may open, signed in or not (a limited session keeps them).
PUBLIC_PAGES = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:otp_verify",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "accounts:invite_accept",
        "directives:onetap",
        "set_language",
        "healthz",
        "healthz_web",
        "fanpage_short",
        "favicon",
        # The sharing list's message link: its token, not the session, says what it may do.
        "sharing:link",
        "sharing:link_mark",
    }
)
# A one-tap session's own report: these pages, for its task and unit only.
ONETAP_PAGES = frozenset({"directives:report", "directives:receipt", "directives:unit_form"})
SETUP_PAGES = frozenset({"accounts:otp_setup", "accounts:reauth"})


def start_onetap(request, *, task_id, unit_id):
    """Mark the session just logged in by a one-tap link: that task and unit, for a few hours."""
    request.session[ONETAP_KEY] = {"task": task_id, "unit": unit_id}
    # An absolute end: the session backend refuses it afterwards, however active it was.
    request.session.set_expiry(timezone.now() + timedelta(seconds=settings.ONETAP_SESSION_SECONDS))


def onetap_scope(request):
    """{"task": id, "unit": id} for a one-tap session, else None."""
    session = getattr(request, "session", None)
    return session.get(ONETAP_KEY) if session is not None else None


def owe_setup(request):
    request.session[SETUP_KEY] = True


def setup_done(request):
    request.session.pop(SETUP_KEY, None)


def setup_owed(request):
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SETUP_KEY))


def make_full(request):
    """After the password (and code): no limit, and the ordinary session length."""
    request.session.pop(ONETAP_KEY, None)
    request.session.pop(SETUP_KEY, None)
    request.session.set_expiry(None)


def is_full(request):
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and not onetap_scope(request) and not setup_owed(request))


def _redirect(request, url):
    if getattr(request, "htmx", False):
        # A fragment request would swap the log-in page into the fragment: send the whole page there.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _own_report(scope, kwargs):
    return str(kwargs.get("pk")) == str(scope.get("task")) and str(kwargs.get("unit_id")) == str(scope.get("unit"))


class SessionScopeMiddleware:
    """Keeps one-tap sessions on their report and set-up-owed sessions on the set-up page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        scope, owed = onetap_scope(request), setup_owed(request)
        if not scope and not owed:
            return None
        if not request.user.is_authenticated:
            return None
        name = request.resolver_match.view_name if request.resolver_match else ""
        # The API answers for itself: it refuses limited sessions (401), a bearer token still works.
        if name in PUBLIC_PAGES or name.startswith("api:"):
            return None
        if scope:
            if name in ONETAP_PAGES and _own_report(scope, view_kwargs):
                return None
            messages.info(
                request,
                _(
                    "You opened Loa from a reminder link: it only lets you file your unit's report. "
                    "To do anything else, log in with your password."
                ),
            )
            response = redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
            return _redirect(request, response["Location"])
        if name in SETUP_PAGES:
            return None
        messages.info(request, _("Your role requires two-factor sign-in. Set it up to continue."))
        return _redirect(request, resolve_url("accounts:otp_setup"))
