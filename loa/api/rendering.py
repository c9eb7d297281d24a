"""How the API writes JSON: every date-time at +07:00.

Local time in Asia/Ho_Chi_Minh is +07:00 for every date Loa works with, but zoneinfo knows the
zone's history: before 1906 it gives local mean time, `+07:06:40`/`+07:06:30`, which is no valid
RFC 3339 offset, and a deadline of 1900 answered with it broke every client that parses the
schema's `date-time`. So date-times are written at the fixed offset +07:00 (Vietnam's since 1975,
and the one people read): the same instant, always a whole-minute offset, and, for every date
since 1975, exactly what local time shows.
"""

from datetime import datetime, timedelta, timezone
from typing import Any

from django.utils.timezone import make_aware
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

VIETNAM = timezone(timedelta(hours=7))


def api_datetime(value: datetime) -> datetime:
    """An aware date-time at +07:00; a naive one is taken as local time first."""
    if value.tzinfo is None:
        value = make_aware(value)
    return value.astimezone(VIETNAM)


class Encoder(NinjaJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            o = api_datetime(o)
        return super().default(o)


class Renderer(JSONRenderer):
    encoder_class = Encoder
