"""The Content-Security-Policy and Permissions-Policy of Loa's pages.

Loa's pages load everything from Loa itself (no CDN) and run no inline code: scripts are files
under /static/ (htmx and static/loa/loa.js, whose behaviours are driven by data attributes), styles
are classes in static/loa/loa.css, never a `style` attribute or an inline <style>/<script>, and htmx
is configured not to evaluate anything (the htmx-config meta in base.html). So the policy allows
'self' and nothing inline: an injected <script>, `onclick`, `javascript:` link or `style` runs or
applies nowhere. Pictures may also be data: URIs (the two-factor QR code). The service worker and the
manifest (loa/core/pwa.py) come from Loa too.

The header is set on answers a browser shows as a document (HTML, SVG, XML), only when the view
did not set its own: a kept file already carries its stricter sandboxing policy (loa.core.files).
Downloads (PDF, Word, Excel, JSON) get none, so that Chrome's PDF viewer works on Loa's documents.
With DEBUG on, Django's own error pages (inline styles and scripts) are left without it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

POLICY_DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)
CONTENT_SECURITY_POLICY = "; ".join(POLICY_DIRECTIVES)
# Nothing in Loa uses the camera, the microphone or the position: no page (or injected frame) may ask.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

DOCUMENT_TYPES = ("text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml")
# With DEBUG on, these answers are Django's technical pages (bad request, CSRF failure, not found, error).
DEBUG_PAGE_STATUSES = {400, 403, 404, 500}


class SecurityHeadersMiddleware:
    """Adds the policies above to every document Loa answers with (see the module's text)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type not in DOCUMENT_TYPES:
            return response
        if settings.DEBUG and response.status_code in DEBUG_PAGE_STATUSES:
            return response
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
