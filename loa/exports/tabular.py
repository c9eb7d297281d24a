"""The one list exporter: columns and rows in, an xlsx or csv file out (pretix's exporter habit).

Rows are consumed lazily, so a list of any length never sits whole in memory:
- csv is streamed to the client chunk by chunk (UTF-8 with a BOM so that Excel reads Vietnamese);
- xlsx is written row by row (`sheet_writer`, the sheet's XML streamed into the zip) into a
  temporary file, which is then streamed back and deleted when the response closes.

Every text goes through `writable_text` on its way out: a control character that reached the
database some other way (an import, raw SQL) is removed, and Word's \x0b becomes a line break.
Numbers that are not finite (a NaN read from a damaged row) become Excel's #NUM! error, not a 500.

A view builds its columns and an iterator of rows (dicts keyed by column key, or tuples in column
order) and returns ``export_response(fmt, filename, columns, rows)``.
"""

import csv
import io
import itertools
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.core.controls import writable_line, writable_text
from loa.core.files import download_headers
from loa.exports.sheet_writer import BOLD, SheetWriter

FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
# Column widths are guessed from the header and the first rows, before the rest is read.
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 6, 60
CSV_CHUNK_CHARS = 64 * 1024


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # a (lazy) translated string
    width: int | None = None  # in characters; guessed when None


def _cells(row, columns):
    if isinstance(row, dict):
        return [row.get(c.key) for c in columns]
    return list(row)


def _local(value):
    """Excel has no time zones; people read local (Asia/Ho_Chi_Minh) time."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _text(value):
    """A cell as text, for csv and for guessing widths: dates dd/mm/yyyy as people write them."""
    if value is None:
        return ""
    value = _local(value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return writable_text(str(value))


def _xlsx_value(value):
    value = _local(value)
    if isinstance(value, str):
        return writable_text(value)
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, date, datetime, type(None))):
        return _text(value)
    return value


def _xlsx_row(values):
    """The row's values as the sheet takes them (`_xlsx_value`). A row of text, nearly every row,
    is checked for what a file may not hold in one search over the whole row, not one per cell."""
    try:
        joined = "\n".join(values)
    except TypeError:  # numbers, dates, None
        return [_xlsx_value(v) for v in values]
    if writable_text(joined) is joined:
        return values
    return [_xlsx_value(v) for v in values]


def _csv_value(value):
    """Text that Excel will not run as a formula (a leading = + - @), numbers left alone."""
    text = _text(value)
    if isinstance(value, str) and text[:1] in ("=", "+", "-", "@") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_chunks(columns, rows):
    """Yield the csv file as text chunks: BOM and header first, then rows as they are read."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([writable_text(str(c.header)) for c in columns])
    for row in rows:
        writer.writerow([_csv_value(v) for v in _cells(row, columns)])
        if buffer.tell() >= CSV_CHUNK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _guess_widths(columns, sample):
    widths = []
    for i, column in enumerate(columns):
        if column.width:
            widths.append(column.width)
            continue
        longest = max([len(str(column.header))] + [len(_text(_cells(r, columns)[i])) for r in sample])
        widths.append(max(MIN_WIDTH, min(MAX_WIDTH, longest + 2)))
    return widths


def write_xlsx(columns, rows, fileobj, *, sheet_title="Sheet1", title_lines=()):
    """Write the rows into an xlsx workbook in `fileobj`, one row at a time.

    The sheet streams into the zip as the rows come (`sheet_writer`): memory does not grow with
    the rows, and a 130,000-row report takes about a second of writing. `title_lines` go above the
    header row, bold (an official form's title and subtitle).
    """
    rows = iter(rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE_ROWS))
    header_row = len(title_lines) + 1 if title_lines else 0  # a blank row between the title and the table
    with SheetWriter(
        fileobj,
        sheet_title=_sheet_title(sheet_title),
        widths=_guess_widths(columns, sample),
        freeze_rows=header_row + 1,
        date_format=DATE_FORMAT,
        datetime_format=DATETIME_FORMAT,
    ) as sheet:
        for r, line in enumerate(title_lines):
            sheet.row(r, [writable_text(str(line))], BOLD)
        sheet.row(header_row, [writable_text(str(column.header)) for column in columns], BOLD)
        for r, row in enumerate(itertools.chain(sample, rows), start=header_row + 1):
            sheet.row(r, _xlsx_row(_cells(row, columns)))


def _sheet_title(title):
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    title = "".join(ch for ch in writable_line(title) if ch not in "[]:*?/\\").strip() or "Sheet1"
    return title[:31]


def export_response(request_format, filename, columns, rows, *, sheet_title=None, title_lines=()):
    """The download of `rows` as `filename`.xlsx or .csv; any other format is a 404.

    `title_lines` appear above the table in xlsx only: a csv stays a plain table.

    `filename` is given without extension and may be Vietnamese (sent as RFC 6266 filename*).
    """
    fmt = (request_format or "").lower()
    if fmt not in FORMATS:
        raise Http404
    full_name = f"{writable_line(filename) or 'export'}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            (chunk.encode("utf-8") for chunk in csv_chunks(columns, rows)), content_type=CONTENT_TYPES["csv"]
        )
        return download_headers(response, filename=full_name)
    tmp = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (the response closes it once sent)
    try:
        write_xlsx(columns, rows, tmp, sheet_title=sheet_title or filename, title_lines=title_lines)
        tmp.seek(0)
    except BaseException:
        tmp.close()
        raise
    return download_headers(FileResponse(tmp, content_type=CONTENT_TYPES["xlsx"]), filename=full_name)
