"""`/s/<code>`: a unit's tracked link of an item. Public (whoever reads the unit's post clicks it):
a 302 to the item's own address, and the click counted unless the filter drops it
(`loa/sharing/clicks.py`). No database write, no session, no template on the way: a click costs a
look-up in the process's table (or the cache), and one Redis script once the answer is sent."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, HttpResponseRedirect
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from loa.sharing import clicks, links

log = logging.getLogger(__name__)


class CountingRedirect(HttpResponseRedirect):
    """A 302 that counts its click once it has been sent: the WSGI server calls `close()` after
    the last byte left, so the reader does not wait for the counter's round trip to Redis."""

    def __init__(self, url: str, *, request: HttpRequest, link_id: int) -> None:
        super().__init__(url)
        self._click: tuple[HttpRequest, int] | None = (request, link_id)

    def close(self) -> None:
        try:
            if self._click is not None:
                request, link_id = self._click
                self._click = None  # closed twice, counted once
                clicks.count(request, link_id)
        except Exception:  # a counter down must not turn a sent redirect into an error
            log.exception("click not counted")
        finally:
            super().close()


def _not_found(request: HttpRequest) -> HttpResponse:
    return HttpResponseNotFound(render_to_string("sharing/links_not_found.html", request=None))


@require_safe
def follow(request: HttpRequest, code: str) -> HttpResponse:
    """A retired item's link still redirects: the unit's post that carries it stays on its Page,
    and its readers should reach the article, not an error (retiring stops asking, not reading)."""
    found = links.resolve(code)
    if found is None:
        return _not_found(request)
    link_id, url = found
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return _not_found(request)
    response = CountingRedirect(url, request=request, link_id=link_id)
    # Every click must reach Loa to be counted: no browser or proxy keeps the answer.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer-when-downgrade"
    return response
