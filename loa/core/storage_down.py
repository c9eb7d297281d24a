"""The answer when the file storage fails: a Vietnamese 503 that says what happened, not a 500.

Uploads, downloads and the pages that read a kept file raise loa.core.storage.StorageUnavailable
when the object store (or the disk) does not answer. Nothing was saved: the service's transaction
is rolled back with the exception. The rest of Loa keeps working, so the page says to try again in
a few minutes; under /api/, loa.api.fallback turns the page into the API's JSON error with the same
message (`error_detail`).
"""

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from loa.core.storage import StorageUnavailable

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 120


def storage_down_message() -> str:
    return _(
        "Files cannot be saved or opened right now: the file storage is not answering. Try again in a few minutes."
    )


class StorageDownMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, StorageUnavailable):
            return None
        logger.error("File storage unavailable: %s", exception)
        message = storage_down_message()
        response = render(request, "core/storage_down.html", {"message": message}, status=503)
        response.error_detail = message  # type: ignore[attr-defined]  # read by loa.api.fallback
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
