"""Pages and API answers compressed by Loa itself, so that a page is light on a phone's connection
whatever sits in front of it (nginx compresses too, and leaves an already compressed answer alone).

Only text is compressed: an xlsx, docx, pdf or picture is already compressed, and compressing a
download would drop its Content-Length (no progress bar on the phone). Django's GZipMiddleware pads
each compressed answer with random bytes against BREACH; CSRF tokens are masked per request."""

from __future__ import annotations

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware

TEXT_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml", "application/xml")


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(TEXT_TYPES):
            return response
        return super().process_response(request, response)
