"""Absolute links: the site's address, from SITE_URL in production.

Links leave Loa in e-mails, Zalo messages, QR posters and score evidence, mostly written outside
any request (the outbox, Celery). Production must set SITE_URL (settings refuse to start without
it). A development instance may leave it unset: a link made while a request is served uses that
request's own scheme and host (what the developer typed in the browser), and one made elsewhere
(a management command) uses the development server's address.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

DEVELOPMENT_ORIGIN = "http://127.0.0.1:8000"

_request_origin: ContextVar[str | None] = ContextVar("loa_request_origin", default=None)


def site_origin() -> str:
    return settings.SITE_URL or _request_origin.get() or DEVELOPMENT_ORIGIN


def absolute_url(path: str) -> str:
    """`path` ("/directives/r/abc/") as a link that works from outside Loa."""
    return site_origin() + path


class RequestOriginMiddleware:
    """Remembers the origin of the request being served, for links made without SITE_URL."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SITE_URL:
            return self.get_response(request)
        token = _request_origin.set(f"{request.scheme}://{request.get_host()}")
        try:
            return self.get_response(request)
        finally:
            _request_origin.reset(token)
