"""What the API takes in: ids, pages, years, counts, dates and date-times, each within its range.

Pydantic, left lax, takes `true` for the number 1 and any int for an id, a page or a year, and a
value the database cannot hold then fails as a 500 (an id beyond 64 bits, a year that `date()`
refuses, a negative order in a PositiveSmallIntegerField). Every number and date the API takes
is one of these types, so that it is refused first with a 422 that names the field and the range.

- ids: 1 … 2⁶³−1, the range of a BigAutoField;
- pages: 1 … 1,000,000 (more than any list has pages: 130,000 units, one per page);
- years: 2000 … 2100: Loa's work starts with the 2021 letter, quotas and rubrics can be planned a
  few years ahead, and 2000 leaves room for older records; the pages take the same floor;
- counts: 0 … 2³¹−1 (PositiveIntegerField on PostgreSQL); small counts (days, an order):
  0 … 32,767 (PositiveSmallIntegerField);
- dates and date-times: years 1900 … 2100: a unit may have been founded long before Loa, and
  date arithmetic on 0001-01-01 or 9999-12-31 overflows. A date-time sent without an offset is
  local time (Asia/Ho_Chi_Minh).
"""

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field

from loa.accounts.models import User


class AuthedRequest(HttpRequest):
    """The request an endpoint gets: the API's authentication (loa.api.auth) let it through, so its
    `user` is a User, never AnonymousUser. Only for the type checker: ninja passes an HttpRequest."""

    user: User


# The default of a field a request may leave out but not send as null (a PATCH's fields: `exclude_unset`
# or `exclude_none` drops it): None, typed Any so that the field keeps its own type, which refuses null.
OMITTED: Any = None

MAX_ID = 2**63 - 1
MAX_PAGE = 1_000_000
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_COUNT = 2**31 - 1
MAX_SMALL = 32_767
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)


def _no_bool(value: object) -> object:
    # bool is an int to Python: without this, `true` would be taken as 1.
    if isinstance(value, bool):
        raise ValueError(_("Enter a whole number."))  # noqa: TRY004  (pydantic turns only ValueError into a 422)
    return value


def _day_in_range(value: date) -> date:
    day = value.date() if isinstance(value, datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(
            _("Enter a date between %(first)s and %(last)s.")
            % {"first": FIRST_DAY.strftime("%d/%m/%Y"), "last": LAST_DAY.strftime("%d/%m/%Y")}
        )
    return value


def _aware(value: datetime) -> datetime:
    """A date-time without an offset is local time."""
    return timezone.make_aware(value) if timezone.is_naive(value) else value


Whole = Annotated[int, BeforeValidator(_no_bool)]
Id = Annotated[Whole, Field(ge=1, le=MAX_ID)]
Page = Annotated[Whole, Field(ge=1, le=MAX_PAGE)]
Year = Annotated[Whole, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
Count = Annotated[Whole, Field(ge=0, le=MAX_COUNT)]
SmallCount = Annotated[Whole, Field(ge=0, le=MAX_SMALL)]
Day = Annotated[date, AfterValidator(_day_in_range)]
Instant = Annotated[datetime, AfterValidator(_day_in_range), AfterValidator(_aware)]


class In(Schema):
    """The base of every request body: unknown fields are refused, text is stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
