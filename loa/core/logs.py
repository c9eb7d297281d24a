"""Log records as production reads them: one JSON object a line, with the request and the user,
and nothing secret.

`LOG_FORMAT=json` turns it on (settings.LOGGING). Every record then carries `request_id` (nginx's
`$request_id`, passed as X-Request-ID, or one made here) and `user_id` when a signed-in user made
the request. Whatever the format, the redacting filter masks what must never reach a log: the
secret parts of one-tap, invitation and password-reset links, tokens and passwords written as
`name=value`, and phone numbers (only their last three digits stay).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

_request: ContextVar[object | None] = ContextVar("loa_log_request", default=None)
_request_id: ContextVar[str | None] = ContextVar("loa_log_request_id", default=None)

# X-Request-ID values taken from the proxy: letters, digits and dashes, nothing a log reader must escape.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")

# Link paths whose last parts are a secret: the one-tap report link, invitations, password resets.
_SECRET_PATHS = re.compile(r"(/directives/r/|/accounts/invite/|/accounts/password/reset/)(?!sent/|done/)[^\s\"'?]+")
_SECRET_PAIRS = re.compile(
    r"(?i)\b(password|passwd|token|secret|access_token|api_key)(\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s&,;]+)"
)
_AUTHORIZATION = re.compile(r"(?i)\b(authorization\s*[=:]\s*)[^\n]+")
_BEARER = re.compile(r"(?i)\b(bearer|token)\s+[A-Za-z0-9._~+/=-]{8,}")
# Vietnamese phone numbers as people and Loa write them: 0912345678, 0912 345 678, +84 912 345 678.
_PHONE = re.compile(r"(?<![\w.])(?:\+84|84|0)(?:[\s.-]?\d){8,10}(?![\w.])")


def redact(text: str) -> str:
    text = _SECRET_PATHS.sub(lambda m: m.group(1) + "[hidden]", text)
    text = _AUTHORIZATION.sub(lambda m: m.group(1) + "[hidden]", text)
    text = _SECRET_PAIRS.sub(lambda m: m.group(1) + m.group(2) + "[hidden]", text)
    text = _BEARER.sub(lambda m: m.group(1) + " [hidden]", text)
    return _PHONE.sub(_mask_phone, text)


def _mask_phone(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "*" * (len(digits) - 3) + digits[-3:]


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (with its arguments) through `redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `user_id` of the request being served (None outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        record.user_id = _user_id(_request.get())
        return True


def _user_id(request: object | None) -> int | None:
    # Only a user the request already loaded: a log line must not cost a query, nor fail with the database.
    user = getattr(request, "user", None) if request is not None else None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is None or wrapped.__class__.__name__ == "object":
        return None
    return getattr(wrapped, "pk", None) if getattr(wrapped, "is_authenticated", False) else None


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request and user, and the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "user_id": getattr(record, "user_id", None),
        }
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class RequestIdMiddleware:
    """Gives every request an id (the proxy's X-Request-ID when it sent a sane one), returned in
    the response's X-Request-ID so that a user's report can be matched with the log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]  # Loa's own attribute on the request
        # Kept until the response is closed (forget_request), not only while the middleware runs:
        # Django logs a 4xx answer after the middleware chain has returned.
        _request_id.set(request_id)
        _request.set(request)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def forget_request(**kwargs: object) -> None:
    """request_finished: the thread serves no request any more."""
    _request_id.set(None)
    _request.set(None)
