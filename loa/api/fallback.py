"""JSON for what goes wrong under /api/ outside django-ninja's exception handlers.

Some answers never pass through ninja: an unknown URL (Django's 404), a method the path does not
take (ninja's PathView answers a plain-text 405), a request Django refuses before any view runs
(a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a bad Host header), Django's CSRF failure page, and the
500 of an unexpected exception. The API promises JSON for all of them (docs/api.md), so:

- `ApiErrorsMiddleware` gives every error answer under /api/ that is not JSON the same
  `{"detail", "code"}` body for its status, keeping the headers that matter (Allow, WWW-Authenticate):
  the project's handler400 (loa.core.request_limits.bad_request: 413 for a body too large) and
  the request-size middleware answer pages, and this turns them into the API's JSON. A page that
  says what went wrong for a person (the storage-down page, loa.core.storage_down) sets
  `error_detail` on its answer, and that becomes the JSON's detail.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from loa.api.errors import error_body

API_PREFIX = "/api/"
KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After")


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def json_error(status: int, detail: str | None = None) -> JsonResponse:
    return JsonResponse(error_body(status, detail), status=status, json_dumps_params={"ensure_ascii": False})


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip() == "application/json"


class ApiErrorsMiddleware:
    """Makes every error answer under /api/ JSON (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not is_api(request) or _is_json(response):
            return response
        replacement = json_error(response.status_code, getattr(response, "error_detail", None))
        for header in KEPT_HEADERS:
            if header in response:
                replacement[header] = response[header]
        return replacement
