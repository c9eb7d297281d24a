"""One limit on what a request may send, enforced before its body is read.

UPLOAD_MAX_BYTES is the one setting: the largest file Loa takes. A request may carry that plus a
megabyte for the form around it (settings.REQUEST_MAX_BYTES). The same figure is:
- checked against Content-Length before anything reads the body (`RequestSizeLimitMiddleware`);
- checked again where the multipart parser starts (`LimitedUploadHandler`, first of
  FILE_UPLOAD_HANDLERS), for a request that reaches a form by another way than the middleware
  (Django never reads more of a body than its Content-Length, so the length is the whole story);
- Django's DATA_UPLOAD_MAX_MEMORY_SIZE for bodies read whole (forms, the API's JSON);
- nginx's client_max_body_size in deploy/nginx/loa.conf (a test keeps them equal).
Too big is a 413 with a Vietnamese page, never a body read to the end (under /api/ the API's
middleware turns the page into its JSON error).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class RequestTooLarge(RequestDataTooBig):
    """A multipart body over the limit, found by the upload handler."""


def too_large_response(request: HttpRequest) -> HttpResponse:
    message = _("The file is too large: Loa takes files up to %(mb)s MB. Send a smaller one, or split it.") % {
        "mb": round(settings.UPLOAD_MAX_BYTES / 1048576)
    }
    response = render(request, "core/too_large.html", {"message": message}, status=413)
    # The client is still sending: tell it the connection ends here rather than read the rest.
    response["Connection"] = "close"
    return response


class RequestSizeLimitMiddleware:
    """Answers 413 from Content-Length alone, before any middleware or view reads the body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            return too_large_response(request)
        return self.get_response(request)


class LimitedUploadHandler(FileUploadHandler):
    """Refuses a multipart body over the limit before the parser reads any of it; Django turns
    the exception into a 400, which `bad_request` answers as a 413."""

    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, Any],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        if content_length and content_length > settings.REQUEST_MAX_BYTES:
            raise RequestTooLarge("request body over REQUEST_MAX_BYTES")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: a body too big (read whole, or streamed) is a 413; anything else a plain 400."""
    if isinstance(exception, RequestDataTooBig):
        return too_large_response(request)
    return render(request, "core/bad_request.html", status=400)
