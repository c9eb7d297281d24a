"""A cell of an imported sheet turned into the value an importer stores.

The readers (loa/core/readers.py) give str ("" when empty, control characters already removed),
int for whole numbers, float, bool, date, datetime or time. Each function here takes such a cell
and returns a clean value, or raises `CellError` whose `reason` says in the user's language what is
wrong with it; the importer adds where (an ImportProblem).
"""

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from loa.core.controls import strip_controls


class CellError(ValueError):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


EMPTY = ("", None)
LARGEST = 2_000_000_000  # what an integer column holds, everywhere in Loa
EXCEL_EPOCH = datetime.date(1899, 12, 30)
_DAY_FIRST = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")
_WHOLE = re.compile(r"^[+-]?\d{1,400}$")
_THOUSANDS = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")
EXCEL_LAST_DAY = 2958466  # 9999-12-31 as Excel numbers days (1 is 1900-01-01)


def text(value):
    """The cell as text, trimmed: whole numbers without '.0', dates as dd/mm/yyyy."""
    if type(value) is str:
        return strip_controls(value).strip()
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else str(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.strftime("%d/%m/%Y")
    return strip_controls(str(value)).strip()


def whole_number(value, *, minimum=0, maximum=LARGEST, empty=0):
    """An int from a number cell or from text ("1.234" as Vietnamese write thousands); `empty` for an
    empty cell. Outside minimum..maximum is refused, saying the limit."""
    if value in EMPTY:
        return empty
    if type(value) is int:
        number = value
    elif isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": value})
    else:
        number = _number(value)
    if number < minimum:
        if minimum == 0:
            raise CellError(_("must not be negative (%(value)s).") % {"value": number})
        raise CellError(_("the number %(value)s is below %(limit)s.") % {"value": number, "limit": minimum})
    if maximum is not None and number > maximum:
        raise CellError(
            _("the number %(value)s is too large (at most %(limit)s).") % {"value": _short(number), "limit": maximum}
        )
    return number


def _number(value):
    try:
        if isinstance(value, float):
            number = value
        else:
            raw = text(value)
            if _THOUSANDS.match(raw):
                raw = re.sub(r"[.,\s]", "", raw)
            if _WHOLE.match(raw):
                return int(raw)  # exactly, however long: a float would say 10^30 as 1000000000000000019884624838656
            number = float(raw.replace(",", "."))
        if number != int(number):
            raise ValueError
        return int(number)
    except (ValueError, TypeError, OverflowError):  # OverflowError: 1e400 is an infinity
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": _short(text(value))}) from None


def _short(value):
    value = str(value)
    return value if len(value) <= 40 else value[:20] + "…" + value[-10:]


def day(value):
    """A date from a date cell, an Excel day number left unformatted, dd/mm/yyyy or yyyy-mm-dd; None if empty."""
    if value in EMPTY:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if 1 <= value < EXCEL_LAST_DAY:
                return EXCEL_EPOCH + datetime.timedelta(days=int(value))
            raise ValueError
        raw = text(value)
        match = _DAY_FIRST.match(raw)
        if match:
            day_, month, year = (int(g) for g in match.groups())
            return datetime.date(year, month, day_)
        match = _ISO_DAY.match(raw)
        if match:
            year, month, day_ = (int(g) for g in match.groups())
            return datetime.date(year, month, day_)
    except (ValueError, OverflowError):
        pass
    raise CellError(
        _("“%(value)s” is not a date; write it as dd/mm/yyyy (e.g. 05/04/2021).") % {"value": _short(text(value))}
    )


# Meta Business Suite writes 'MM/DD/YYYY HH:MM' in English exports and 'DD/MM/YYYY HH:MM' in Vietnamese ones.
MOMENT_FORMATS = (
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%d/%m/%Y",
    "%Y-%m-%d",
)
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})")


def moment(value):
    """An aware datetime from a date-time cell or text (local time when naive). In d/d/yyyy a second
    number above 12 is a day (month first); otherwise the day comes first, as Vietnamese write it."""
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, datetime.date):
        return timezone.make_aware(datetime.datetime.combine(value, datetime.time()))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return timezone.make_aware(datetime.datetime.combine(day(value), datetime.time()))
    raw = " ".join(text(value).replace("+00:00", "+0000").split())
    if raw:
        match = _SLASHED.match(raw)
        month_first = bool(match) and int(match.group(2)) > 12
        order = sorted(MOMENT_FORMATS, key=lambda f: f.startswith("%m") != month_first) if match else MOMENT_FORMATS
        for fmt in order:
            try:
                parsed = datetime.datetime.strptime(raw, fmt)
            except ValueError:
                continue
            return parsed if parsed.tzinfo else timezone.make_aware(parsed)
    raise CellError(_("“%(value)s” is not a date and time.") % {"value": _short(raw)})
