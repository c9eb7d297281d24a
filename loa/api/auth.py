"""Who is calling: a bearer token (scripts, other systems) or the browser's session.

Both end with `request.user` set, so endpoints check permissions the same way as pages do.
Only a full session counts (loa.accounts.session_scope): a one-tap link's does not.
"""

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from loa.accounts import session_scope
from loa.accounts.models import ApiToken, User

# last_used_at is written at most this often, so that a busy script does not write on every call.
TOUCH_EVERY = timedelta(minutes=1)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class BearerToken(HttpBearer):
    """`Authorization: Bearer loa_…`. Only the token's sha256 digest is stored."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        api_token = ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(token.strip())).first()
        if api_token is None or not api_token.user.is_active:
            # A wrong token is refused outright rather than falling back to the session.
            raise AuthenticationError(
                message=_("The API token is not valid: it is wrong, revoked, or its account is disabled.")
            )
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at >= TOUCH_EVERY:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
            api_token.last_used_at = now
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]  # a plain HttpRequest: Loa's own attribute
        return api_token.user


class BrowserSession(APIKeyCookie):
    """The logged-in browser (and the interactive docs). Unsafe methods need the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)  # tells the docs page to send X-CSRFToken

    def __call__(self, request: HttpRequest) -> User | None:
        return self.authenticate(request, None)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if not session_scope.is_full(request):
            return None  # a one-tap link's session (or one owing its two-factor set-up) is not for the API
        unsafe = request.method not in SAFE_METHODS and not getattr(request, "_ninja_csrf_exempt", False)
        if unsafe and check_csrf(request) is not None:
            raise HttpError(
                403, _("The CSRF check failed: send the X-CSRFToken header with the value of the csrftoken cookie.")
            )
        return user
