"""Which year a yearly page shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Max, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone


def requested_year(request: HttpRequest, *, latest_with_data: Callable[[], int | None] | None = None) -> int:
    """The `?year=` asked for; without one, the latest year that has data (so that in January,
    before the new year's quotas exist, a page shows last year rather than nothing), else this
    year. A year that is not a number or not between 2000 and this year is a 404."""
    today = timezone.localdate()
    raw = request.GET.get("year")
    if not raw:
        latest = latest_with_data() if latest_with_data else None
        return min(latest, today.year) if latest else today.year
    try:
        year = int(raw)
    except ValueError:
        raise Http404 from None
    if not 2000 <= year <= today.year:
        raise Http404
    return year


def latest_year(queryset: QuerySet[Any], field: str = "year") -> Callable[[], int | None]:
    """A `latest_with_data` for requested_year: the highest `field` in `queryset`."""
    return lambda: queryset.aggregate(latest=Max(field))["latest"]
