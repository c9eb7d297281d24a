"""Zalo Official Account: OAuth v4 tokens and ZNS template messages (see docs/integrations.md).

Two layers:
- ZaloClient speaks HTTP: exchange_code, refresh, send_template, quota. Zalo answers errors with
  HTTP 200 and a negative `error`; the client raises ZaloApiError / ZaloAuthError for them.
- ZaloSender is what the outbox calls: send(message) -> Sent | Retry | Held | Failed, following
  the table of error codes. It refreshes the token once on -124 (or HTTP 401) and retries.

Tokens never appear in logs, reprs or exception messages.
"""

import base64
import hashlib
import logging
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from urllib.parse import urlencode

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.integrations.http import shared_client
from loa.integrations.models import ZaloCredential

log = logging.getLogger(__name__)

TRACKING_ID_MAX = 48
# Refresh a little before Zalo's expiry so that a send never races the clock.
EXPIRY_MARGIN = timedelta(minutes=5)


# --- What the outbox gets back -----------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    msg_id: str


@dataclass(frozen=True)
class Retry:
    at: datetime
    reason: str = ""


@dataclass(frozen=True)
class Held:
    until: datetime
    reason: str = ""


@dataclass(frozen=True)
class Failed:
    reason: str
    fallback_email: bool = False
    flag_contact: bool = False
    alert_admin: bool = False


Outcome = Sent | Retry | Held | Failed


# --- Errors --------------------------------------------------------------------------------------


class ZaloError(Exception):
    """Base class. Messages carry codes and Zalo's error names, never a token."""


class ZaloNotAuthorised(ZaloError):
    """No usable credential: Loa must be authorised (again) by the OA's administrator."""


class ZaloUnavailable(ZaloError):
    """Network trouble, a timeout or a 5xx: try again later."""


class ZaloApiError(ZaloError):
    def __init__(self, code, message="", http_status=200):
        self.code, self.message, self.http_status = code, message, http_status
        super().__init__(f"Zalo error {code}: {message}" + (f" (HTTP {http_status})" if http_status != 200 else ""))


class ZaloAuthError(ZaloApiError):
    """An OAuth error (-14002 app, -14004 secret, -14005 code, -14014/-14020 refresh token reused…)."""


# --- Error table -------------------------------------------------------------------------------

RETRY = {-100}
REFRESH = {-124}
FLAG_CONTACT = {-108}
FALLBACK_EMAIL = {-118, -114, -119, -139, -141}
ALERT_ADMIN = {-109, -111, -112, -117, -131, -146}
HOLD_TOMORROW = {-115, -144, -147}
HOLD_MORNING = {-133}
BACK_OFF = {-32}


def zalo_phone(phone):
    """'+84912345678' or '0912 345 678' -> '84912345678'; ValueError when it is not a valid number."""
    from django.core.exceptions import ValidationError

    from loa.core.phones import normalize_phone

    try:
        e164 = normalize_phone(phone)
    except ValidationError:
        raise ValueError("invalid phone number") from None
    if not e164:
        raise ValueError("empty phone number")
    return e164.lstrip("+")


def pkce_pair():
    """(code_verifier, code_challenge) for the browser step of OAuth v4 (S256)."""
    verifier = secrets.token_hex(32)  # 64 characters; hex never starts with "-" on a command line
    return verifier, pkce_challenge(verifier)


def pkce_challenge(verifier):
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


@dataclass(frozen=True)
class SendResult:
    msg_id: str
    sent_time: str = ""
    daily_quota: int | None = None
    remaining_quota: int | None = None


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ZaloClient:
    """HTTP client for one Official Account. Tokens are read from and written to ZaloCredential."""

    def __init__(self, oa_id=None, *, http=None, timeout=None, now=timezone.now):
        self.oa_id = oa_id
        self.app_id = settings.ZALO_APP_ID
        self.app_secret = settings.ZALO_APP_SECRET
        self.oauth_url = settings.ZALO_OAUTH_URL.rstrip("/")
        self.api_url = settings.ZALO_API_URL.rstrip("/")
        self.http = http or shared_client(timeout or settings.INTEGRATIONS_TIMEOUT)
        self.now = now

    def __repr__(self):
        return f"<ZaloClient oa_id={self.oa_id!r}>"

    # OAuth ----------------------------------------------------------------------------------

    def authorisation_url(self, *, redirect_uri, code_challenge, state):
        query = urlencode(
            {"app_id": self.app_id, "redirect_uri": redirect_uri, "code_challenge": code_challenge, "state": state}
        )
        return f"{self.oauth_url}/oa/permission?{query}"

    def credential(self, *, for_update=False):
        qs = ZaloCredential.objects.all()
        if for_update:
            qs = qs.select_for_update()
        if self.oa_id:
            qs = qs.filter(oa_id=self.oa_id)
        found = list(qs.order_by("pk")[:2])
        if not found:
            raise ZaloNotAuthorised("Loa has not been authorised for this Zalo Official Account")
        if len(found) > 1 and not self.oa_id:
            raise ZaloNotAuthorised("several Zalo Official Accounts are authorised: name one (oa_id)")
        return found[0]

    def exchange_code(self, code, code_verifier, *, oa_id=None):
        """Trade the callback's one-time code for tokens and store them (encrypted)."""
        oa_id = oa_id or self.oa_id
        if not oa_id:
            raise ValueError("oa_id is required (Zalo sends it to the callback)")
        data = self._token_request(
            {"code": code, "app_id": self.app_id, "grant_type": "authorization_code", "code_verifier": code_verifier}
        )
        now = self.now()
        with transaction.atomic():
            credential, _created = ZaloCredential.objects.select_for_update().get_or_create(oa_id=oa_id)
            self._store(credential, data, now)
        self.oa_id = oa_id
        log.info("Zalo OA %s authorised; access token valid until %s", oa_id, credential.access_expires_at)
        return credential

    def refresh(self, *, stale_access_token=None):
        """Use the (single-use) refresh token and store the new pair before anyone uses it.

        The row is locked for the whole exchange so that two workers never spend the same refresh
        token. With stale_access_token, a worker that waited for the lock and finds a different
        access token stored knows another worker refreshed already and makes no call.
        """
        failure = None
        with transaction.atomic():
            credential = self.credential(for_update=True)
            if stale_access_token is not None and credential.access_token != stale_access_token:
                return credential
            if not credential.refresh_token:
                failure = ZaloNotAuthorised("no refresh token stored: authorise Loa again")
            else:
                now = self.now()
                try:
                    data = self._token_request(
                        {
                            "refresh_token": credential.refresh_token,
                            "app_id": self.app_id,
                            "grant_type": "refresh_token",
                        }
                    )
                except ZaloAuthError as error:
                    failure = error
                else:
                    self._store(credential, data, now)
        if failure is not None:
            # Outside the transaction above, so that the mark survives the error.
            ZaloCredential.objects.filter(pk=credential.pk).update(needs_authorisation=True)
            log.error("Zalo refused to refresh the token of OA %s: %s", credential.oa_id, failure)
            raise failure
        log.info("Zalo token of OA %s refreshed; valid until %s", credential.oa_id, credential.access_expires_at)
        return credential

    def _store(self, credential, data, now):
        access, refresh = data.get("access_token"), data.get("refresh_token")
        if not access or not refresh:
            raise ZaloApiError(0, "token answer without access_token or refresh_token")
        try:
            expires_in = int(str(data.get("expires_in", "90000")).strip())  # a string, "90000"
        except ValueError:
            expires_in = 90000
        credential.access_token = access
        credential.refresh_token = refresh
        credential.access_expires_at = now + timedelta(seconds=expires_in)
        credential.refresh_obtained_at = now
        credential.needs_authorisation = False
        credential.save()

    def _token_request(self, form):
        headers = {"secret_key": self.app_secret}
        data = self._call("POST", f"{self.oauth_url}/oa/access_token", data=form, headers=headers, oauth=True)
        return data

    # Messages ---------------------------------------------------------------------------------

    def access_token(self):
        """A usable access token, refreshing first when it is about to expire."""
        credential = self.credential()
        if credential.needs_authorisation:
            raise ZaloNotAuthorised("Zalo refused the refresh token: authorise Loa again")
        if not credential.access_token or (
            credential.access_expires_at and credential.access_expires_at <= self.now() + EXPIRY_MARGIN
        ):
            credential = self.refresh(stale_access_token=credential.access_token)
        return credential.access_token

    def send_template(self, phone, template_id, template_data, tracking_id, *, mode=None, access_token=None):
        """Send one ZNS message. phone as 84… (no '+'); tracking_id at most 48 characters."""
        phone = str(phone).lstrip("+")
        if not phone.isdigit() or not phone.startswith("84"):
            raise ValueError("phone must be 84… without '+'")
        tracking_id = str(tracking_id)
        if not tracking_id or len(tracking_id) > TRACKING_ID_MAX:
            raise ValueError(f"tracking_id must be 1 to {TRACKING_ID_MAX} characters")
        body = {
            "phone": phone,
            "template_id": str(template_id),
            "template_data": template_data,
            "tracking_id": tracking_id,
        }
        if mode:
            body["mode"] = mode
        token = access_token or self.access_token()
        payload = self._call("POST", f"{self.api_url}/message/template", json=body, headers={"access_token": token})
        data = payload.get("data") or {}
        quota = data.get("quota") or {}
        return SendResult(
            msg_id=str(data.get("msg_id", "")),
            sent_time=str(data.get("sent_time", "")),
            daily_quota=_int_or_none(quota.get("dailyQuota")),
            remaining_quota=_int_or_none(quota.get("remainingQuota")),
        )

    def quota(self):
        """{'daily_quota': 500, 'remaining_quota': 499} for today."""
        payload = self._call("GET", f"{self.api_url}/message/quota", headers={"access_token": self.access_token()})
        data = payload.get("data") or {}
        return {
            "daily_quota": _int_or_none(data.get("dailyQuota")),
            "remaining_quota": _int_or_none(data.get("remainingQuota")),
        }

    # HTTP ---------------------------------------------------------------------------------------

    def _call(self, method, url, *, oauth=False, **kwargs):
        path = url.split("://", 1)[-1].split("/", 1)[-1]
        try:
            response = self.http.request(method, url, **kwargs)
        except httpx.TimeoutException:
            log.warning("Zalo %s /%s timed out", method, path)
            raise ZaloUnavailable(f"Zalo did not answer in time ({method} /{path})") from None
        except httpx.HTTPError as error:
            log.warning("Zalo %s /%s failed: %s", method, path, type(error).__name__)
            raise ZaloUnavailable(f"cannot reach Zalo ({type(error).__name__})") from None
        if response.status_code >= 500:
            log.warning("Zalo %s /%s answered HTTP %s", method, path, response.status_code)
            raise ZaloUnavailable(f"Zalo answered HTTP {response.status_code}")
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.status_code == 401:
            code = payload.get("error") if isinstance(payload, dict) else None
            raise ZaloApiError(code if isinstance(code, int) and code < 0 else -124, "unauthorised", http_status=401)
        if not isinstance(payload, dict):
            log.warning("Zalo %s /%s answered HTTP %s without JSON", method, path, response.status_code)
            raise ZaloUnavailable(f"Zalo answered HTTP {response.status_code} without JSON")
        code = payload.get("error", 0)
        try:
            code = int(code)
        except (TypeError, ValueError):
            code = -100
        if code != 0:
            text = str(payload.get("error_name") or payload.get("message") or "")[:200]
            log.warning("Zalo %s /%s answered error %s %s", method, path, code, text)
            error_class = ZaloAuthError if oauth else ZaloApiError
            raise error_class(code, text, http_status=response.status_code)
        if response.status_code >= 400:
            raise ZaloApiError(-100, f"HTTP {response.status_code}", http_status=response.status_code)
        return payload


# --- The outbox's Zalo channel -------------------------------------------------------------------


def next_midnight(now):
    local = timezone.localtime(now)
    return timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), time(0, 0)))


def next_six_am(now):
    local = timezone.localtime(now)
    day = local.date() if local.time() < time(6, 0) else local.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(6, 0)))


def backoff(attempts, *, base=60, cap=3600, rng=random.random):
    """Exponential back-off with jitter: about 1, 2, 4… minutes, at most an hour."""
    delay = min(cap, base * 2 ** max(0, attempts))
    return timedelta(seconds=delay * (0.75 + 0.5 * rng()))


class ZaloSender:
    """send(message) -> Outcome, for messages of the outbox's Zalo channel.

    The message needs `.pk` (the tracking id), `.recipient` (a phone number, E.164 or local),
    `.data["template_id"]` and `.data["template_data"]`, and optionally `.attempts`.
    """

    def __init__(self, client=None, *, now=timezone.now, rng=random.random, mode=None):
        self.client = client
        self.now = now
        self.rng = rng
        self.mode = mode

    def send(self, message):
        now = self.now()
        data = getattr(message, "data", None) or {}
        try:
            phone = zalo_phone(message.recipient)
        except ValueError:
            return Failed(_("The phone number is not valid for Zalo."), flag_contact=True)
        template_id = data.get("template_id")
        if not template_id:
            return Failed(_("No Zalo template is set for this message."), alert_admin=True, fallback_email=True)
        tracking_id = str(message.pk)
        client = self.client or ZaloClient()
        try:
            token = client.access_token()
            try:
                result = client.send_template(
                    phone, template_id, data.get("template_data") or {}, tracking_id, mode=self.mode, access_token=token
                )
            except ZaloApiError as error:
                if error.code not in REFRESH:
                    raise
                client.refresh(stale_access_token=token)
                result = client.send_template(
                    phone, template_id, data.get("template_data") or {}, tracking_id, mode=self.mode
                )
        except (ZaloNotAuthorised, ZaloAuthError):
            return Failed(
                _("Loa is no longer authorised to send Zalo messages; an administrator must authorise it again."),
                alert_admin=True,
                fallback_email=True,
            )
        except ZaloUnavailable:
            return Retry(
                now + backoff(getattr(message, "attempts", 0), rng=self.rng),
                _("Zalo is not answering; will try again."),
            )
        except ZaloApiError as error:
            return self.outcome_for(error.code, now=now, attempts=getattr(message, "attempts", 0))
        return Sent(result.msg_id)

    def outcome_for(self, code, *, now, attempts=0):
        if code in RETRY:
            return Retry(now + backoff(attempts, rng=self.rng), _("Zalo had an unknown error; will try again."))
        if code in BACK_OFF:
            return Retry(now + backoff(attempts, base=60, rng=self.rng), _("Too many Zalo requests; slowing down."))
        if code in HOLD_TOMORROW:
            return Held(next_midnight(now), _("Today's Zalo quota is used up; the message waits until tomorrow."))
        if code in HOLD_MORNING:
            return Held(next_six_am(now), _("Zalo does not deliver at night; the message waits until 06:00."))
        if code in FLAG_CONTACT:
            return Failed(_("Zalo says the phone number is not valid."), flag_contact=True)
        if code in FALLBACK_EMAIL:
            return Failed(
                _("The recipient cannot receive Zalo messages; sending by e-mail instead."), fallback_email=True
            )
        if code in ALERT_ADMIN:
            return Failed(
                _("The Zalo template was refused (error %(code)s); an administrator must check it.") % {"code": code},
                alert_admin=True,
                fallback_email=True,
            )
        if code in REFRESH:
            return Failed(
                _("Zalo refused a freshly renewed token; an administrator must authorise Loa again."),
                alert_admin=True,
                fallback_email=True,
            )
        return Failed(
            _("Zalo answered with an unexpected error (%(code)s).") % {"code": code},
            alert_admin=True,
            fallback_email=True,
        )
