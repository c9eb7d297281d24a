"""Every error the API answers is JSON: `{"detail": "…", "code": "…"}`, the detail in Vietnamese
(English msgids, gettext), the code a stable word a program can test.

422 answers also carry `errors`: {field: [messages]} for the fields at fault. The same body comes
from django-ninja's exception handlers (here) and from what goes wrong outside ninja, before or
around the API's views (`loa.api.fallback`). `answers()` declares these errors in the schema.
"""

from collections.abc import Sequence
from typing import Any, NoReturn

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

# The code and the general message of each status the API answers with.
STATUSES = {
    400: ("bad_request", gettext_lazy("The request is not valid.")),
    401: (
        "not_authenticated",
        gettext_lazy("Authentication required: send “Authorization: Bearer <token>” or sign in."),
    ),
    403: ("permission_denied", gettext_lazy("You do not have permission to do this.")),
    404: ("not_found", gettext_lazy("Not found.")),
    405: ("method_not_allowed", gettext_lazy("This method is not allowed here.")),
    409: ("conflict", gettext_lazy("The data changed in the meantime: reload it and try again.")),
    413: ("too_large", gettext_lazy("The request is too large.")),
    422: ("invalid", gettext_lazy("The data is not valid.")),
    429: ("throttled", gettext_lazy("Too many requests: wait a moment and try again.")),
    503: ("unavailable", gettext_lazy("A service Loa needs is not answering right now. Try again in a few minutes.")),
    500: (
        "server_error",
        gettext_lazy("Something went wrong on the server; it has been recorded. Please try again later."),
    ),
}


class Error(Schema):
    """The body of every error answer."""

    detail: str = Field(
        ..., description="What went wrong, for a person (Vietnamese unless Accept-Language asks otherwise)."
    )
    code: str = Field(
        ..., description="What went wrong, for a program: " + ", ".join(code for code, _m in STATUSES.values()) + "."
    )
    errors: dict[str, list[str]] | None = Field(
        None, description="422 only: the messages of each field at fault (`__all__` for the request as a whole)."
    )


def error_body(status: int, detail: str | None = None, code: str | None = None, **extra: Any) -> dict[str, Any]:
    """The JSON body of an error answer with this status; the general message unless `detail` is given."""
    default_code, message = STATUSES.get(status, STATUSES[400] if status < 500 else STATUSES[500])
    return {"detail": str(detail or message), "code": code or default_code, **extra}


# Answers an operation may give, besides its own success: a malformed request (Django refuses it
# before the API sees it), no or a wrong token, a fault. READ and WRITE add what reading or
# writing something can meet; an operation adds its own on top (409 where a version is checked).
ALWAYS = (400, 401, 500)
READ = (404, 422)
WRITE = (403, 404, 413, 422)


def answers(success: Any, *codes: int) -> dict[int, Any]:
    """The `response=` of an operation: `success` (a schema: 200, or {status: schema}) and an Error
    for each status of ALWAYS and `codes`, so that the schema declares every answer it can give."""
    declared = dict(success) if isinstance(success, dict) else {200: success}
    for status in (*ALWAYS, *codes):
        declared.setdefault(status, Error)
    return declared


class Forbidden(HttpError):
    """The object is visible to the user, but this action on it is not theirs to take."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(403, message or _("You do not have permission to do this."))


class Conflict(HttpError):
    """Someone else changed the object since the caller read it."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(409, message or str(STATUSES[409][1]))


def _pydantic_message(error: dict[str, Any]) -> str:
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("This field is not accepted here.")
    if kind in ("int_parsing", "int_type", "int_from_float", "int_parsing_size"):
        return _("Enter a whole number.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Enter true or false.")
    if kind in ("list_type", "tuple_type", "set_type"):
        return _("Enter a list.")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("Enter an object.")
    if kind in ("decimal_parsing", "decimal_type", "float_parsing", "float_type", "finite_number"):
        return _("Enter a number.")
    if kind in ("decimal_max_digits", "decimal_max_places", "decimal_whole_digits"):
        return _("Enter a number with at most %(digits)s digits, %(places)s of them after the decimal point.") % {
            "digits": ctx.get("max_digits", ctx.get("whole_digits", "")),
            "places": ctx.get("decimal_places", 2),
        }
    if kind.startswith(("datetime", "timezone")):
        return _("Enter a valid date and time, e.g. 2021-04-30T00:00:00+07:00.")
    if kind.startswith("date"):
        return _("Enter a valid date as YYYY-MM-DD.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("Ensure this value is greater than or equal to %(limit)s.") % {"limit": ctx.get("ge", ctx.get("gt"))}
    if kind in ("less_than_equal", "less_than"):
        return _("Ensure this value is less than or equal to %(limit)s.") % {"limit": ctx.get("le", ctx.get("lt"))}
    if kind == "string_too_long":
        return _("Ensure this value has at most %(limit)s characters.") % {"limit": ctx.get("max_length")}
    if kind == "too_long":
        return _("Ensure this list has at most %(limit)s items.") % {"limit": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("This field must not be empty.")
    if kind == "string_type":
        return _("Enter text.")
    if kind in ("literal_error", "enum"):
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])  # our own validators raise their Vietnamese message
    return _("Enter a valid value.")


def _field_name(loc: Sequence[str | int]) -> str:
    """["body", "payload", "name"] -> "name"; ["query", "page"] -> "page"; the whole body -> "__all__"."""
    names = [str(part) for part in loc if not isinstance(part, int)]
    names = names[2:] if names[:1] == ["body"] else names[1:]
    return names[-1] if names else NON_FIELD_ERRORS


def validation_body(errors: dict[str, list[str]]) -> dict[str, Any]:
    """The 422 body from {field: [messages]}; non-field messages (key "__all__") become the detail."""
    general = errors.pop(NON_FIELD_ERRORS, [])
    if general:
        detail = " ".join(general)
    else:
        detail = _("The data is not valid: %(errors)s") % {
            "errors": "; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items())
        }
    return error_body(422, detail, errors=errors)


def install(api: NinjaAPI) -> None:
    def answer(request: HttpRequest, status: int, detail: str | None = None, **extra: Any) -> HttpResponse:
        return api.create_response(request, error_body(status, detail, **extra), status=status)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return answer(request, 404)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message: str | None = exc.message
        if message == "Unauthorized":  # ninja's own, when no credentials were sent
            message = None
        response = answer(request, 401, message)
        response["WWW-Authenticate"] = 'Bearer realm="loa"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja's own English messages ("Forbidden", "Cannot parse request body") give way to ours.
        own = exc.message not in ("Forbidden", "Cannot parse request body", "Too many requests.")
        if exc.status_code == 400 and not own:
            return answer(request, 400, _("The request body is not valid JSON."))
        return answer(request, exc.status_code, exc.message if own else None, code=getattr(exc, "code", None))

    @api.exception_handler(NinjaValidationError)
    def bad_request_data(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            errors.setdefault(_field_name(error.get("loc", ())), []).append(_pydantic_message(error))
        return api.create_response(request, validation_body(errors), status=422)

    @api.exception_handler(DjangoValidationError)
    def refused_by_service(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = {field: list(messages) for field, messages in exc.message_dict.items()}
        else:
            errors = {NON_FIELD_ERRORS: list(exc.messages)}
        return api.create_response(request, validation_body(errors), status=422)

    @api.exception_handler(Exception)
    def fault(request: HttpRequest, exc: Exception) -> NoReturn:
        # Anything else is Django's to answer (and to log, with the request): its handlers and
        # loa.api.fallback turn it into the JSON 500 (or 400/413 for a refused request), whatever DEBUG says.
        raise exc
