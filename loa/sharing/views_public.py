"""The public page of an upper unit's items and its RSS, Atom and JSON feeds (/sharing/public/<code>/):
no login, nothing about units or people beyond the curating unit's public name (loa/sharing/public.py).

Every answer may be kept by caches and readers for PUBLIC_MAX_AGE seconds, and carries an ETag: a
reader that asks again with If-None-Match gets 304 when nothing changed."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe

from loa.sharing import public

PUBLIC_MAX_AGE = 600  # seconds


def _answer(request, body, content_type):
    response = HttpResponse(body, content_type=content_type)
    etag = f'"{public.etag_of(content_type, body)}"'
    response.headers["ETag"] = etag
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Access-Control-Allow-Origin"] = "*"  # other sites' pages may read the feeds
    return get_conditional_response(request, etag=etag, response=response)


def _rows(request, key):
    unit = public.public_unit_or_404(key)
    return unit, public.entries(request, list(public.public_items(unit)))


@require_safe
def public_page(request, key):
    unit, rows = _rows(request, key)
    body = render_to_string(
        "sharing/feeds_public.html", {"unit": unit, "rows": rows, "key": public.public_key(unit)}, request=request
    )
    return _answer(request, body, "text/html; charset=utf-8")


@require_safe
def public_rss(request, key):
    unit, rows = _rows(request, key)
    return _answer(request, public.rss(request, unit, rows), "application/rss+xml; charset=utf-8")


@require_safe
def public_atom(request, key):
    unit, rows = _rows(request, key)
    return _answer(request, public.atom(request, unit, rows), "application/atom+xml; charset=utf-8")


@require_safe
def public_json(request, key):
    unit, rows = _rows(request, key)
    return _answer(request, public.json_feed(request, unit, rows), "application/feed+json; charset=utf-8")
