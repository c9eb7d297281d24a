"""Import a Page's post list exported from Meta Business Suite (Insights → Content → Export, csv or
xlsx), in Vietnamese or English, and follower counts from a two-column sheet.

Files are read in the sandbox (loa/core/readers.py). A file of more than IMPORT_INLINE_MAX_ROWS rows
is imported by a background job (loa/fanpages/jobs.py) rather than in the request.
"""

import functools

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.audit.log import log_action
from loa.core.readers import read_table
from loa.core.uploads import CSV, XLSX, upload_name
from loa.fanpages.models import Post
from loa.fanpages.posts import IncomingPost, key_from_link, post_key, record_posts
from loa.imports import cells
from loa.imports.cells import CellError
from loa.imports.columns import Column, Columns, find_header
from loa.imports.problems import ImportProblem

# The titles Meta Business Suite has used, in both languages.
POST_COLUMNS = Columns(
    "fanpages.posts",
    [
        Column("id", "Post ID", ("ID bài viết", "Mã bài viết", "ID")),
        Column(
            "time",
            "Publish time",
            (
                "Thời gian đăng",
                "Thời gian xuất bản",
                "Created time",
                "Created",
                "Date",
                "Ngày đăng",
                "Thời gian",
                "Published",
            ),
            required=True,
        ),
        Column("link", "Permalink", ("Liên kết cố định", "Đường dẫn", "Link", "Liên kết", "URL")),
    ],
)


def parse_date(value):
    """The local day of a date or date-time cell (loa.imports.cells.moment); CellError if it is none."""
    return timezone.localtime(cells.moment(value)).date()


MAX_ROWS = 50_000  # a Page posting ten times a day for more than ten years


def read_rows(upload, *, name=None):
    """(row number, cells) of the first sheet of a csv or xlsx upload (a file or bytes), header
    included, read in the sandbox. Raises ValidationError in Vietnamese."""
    with read_table(upload, kinds=(CSV, XLSX), max_rows=MAX_ROWS, name=name) as table:
        return list(enumerate(table, start=1))


def _cell(row, index):
    return row[index] if index is not None and index < len(row) else None


def parse_posts(rows):
    """IncomingPosts and Vietnamese error messages naming the row and column."""
    header = find_header(rows, POST_COLUMNS)
    if header is None or header.missing or not {"id", "link"} & set(header.mapping.values()):
        raise ValidationError(
            _(
                "The file has no “Publish time” (Thời gian đăng) column with a “Post ID” or “Permalink” "
                "column beside it. Export the post list from Meta Business Suite and upload it as it is."
            )
        )
    col_id, col_time, col_link = (header.column_of(name) for name in ("id", "time", "link"))
    posts, errors = [], []
    time_name = header.titled("time", POST_COLUMNS)
    for number, row in rows[header.position + 1 :]:
        if not row or all(c in (None, "") for c in row):
            continue
        cell = functools.partial(_cell, row)
        try:
            posted_at = cells.moment(cell(col_time))
        except CellError as exc:
            errors.append(str(ImportProblem(exc.reason, row=number, column=time_name)))
            continue
        link = cells.text(cell(col_link))
        key = post_key(cell(col_id)) if cell(col_id) not in (None, "") else None
        if key is None:
            try:
                key = key_from_link(link)
            except ValidationError as exc:
                errors.append(str(ImportProblem(exc.messages[0], row=number)))
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
    log_action(
        "fanpage.posts.imported",
        actor=by,
        obj=fanpage,
        unit=fanpage.unit,
        after={"file": upload_name(upload, name), "rows": len(posts), "new": new},
    )
    return new, len(posts), []
