"""The one list exporter: columns and rows in, an xlsx or csv file out (pretix's exporter habit).

Rows are consumed lazily, so a list of any length never sits whole in memory:
- csv is streamed to the client chunk by chunk (UTF-8 with a BOM so that Excel reads Vietnamese);
- xlsx is written row by row by openpyxl's write-only workbook into a temporary file, which is
  then streamed back and deleted when the response closes.

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
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

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
    """openpyxl refuses aware datetimes; people read local (Asia/Ho_Chi_Minh) time."""
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
    return str(value)


def _xlsx_value(value):
    value = _local(value)
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal, date, datetime, type(None))):
        return _text(value)
    return value


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
    writer.writerow([str(c.header) for c in columns])
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

    `title_lines` go above the header row, bold (an official form's title and subtitle).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    rows = iter(rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE_ROWS))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_sheet_title(sheet_title))
    for i, width in enumerate(_guess_widths(columns, sample), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    bold = Font(bold=True)
    for line in title_lines:
        cell = WriteOnlyCell(ws, value=str(line))
        cell.font = bold
        ws.append([cell])
    if title_lines:
        ws.append([])  # a blank row between the title and the table
    header_row = len(title_lines) + (1 if title_lines else 0) + 1
    ws.freeze_panes = f"A{header_row + 1}"
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=str(column.header))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in itertools.chain(sample, rows):
        out = []
        for value in _cells(row, columns):
            value = _xlsx_value(value)
            if isinstance(value, (date, datetime)):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
                out.append(cell)
            elif isinstance(value, str) and value.startswith("="):
                # openpyxl would store it as a formula; these are values people typed.
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"
                out.append(cell)
            else:
                out.append(value)
        ws.append(out)
    wb.save(fileobj)


def _sheet_title(title):
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    title = "".join(ch for ch in str(title) if ch not in "[]:*?/\\").strip() or "Sheet1"
    return title[:31]


def export_response(request_format, filename, columns, rows, *, sheet_title=None, title_lines=()):
    """The download of `rows` as `filename`.xlsx or .csv; any other format is a 404.

    `title_lines` appear above the table in xlsx only: a csv stays a plain table.

    `filename` is given without extension and may be Vietnamese (sent as RFC 6266 filename*).
    """
    fmt = (request_format or "").lower()
    if fmt not in FORMATS:
        raise Http404
    full_name = f"{filename}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            (chunk.encode("utf-8") for chunk in csv_chunks(columns, rows)), content_type=CONTENT_TYPES["csv"]
        )
        response["Content-Disposition"] = content_disposition_header(True, full_name)
        return response
    tmp = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        write_xlsx(columns, rows, tmp, sheet_title=sheet_title or filename, title_lines=title_lines)
        tmp.seek(0)
    except BaseException:
        tmp.close()
        raise
    return FileResponse(tmp, as_attachment=True, filename=full_name, content_type=CONTENT_TYPES["xlsx"])
