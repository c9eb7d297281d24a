"""Import a Page's post list exported from Meta Business Suite (Insights → Content → Export, csv or
xlsx), in Vietnamese or English, and follower counts from a two-column sheet.

Files are read in the sandbox (loa/core/readers.py). A file of more than IMPORT_INLINE_MAX_ROWS rows
is imported by a background job (loa/fanpages/jobs.py) rather than in the request.
"""

import functools
import re
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.audit.log import log_action
from loa.core.readers import read_table
from loa.core.text import fold
from loa.core.uploads import CSV, XLSX, upload_name
from loa.fanpages.models import Post
from loa.fanpages.posts import IncomingPost, key_from_link, post_key, record_posts

# Header names (folded: lower case, no accents) that Meta Business Suite has used, in both languages.
ID_HEADERS = {"post id", "id bai viet", "ma bai viet", "id"}
TIME_HEADERS = {"publish time", "thoi gian dang", "thoi gian xuat ban", "created time", "created", "date",
                "ngay dang", "thoi gian", "published"}
LINK_HEADERS = {"permalink", "lien ket co dinh", "duong dan", "link", "lien ket", "url"}
FORMATS = ("%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
           "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%d/%m/%Y", "%Y-%m-%d")


def parse_time(value):
    """An aware datetime from a cell: a datetime (xlsx) or text in Meta's formats (local time when naive).
    Meta writes 'MM/DD/YYYY HH:MM' in English exports and 'DD/MM/YYYY HH:MM' in Vietnamese ones; a day
    above 12 tells which; otherwise the Vietnamese order is assumed."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, date):
        return timezone.make_aware(datetime.combine(value, datetime.min.time()))
    text = " ".join(str(value or "").replace("+0000", "+00:00").split())
    if not text:
        raise ValueError("empty")
    text = text.replace("+00:00", "+0000")
    match = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})", text)
    order = FORMATS
    if match and int(match.group(2)) > 12:  # the second number is a day: MM/DD
        order = [f for f in FORMATS if f.startswith("%m")] + list(FORMATS)
    elif match:
        order = [f for f in FORMATS if not f.startswith("%m")] + list(FORMATS)
    for fmt in order:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else timezone.make_aware(parsed)
    raise ValueError(text)


def parse_date(value):
    return timezone.localtime(parse_time(value)).date()


MAX_ROWS = 50_000  # a Page posting ten times a day for more than ten years


def read_rows(upload, *, name=None):
    """(row number, cells) of the first sheet of a csv or xlsx upload (a file or bytes), header
    included, read in the sandbox. Raises ValidationError in Vietnamese."""
    with read_table(upload, kinds=(CSV, XLSX), max_rows=MAX_ROWS, name=name) as table:
        return list(enumerate(table, start=1))


def _cell(row, index):
    return row[index] if index is not None and index < len(row) else None


def _find(header, names):
    for index, cell in enumerate(header):
        if fold(str(cell or "")).strip() in names:
            return index
    return None


def parse_posts(rows):
    """IncomingPosts and Vietnamese error messages naming the row and column."""
    header_at = None
    for position, (number, row) in enumerate(rows[:10]):
        if _find(row, TIME_HEADERS) is not None and (_find(row, ID_HEADERS) is not None or _find(row, LINK_HEADERS) is not None):
            header_at = position
            break
    if header_at is None:
        raise ValidationError(_("The file has no “Publish time” (Thời gian đăng) column with a “Post ID” or “Permalink” "
                                "column beside it. Export the post list from Meta Business Suite and upload it as it is."))
    header = rows[header_at][1]
    col_id, col_time, col_link = _find(header, ID_HEADERS), _find(header, TIME_HEADERS), _find(header, LINK_HEADERS)
    posts, errors = [], []
    time_name = str(header[col_time])
    for number, row in rows[header_at + 1:]:
        if not row or all(c in (None, "") for c in row):
            continue
        cell = functools.partial(_cell, row)
        try:
            posted_at = parse_time(cell(col_time))
        except ValueError:
            errors.append(_("Row %(row)s, column “%(column)s”: “%(value)s” is not a date and time.")
                          % {"row": number, "column": time_name, "value": cell(col_time) or ""})
            continue
        link = str(cell(col_link) or "").strip()
        key = post_key(cell(col_id)) if cell(col_id) not in (None, "") else None
        if key is None:
            try:
                key = key_from_link(link)
            except ValidationError as exc:
                errors.append(_("Row %(row)s: %(problem)s") % {"row": number, "problem": exc.messages[0]})
                continue
        posts.append(IncomingPost(key, posted_at, link if link.startswith("http") else ""))
    return posts, errors


def import_posts(*, by, fanpage, upload, rows=None, name=None):
    """Read the file (or take its rows, already read) and store its posts. Returns (new posts, rows
    read, errors). Nothing is stored when a row is wrong."""
    posts, errors = parse_posts(read_rows(upload, name=name) if rows is None else rows)
    if errors:
        return 0, len(posts), errors
    new = record_posts(fanpage=fanpage, posts=posts, source=Post.Source.IMPORT, by=by)
    log_action("fanpage.posts.imported", actor=by, obj=fanpage, unit=fanpage.unit,
               after={"file": upload_name(upload, name), "rows": len(posts), "new": new})
    return new, len(posts), []
