"""Uploaded files read into plain data, in the sandbox (loa/core/sandbox.py).

The worker calls the functions at the top. Each checks the upload's size and first bytes
(loa/core/uploads.py), then reads the file in a child process with the function of the same name
further down, which sends back plain data only:

- `read_table`: the rows of a csv or of an xlsx's first sheet, streamed (units, posts, followers,
  quotas);
- `read_office`: an xlsx's visible sheets with their merged cells, or a Word file's paragraphs with
  their styles, its tables, header and footer lines and, if asked, its pictures, whichever the file
  is (returned forms); `read_docx` for a Word file only (articles);
- `decode_image`: a JPEG or PNG decoded to pixels, turned upright, first frame only, shrunk to a
  size; `image_size`: measured and decoded once to prove it is a picture. Images are re-encoded
  from these pixels by the worker: it never decodes an uploaded picture itself.

An Office file is checked member by member before it is opened (loa/core/safezip.py). Rows are
lists of cells numbered from A1: str ("" when empty), int (whole numbers), float, bool, date,
datetime, time.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from loa.core import sandbox
from loa.core.controls import strip_controls
from loa.core.filekinds import (
    CSV,
    DOCX,
    JPEG,
    OLE,
    PNG,
    SPREADSHEETS,
    TEXT_ENCODINGS,
    UTF16_BOMS,
    WRONG_KIND,
    XLS,
    XLSX,
    ZIP,
    sniff,
    utf16_without_bom,
    wanted,
)
from loa.core.safezip import check_zip
from loa.core.sandbox import Refused, Stream
from loa.core.uploads import MAX_IMAGE_PIXELS, Upload, open_upload, upload_name

T = TypeVar("T")

if TYPE_CHECKING:
    from docx.table import Table as DocxTable
    from PIL.Image import Image as PILImage
    from python_calamine import CalamineWorkbook

CHUNK_ROWS = 2000  # rows per message from the child: the worker holds one chunk of raw cells at a time
MAX_SHEET_CELLS = 2_000_000  # a returned form has a few hundred; a long list goes through read_table
MAX_DOCX_CELLS = 200_000

TOO_MANY_ROWS = gettext_noop(
    "The file%(name)s has more than %(limit)s rows: split it into smaller files and import them one after another."
)
TOO_MANY_ROWS_IN_SHEET = gettext_noop(
    "The sheet “%(sheet)s” of the file%(name)s has more than %(limit)s rows: split it into "
    "smaller files and import them one after another."
)
TOO_MANY_CELLS = gettext_noop(
    "The file%(name)s has too many cells to be a form (more than %(limit)s): send only the form."
)


# --- The worker's side -----------------------------------------------------------------------------


def with_old_excel(kinds: Sequence[str]) -> tuple[str, ...]:
    """Wherever an xlsx is read, an old Excel 97–2003 .xls is too (listed beside it in messages)."""
    if XLS in kinds:
        return tuple(kinds)
    return tuple(k for kind in kinds for k in ((kind, XLS) if kind == XLSX else (kind,)))


class Table:
    """A sheet read in the sandbox: `kind` (xlsx or csv), `height` (rows, header included), `sheet`
    (its name, "" for a csv); iterating gives its rows as the child sends them, a chunk at a time.
    Close it (or use `with`) to stop the child before the last row."""

    def __init__(self, rows: Stream) -> None:
        self._rows = rows
        head = next(rows, None)
        if head is None:
            raise ValidationError(_("The file is empty."), code="empty")
        self.kind, self.height, self.sheet = head["kind"], head["height"], head["sheet"]

    def __iter__(self) -> Iterator[list[Any]]:
        for chunk in self._rows:
            yield from chunk

    def close(self) -> None:
        self._rows.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_table(
    upload: Upload,
    *,
    max_rows: int,
    kinds: Sequence[str] = (XLSX, CSV),
    name: str | None = None,
    max_bytes: int | None = None,
) -> Table:
    """The first sheet of an xlsx or the rows of a csv (a file or bytes) as a Table. A file with
    more than `max_rows` rows under its header is refused. Raises ValidationError in Vietnamese."""
    kinds = with_old_excel(kinds)
    data, _kind = open_upload(upload, kinds, max_bytes=max_bytes, name=name)
    return Table(
        sandbox.stream(
            _table, data, kinds=tuple(kinds), max_rows=max_rows, name=upload_name(upload, name), kind=wanted(kinds)
        )
    )


def read_office(
    upload: Upload,
    *,
    kinds: Sequence[str] = (XLSX, DOCX),
    images: bool = False,
    name: str | None = None,
    max_cells: int | None = None,
) -> tuple[str, Any]:
    """(kind, content) of an xlsx or docx (a file or bytes), whichever of `kinds` it is:

    - xlsx: [{"title", "rows", "merged": [((first row, first col), (last row, last col)), …]}] for
      every visible sheet (rows and columns counted from 0 in `merged`);
    - docx: {"blocks": [{"text", "style"} or {"rows": [[cell text]]}], "headers": [lines],
      "footers": [lines], "images": [{"name", "data"}] (only with images=True)}; cells merged across
      columns are given once.
    """
    kinds = with_old_excel(kinds)
    data, _kind = open_upload(upload, kinds, name=name)
    found = sandbox.run(
        _office,
        data,
        kinds=tuple(kinds),
        images=images,
        max_cells=max_cells,
        name=upload_name(upload, name),
        kind=wanted(kinds),
    )
    return found["kind"], found["content"]


def read_docx(upload: Upload, *, images: bool = False, name: str | None = None) -> dict[str, Any]:
    """A Word file's content, as read_office gives it."""
    return read_office(upload, kinds=(DOCX,), images=images, name=name)[1]


@dataclass(frozen=True)
class DecodedImage:
    """A picture's pixels, decoded in the sandbox: re-encode them (`image()` is a Pillow image made from
    raw pixels, which decodes nothing). width/height: the file's own size; size: the pixels' size."""

    kind: str
    width: int
    height: int
    mode: str
    size: tuple
    pixels: bytes

    def image(self) -> PILImage:
        from PIL import Image

        bands = {"RGB": 3, "RGBA": 4}.get(self.mode)
        if bands is None or len(self.pixels) != self.size[0] * self.size[1] * bands:
            raise ValidationError(_(sandbox.TOO_COMPLEX) % {"name": ""}, code="too_complex")
        return Image.frombytes(self.mode, self.size, self.pixels)


def decode_image(
    upload: Upload, *, max_side: int, name: str | None = None, max_bytes: int | None = None
) -> DecodedImage:
    """A JPEG or PNG (a file or bytes) decoded in the sandbox: a DecodedImage at most `max_side`
    pixels wide or high, upright (EXIF orientation applied), first frame, RGB or RGBA.

    This is what the image module calls to re-encode an upload (no EXIF, no GPS, a fresh file)."""
    kind, found = _read_image(upload, max_side=max_side, name=name, max_bytes=max_bytes)
    return DecodedImage(kind=kind, **found)


def image_size(upload: Upload, *, name: str | None = None, max_bytes: int | None = None) -> tuple[str, int, int]:
    """(kind, width, height) of a JPEG or PNG that decodes, in the sandbox, and has at most
    MAX_IMAGE_PIXELS pixels."""
    kind, found = _read_image(upload, max_side=None, name=name, max_bytes=max_bytes)
    return kind, found["width"], found["height"]


def _read_image(
    upload: Upload, *, max_side: int | None, name: str | None, max_bytes: int | None
) -> tuple[str, dict[str, Any]]:
    """(kind, what `_image` found) for a JPEG or PNG, read in the sandbox."""
    data, kind = open_upload(upload, (JPEG, PNG), max_bytes=max_bytes, name=name)
    found = sandbox.run(
        _image,
        data,
        max_side=max_side,
        max_pixels=MAX_IMAGE_PIXELS,
        name=upload_name(upload, name),
        kind=wanted((JPEG, PNG)),
    )
    return kind, found


# --- The child's side: these run in the sandbox only ------------------------------------------------


def _table(data: bytes, *, kinds: Sequence[str], max_rows: int) -> Iterator[Any]:
    """Yields {"kind", "height", "sheet"}, then lists of at most CHUNK_ROWS rows."""
    kind = sniff(data)
    if kind == ZIP:
        kind = check_zip(data, expect=[k for k in kinds if k == XLSX])
    elif kind == OLE and XLS in kinds:
        kind = XLS
    if kind in SPREADSHEETS:
        sheet = _calamine(data, kinds).get_sheet_by_index(0)
        height = sheet.end[0] + 1 if sheet.end else 0
        if height > max_rows + 1:
            raise Refused("too_many_rows", TOO_MANY_ROWS_IN_SHEET, limit=max_rows, sheet=sheet.name)
        yield {"kind": kind, "height": height, "sheet": sheet.name}
        pad = [""] * sheet.start[1] if sheet.start else []  # calamine starts rows at the first used column
        yield from _chunks(pad + _plain(row) for row in sheet.iter_rows())
    elif kind == CSV and CSV in kinds:
        rows = _csv_rows(_text(data, kinds), max_rows)
        yield {"kind": CSV, "height": len(rows), "sheet": ""}
        yield from _chunks(rows)
    else:
        raise Refused("wrong_kind", WRONG_KIND, wanted=wanted(kinds))


def _calamine(data: bytes, kinds: Sequence[str]) -> CalamineWorkbook:
    """The workbook of an xlsx or xls; an OLE file that is no workbook (an old Word file) is refused."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except CalamineError:
        raise Refused("wrong_kind", WRONG_KIND, wanted=wanted(kinds)) from None


def _chunks(rows: Iterable[T]) -> Iterator[list[T]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _plain(row: Iterable[Any]) -> list[Any]:
    """Whole numbers as int (Excel stores every number as a float); text without control characters."""
    return [
        int(c)
        if type(c) is float and c.is_integer() and abs(c) < 2**53
        else (c if type(c) is not str or c.isprintable() else strip_controls(c))
        for c in row
    ]


def _text(data: bytes, kinds: Sequence[str]) -> str:
    """A csv's text, in NFC, without control characters but tab and newline: UTF-8 (with or without BOM),
    UTF-16 (with or without BOM), Windows-1258, Windows-1252, else Latin-1."""
    utf16 = "utf-16" if data.startswith(UTF16_BOMS) else utf16_without_bom(data)
    if b"\x00" in data[:4096] and not utf16:
        raise Refused("wrong_kind", WRONG_KIND, wanted=wanted(kinds))
    encodings = (utf16,) if utf16 else ("utf-8-sig", *TEXT_ENCODINGS[1:], "latin-1")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:4096]
        if sum(ord(ch) < 32 and ch not in "\r\n\t" for ch in sample) > max(8, len(sample) // 100):
            break  # binary content that happens to decode (a stray control character in a cell is only removed)
        return unicodedata.normalize("NFC", strip_controls(text))  # Windows-1258 writes tones as separate marks
    raise Refused("wrong_kind", WRONG_KIND, wanted=wanted(kinds))


DELIMITERS = (",", ";", "\t")


def _delimiter(text: str) -> str:
    """The csv's delimiter: the one that splits the most of its first lines into the same number of
    cells (a title line above the table splits into one, or into as many as the table)."""
    lines = [line for line in text[:SNIFF_CHARS].splitlines()[:30] if line.strip()]

    def score(delimiter: str) -> tuple[int, int]:
        counts = [line.count(delimiter) for line in lines]
        common = max((c for c in counts if c), key=counts.count, default=0)
        return (counts.count(common) if common else 0, common)

    return max(DELIMITERS, key=score)


SNIFF_CHARS = 64 * 1024


def _csv_rows(text: str, max_rows: int) -> list[list[str]]:
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > max_rows + 1:
                raise Refused("too_many_rows", TOO_MANY_ROWS, limit=max_rows)
    except csv.Error:
        raise Refused(
            "bad_row",
            gettext_noop(
                "The file%(name)s could not be read at row %(row)s: a cell is far too long or its quotation marks are not "
                "closed."
            ),
            row=reader.line_num,
        ) from None
    return rows


def _office(data: bytes, *, kinds: Sequence[str], images: bool, max_cells: int | None) -> dict[str, Any]:
    if sniff(data) == OLE and XLS in kinds:
        return {"kind": XLSX, "content": _workbook(data, kinds=kinds, max_cells=max_cells or MAX_SHEET_CELLS)}
    kind = check_zip(data, expect=kinds)
    if kind == XLSX:
        return {"kind": kind, "content": _workbook(data, kinds=kinds, max_cells=max_cells or MAX_SHEET_CELLS)}
    return {"kind": kind, "content": _docx(data, images=images, max_cells=max_cells or MAX_DOCX_CELLS)}


def _workbook(data: bytes, *, kinds: Sequence[str], max_cells: int) -> list[dict[str, Any]]:
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    book = _calamine(data, kinds)
    sheets, cells = [], 0
    for meta in book.sheets_metadata:
        if meta.visible != SheetVisibleEnum.Visible or meta.typ != SheetTypeEnum.WorkSheet:
            continue
        sheet = book.get_sheet_by_name(meta.name)
        if sheet.end:
            cells += (sheet.end[0] + 1) * (sheet.end[1] + 1)
        if cells > max_cells:
            raise Refused("too_many_cells", TOO_MANY_CELLS, limit=max_cells)
        rows = [_plain(row) for row in sheet.to_python(skip_empty_area=False)]
        merged = [(tuple(first), tuple(last)) for first, last in sheet.merged_cell_ranges or ()]
        sheets.append({"title": meta.name, "rows": rows, "merged": merged})
    return sheets


def _docx(data: bytes, *, images: bool, max_cells: int) -> dict[str, Any]:
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    counted = [0]

    def rows_of(table: DocxTable) -> list[list[str]]:
        rows = []
        for row in table.rows:
            cells, seen = [], set()
            for cell in row.cells:
                counted[0] += 1
                if counted[0] > max_cells:
                    raise Refused("too_many_cells", TOO_MANY_CELLS, limit=max_cells)
                if id(cell._tc) not in seen:  # a cell merged across columns comes once per column it spans
                    seen.add(id(cell._tc))
                    cells.append(cell.text)
            rows.append(cells)
        return rows

    def lines_of(part: Any) -> list[str]:
        try:
            lines = [p.text for p in part.paragraphs]
            for table in part.tables:
                lines += [text for row in rows_of(table) for text in row]
        except (AttributeError, ValueError):  # a section without that header or footer
            return []
        return lines

    blocks = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            style = paragraph.style.name if paragraph.style is not None else ""
            blocks.append({"text": paragraph.text, "style": style or ""})
        elif tag == "tbl":
            blocks.append({"rows": rows_of(DocxTable(child, document))})
    headers = [
        line
        for section in document.sections
        for part in (section.header, section.first_page_header)
        for line in lines_of(part)
    ]
    footers = [line for section in document.sections for line in lines_of(section.footer)]
    pictures = []
    if images:
        for rel in document.part.rels.values():
            if "image" in rel.reltype and not rel.is_external:
                pictures.append({"name": rel.target_part.partname.split("/")[-1], "data": rel.target_part.blob})
    return {"blocks": blocks, "headers": headers, "footers": footers, "images": pictures}


def open_picture(data: bytes, max_pixels: int = MAX_IMAGE_PIXELS) -> PILImage:
    """A JPEG or PNG opened by Pillow (not yet decoded), refused when it has more than `max_pixels`.
    In the sandbox only."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None  # Pillow's own guard would refuse without the size: the check below says it
    image = Image.open(io.BytesIO(data), formats=["JPEG", "PNG"])
    width, height = image.size
    if width * height > max_pixels:
        raise Refused(
            "too_many_pixels",
            gettext_noop("The file%(name)s is %(width)s×%(height)s pixels: too large a picture."),
            width=width,
            height=height,
        )
    return image


def _image(data: bytes, *, max_side: int | None, max_pixels: int) -> dict[str, Any]:
    from PIL import ImageOps

    image: PILImage  # the file's image, then the copies made of it
    with open_picture(data, max_pixels) as image:
        width, height = image.size
        if max_side is None:
            image.load()  # the whole picture decodes: it is one
            return {"width": width, "height": height}
        if image.format == "JPEG":
            image.draft("RGB", (max_side, max_side))  # decode at a fraction of the size when it is big
        image = ImageOps.exif_transpose(image)
        image.thumbnail((max_side, max_side))
        transparent = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
        image = image.convert("RGBA" if transparent else "RGB")
        return {"width": width, "height": height, "mode": image.mode, "size": image.size, "pixels": image.tobytes()}
