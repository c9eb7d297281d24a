"""A stand-in for Zalo's OAuth v4 and ZNS endpoints, answering as Zalo does: errors with HTTP 200.

    with ZaloStandin() as zalo:          # or the `zalo_standin` pytest fixture
        code = zalo.state.grant_code(oa_id="OA1", code_verifier=verifier)
        zalo.state.fail_next(-115)       # the next send answers "out of quota"
        zalo.state.expire_access_tokens()

Settings to point Loa at it: ZALO_OAUTH_URL = zalo.oauth_url, ZALO_API_URL = zalo.api_url,
ZALO_APP_ID = zalo.state.app_id, ZALO_APP_SECRET = zalo.state.app_secret.
"""

import base64
import hashlib
import re
import secrets
import threading
import time
from dataclasses import dataclass, field

from loa.integrations.standins.base import Reply, StandinServer

ERROR_MESSAGES = {
    -32: "Exceeded the rate limit of OA API",
    -100: "Unknown error, please retry",
    -108: "Phone number is invalid",
    -109: "ID of ZNS template is invalid",
    -111: "Data of ZNS template is empty",
    -112: "Data of ZNS template is invalid",
    -114: "User is inactive, has no Zalo account or blocked ZNS",
    -115: "Out of quota",
    -117: "OA or app has not been granted permission to send ZNS",
    -118: "Zalo account does not exist or is deactivated",
    -119: "Account can not receive ZNS",
    -124: "Access token invalid",
    -131: "ZNS template is not approved",
    -133: "ZNS can not be sent at night (22:00-06:00)",
    -139: "User refused to receive this type of ZNS",
    -141: "User refused to receive ZNS from this OA",
    -144: "OA has exceeded the daily quota",
    -146: "ZNS template has been disabled",
    -147: "ZNS template has exceeded the daily quota",
}

OAUTH_ERRORS = {
    -14002: "Invalid appId",
    -14003: "Invalid redirect uri",
    -14004: "Invalid secret key",
    -14005: "Invalid code",
    -14014: "Invalid refresh token",
    -14018: "Invalid grant type",
    -14020: "Refresh token has been used",
}

PHONE = re.compile(r"84\d{9}")


@dataclass
class Fault:
    code: int
    http_status: int = 200
    delay: float = 0.0
    path: str = "/message/template"


@dataclass
class ZaloState:
    app_id: str = "3456789012345678901"
    app_secret: str = "standin-app-secret-KEEP-OUT-OF-LOGS"
    expires_in: str = "90000"  # a string, as Zalo sends it
    # The code Zalo gives for a refresh token used twice (-14014 or -14020 ⚠).
    reused_refresh_code: int = -14014
    # Some deployments report an expired access token with HTTP 401 instead of 200 ⚠.
    expired_status: int = 200
    daily_quota: int = 500
    remaining_quota: int = 500
    night: bool = False
    # Template id -> the parameter names it requires.
    templates: dict = field(default_factory=lambda: {"401234": {"name", "unit", "task", "deadline", "link"}})
    no_zalo_phones: set = field(default_factory=set)
    codes: dict = field(default_factory=dict)
    access_tokens: dict = field(default_factory=dict)  # token -> {"oa_id", "expired"}
    refresh_tokens: dict = field(default_factory=dict)  # token -> {"oa_id", "used"}
    faults: list = field(default_factory=list)
    sent: list = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)

    # Scenario controls ----------------------------------------------------------------------

    def grant_code(self, *, oa_id="2917315447262442221", code_verifier):
        """The `code` the browser brings back, bound to this verifier's challenge (S256)."""
        challenge = base64.urlsafe_b64encode(hashlib.sha256(code_verifier.encode()).digest()).decode().rstrip("=")
        code = "code-" + secrets.token_urlsafe(16)
        with self.lock:
            self.codes[code] = {"challenge": challenge, "oa_id": oa_id, "used": False, "expires": time.time() + 600}
        return code

    def issue_tokens(self, oa_id="2917315447262442221"):
        """A fresh (access, refresh) pair, as if Loa had been authorised earlier."""
        access, refresh = "zat-" + secrets.token_urlsafe(24), "zrt-" + secrets.token_urlsafe(24)
        with self.lock:
            self.access_tokens[access] = {"oa_id": oa_id, "expired": False}
            self.refresh_tokens[refresh] = {"oa_id": oa_id, "used": False}
        return access, refresh

    def expire_access_tokens(self):
        with self.lock:
            for info in self.access_tokens.values():
                info["expired"] = True

    def fail_next(self, code, *, times=1, http_status=200, delay=0.0, path="/message/template"):
        """The next `times` calls to `path` answer error `code` (a delay > client timeout = a timeout)."""
        with self.lock:
            self.faults.extend(Fault(code, http_status, delay, path) for _ in range(times))

    def timeout_next(self, seconds, *, times=1, path="/message/template"):
        self.fail_next(0, times=times, delay=seconds, path=path)

    def _take_fault(self, path):
        with self.lock:
            for index, fault in enumerate(self.faults):
                if fault.path == path:
                    return self.faults.pop(index)
        return None


class ZaloStandin(StandinServer):
    def __init__(self, state=None):
        super().__init__()
        self.state = state or ZaloState()

    @property
    def oauth_url(self):
        return self.url + "/v4"

    @property
    def api_url(self):
        return self.url

    def handle(self, request, base_url):
        fault = self.state._take_fault(request.path)
        if fault is not None:
            if fault.code == 0:
                return Reply(200, {"error": -100, "message": ERROR_MESSAGES[-100]}, delay=fault.delay)
            if request.path.startswith("/v4/"):
                return self._oauth_error(fault.code)
            return Reply(
                fault.http_status,
                {"error": fault.code, "message": ERROR_MESSAGES.get(fault.code, "Error")},
                delay=fault.delay,
            )
        if request.method == "POST" and request.path == "/v4/oa/access_token":
            return self._access_token(request)
        if request.method == "POST" and request.path == "/message/template":
            return self._send(request)
        if request.method == "GET" and request.path == "/message/quota":
            return self._quota(request)
        return Reply(404, {"error": 404, "message": "Not found"})

    # OAuth ------------------------------------------------------------------------------------

    def _oauth_error(self, code, description=""):
        return Reply(
            200,
            {
                "error": code,
                "error_name": OAUTH_ERRORS.get(code, "Error"),
                "error_description": description,
                "error_reason": "",
                "ref_doc": "https://developers.zalo.me/docs/official-account/bat-dau/xac-thuc-va-uy-quyen-cho-ung-dung-new",
            },
        )

    def _access_token(self, request):
        state, form = self.state, request.form()
        if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return self._oauth_error(-14018, "body must be form-encoded")
        if form.get("app_id") != state.app_id:
            return self._oauth_error(-14002)
        if request.headers.get("secret_key") != state.app_secret:
            return self._oauth_error(-14004)
        grant = form.get("grant_type")
        with state.lock:
            if grant == "authorization_code":
                info = state.codes.get(form.get("code", ""))
                if not info or info["used"] or info["expires"] < time.time():
                    return self._oauth_error(-14005, "The code is invalid, expired or already used")
                verifier = form.get("code_verifier", "")
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
                info["used"] = True
                if challenge != info["challenge"]:
                    return self._oauth_error(-14005, "code_verifier does not match the code_challenge")
                oa_id = info["oa_id"]
            elif grant == "refresh_token":
                info = state.refresh_tokens.get(form.get("refresh_token", ""))
                if not info:
                    return self._oauth_error(-14014, "Invalid refresh token")
                if info["used"]:
                    return self._oauth_error(state.reused_refresh_code, "Refresh token has been used")
                info["used"] = True
                oa_id = info["oa_id"]
            else:
                return self._oauth_error(-14018)
            access, refresh = state.issue_tokens(oa_id)
        return Reply(200, {"access_token": access, "refresh_token": refresh, "expires_in": state.expires_in})

    # Messages ---------------------------------------------------------------------------------

    def _token_error(self, request):
        info = self.state.access_tokens.get(request.headers.get("access_token", ""))
        if info is None or info["expired"]:
            return Reply(self.state.expired_status, {"error": -124, "message": ERROR_MESSAGES[-124]})
        return None

    def _error(self, code):
        return Reply(200, {"error": code, "message": ERROR_MESSAGES.get(code, "Error")})

    def _send(self, request):
        state = self.state
        with state.lock:
            refused = self._token_error(request)
            if refused:
                return refused
            try:
                body = request.json()
            except ValueError:
                return self._error(-112)
            phone = str(body.get("phone", ""))
            template_id = str(body.get("template_id", ""))
            data = body.get("template_data")
            tracking_id = str(body.get("tracking_id", ""))
            if not PHONE.fullmatch(phone):
                return self._error(-108)
            if template_id not in state.templates:
                return self._error(-109)
            if not data:
                return self._error(-111)
            if not isinstance(data, dict) or set(data) != state.templates[template_id]:
                return self._error(-112)
            if len(tracking_id) > 48:
                return self._error(-112)
            if phone in state.no_zalo_phones:
                return self._error(-118)
            if state.night:
                return self._error(-133)
            if state.remaining_quota <= 0:
                return self._error(-115)
            state.remaining_quota -= 1
            msg_id = secrets.token_hex(10)
            sent_time = str(int(time.time() * 1000))
            state.sent.append({**body, "msg_id": msg_id})
            quota = {"dailyQuota": str(state.daily_quota), "remainingQuota": str(state.remaining_quota)}
        return Reply(
            200,
            {
                "error": 0,
                "message": "Success",
                "data": {"msg_id": msg_id, "sent_time": sent_time, "sending_mode": "1", "quota": quota},
            },
        )

    def _quota(self, request):
        with self.state.lock:
            refused = self._token_error(request)
            if refused:
                return refused
            data = {"dailyQuota": self.state.daily_quota, "remainingQuota": self.state.remaining_quota}
        return Reply(200, {"data": data, "error": 0, "message": "success"})
