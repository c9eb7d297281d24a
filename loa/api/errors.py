"""Every error the API answers is JSON with a Vietnamese `detail` (English msgids, gettext).

422 answers also carry `errors`: {field: [messages]} for the fields at fault.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError


class Forbidden(HttpError):
    """The object is visible to the user, but this action on it is not theirs to take."""

    def __init__(self, message=None):
        super().__init__(403, message or _("You do not have permission to do this."))


def _pydantic_message(error):
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("This field is not accepted here.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Enter true or false.")
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("Enter a valid date as YYYY-MM-DD.")
    if kind == "greater_than_equal":
        return _("Ensure this value is greater than or equal to %(limit)s.") % {"limit": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("Ensure this value is less than or equal to %(limit)s.") % {"limit": ctx.get("le")}
    if kind == "string_too_long":
        return _("Ensure this value has at most %(limit)s characters.") % {"limit": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("This field must not be empty.")
    if kind == "string_type":
        return _("Enter text.")
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    return _("Enter a valid value.")


def _field_name(loc):
    """["body", "payload", "name"] -> "name"; ["query", "page"] -> "page"; the whole body -> "__all__"."""
    names = [str(part) for part in loc if not isinstance(part, int)]
    names = names[2:] if names[:1] == ["body"] else names[1:]
    return names[-1] if names else NON_FIELD_ERRORS


def validation_body(errors):
    """The 422 body from {field: [messages]}; non-field messages (key "__all__") become the detail."""
    general = errors.pop(NON_FIELD_ERRORS, [])
    if general:
        detail = " ".join(general)
    else:
        detail = _("The data is not valid: %(errors)s") % {
            "errors": "; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items())
        }
    return {"detail": detail, "errors": errors}


def install(api):
    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": _("Not found.")}, status=404)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        message = exc.message
        if message == "Unauthorized":  # ninja's own, when no credentials were sent
            message = _("Authentication required: send “Authorization: Bearer <token>” or sign in.")
        response = api.create_response(request, {"detail": message}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="loa"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        message = exc.message
        if exc.status_code == 403 and message == "Forbidden":
            message = _("You do not have permission to do this.")
        return api.create_response(request, {"detail": message}, status=exc.status_code)

    @api.exception_handler(NinjaValidationError)
    def bad_request_data(request, exc):
        errors = {}
        for error in exc.errors:
            errors.setdefault(_field_name(error.get("loc", ())), []).append(_pydantic_message(error))
        return api.create_response(request, validation_body(errors), status=422)

    @api.exception_handler(DjangoValidationError)
    def refused_by_service(request, exc):
        if hasattr(exc, "error_dict"):
            errors = {field: list(messages) for field, messages in exc.message_dict.items()}
        else:
            errors = {NON_FIELD_ERRORS: list(exc.messages)}
        return api.create_response(request, validation_body(errors), status=422)
