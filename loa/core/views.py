"""Small answers of Loa's own that belong to no area."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.utils.cache import patch_cache_control


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """/favicon.ico, which browsers and bots ask for whatever a page links: the static icon.

    A temporary redirect: the static file's name changes with its content."""
    response = HttpResponseRedirect(static("loa/favicon.ico"))
    patch_cache_control(response, public=True, max_age=24 * 3600)
    return response
