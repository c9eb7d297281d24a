"""The Fanpage report form read from a photo or a scan: a proposal that a person checks.

Units often send a phone photo or a PDF scan of the signed paper form instead of the file. Such a
file is read with OCR (loa/core/ocr.py: Tesseract, in the sandbox), its table found by the
header's column titles (loa/core/ocr_tables.py, with the titles loa/directives/ocr_header.py
recognises in what OCR read), and
turned into an `OcrProposal`:

- `unit_line`: the unit's name as written above the table (the issuing body's lines), if any;
- `rows`: the table's rows, each with its cells as read and a confidence (0–100), and the values
  as they would be recorded (phones as stored, a Facebook address found in any cell);
- `lines`: the page's text lines (for matching the file to its unit), `warnings` (Vietnamese),
  the pages read and their time;
- `error`: "no_table" when no form's table was found (a cat, a blank page, another document).

Nothing here records anything: the batch shows the proposal for review, marked as read from a
picture, and records it only once a person has confirmed it (`ReturnedFormFile.ocr_confirmed_by`,
directives.ocr_review.confirm_reading). `proposal_as_parsed` turns a proposal into the shape of
returned_forms.parse_form's result, which the batch reads.
"""

import re
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from loa.core.facebook import HOST_PATTERN, find_urls
from loa.core.ocr import read_scan
from loa.core.ocr_tables import find_table, page_blocks
from loa.core.phones import normalize_phone, normalize_phones, split_phones
from loa.core.text import fold
from loa.directives.ocr_header import form_header
from loa.directives.returned_forms import FIELDS

# Below this confidence (0–100) a cell is named in the warnings, to be checked against the picture.
DOUBTFUL = 75
# Letters OCR reads in place of digits, fixed in the phone cell only.
_DIGIT_LOOKALIKES = str.maketrans("OoDQlIi|!ZzSsGbBgq", "000011111225566899")
_PHONE_TOKEN = re.compile(r"[0-9OoDQlIi|!ZzSsGbBgq]{2,}")
# Lines above the table that begin the unit's name ("CÔNG ĐOÀN CƠ SỞ…", "CĐCS…", "BCH CĐCS…"), folded.
_UNIT_START = re.compile(r"^(?:cong doan|cdcs|cd |ban chap hanh|bch |lien doan)")


@dataclass
class ProposedRow:
    number: int  # the row's place in the table, from 1
    cells: dict  # {field: {"text": as read, "confidence": 0–100}}
    values: dict  # {field: the value as it would be recorded} for returned_forms.FIELDS
    confidence: float  # the lowest confidence of its filled cells
    doubtful: list = field(default_factory=list)  # fields read with little confidence, or not valid


@dataclass
class OcrProposal:
    kind: str = ""
    unit_line: str = ""
    rows: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    pages: list = field(default_factory=list)  # [{"number", "seconds", "turned", "skew", "words"}]
    page_count: int = 0
    error: str = ""  # "" or "no_table"

    def as_json(self):
        return asdict(self)


def read_form_image(data, *, name):
    """The proposal for a photo or scan of the Fanpage report form (JPEG, PNG or PDF; a file or bytes).

    Raises ValidationError (Vietnamese) for a file that is not such a picture or cannot be read;
    a picture without the form's table is a proposal with error "no_table"."""
    scan = read_scan(data, name=name)
    proposal = OcrProposal(kind=scan.kind, page_count=scan.page_count)
    proposal.pages = [
        {
            "number": p.number,
            "seconds": p.seconds,
            "cpu_seconds": p.cpu_seconds,
            "turned": p.turned,
            "skew": p.skew,
            "words": len(p.words),
        }
        for p in scan.pages
    ]
    tables = [find_table(page, form_header) for page in scan.pages]
    # The first page whose table has a row filled in, else the first with the form's header.
    table = next((t for t in tables if t and t.rows), None) or next((t for t in tables if t), None)
    for page, found in zip(scan.pages, tables):
        blocks = found.above + found.below if found is not None and found is table else page_blocks(page)
        proposal.lines += [" ".join(block) for block in blocks]
    if table is None:
        proposal.error = "no_table"
    else:
        proposal.unit_line = _unit_line(table.above)
        proposal.rows = [
            row
            for number, cells in enumerate(table.rows, start=1)
            if (row := _row(number, cells, table.fields)) is not None
        ]
        proposal.warnings += [warning for row in proposal.rows for warning in _row_warnings(row, len(proposal.rows))]
    if scan.page_count > len(scan.pages):
        proposal.warnings.append(
            _("Only the first %(n)s of the file's %(total)s pages were read.")
            % {"n": len(scan.pages), "total": scan.page_count}
        )
    if scan.skipped:
        proposal.warnings.append(
            _("Pages without a table were not read: %(pages)s.") % {"pages": ", ".join(str(n) for n in scan.skipped)}
        )
    if scan.stopped_early:
        proposal.warnings.append(
            _("Reading took too long: the pages after page %(n)s were not read.") % {"n": len(scan.pages)}
        )
    return proposal


def _unit_line(blocks):
    """The unit's name in the blocks above the table: the last line of a block that begins a union's
    name, and the lines under it in that block ("CÔNG ĐOÀN CƠ SỞ TRƯỜNG" / "THPT THÀNH PHỐ CAO BẰNG")."""
    for block in blocks:
        starts = [i for i, line in enumerate(block) if _UNIT_START.match(fold(line))]
        if starts:
            return " ".join(block[starts[-1] :])
    return ""


# An address OCR or the cell's width cut: at the end of a line ("…facebook.com/" / "cdcs.thpt"), or
# after its scheme ("https:/ /www.facebook.com/…").
_CUT_ADDRESS = re.compile(rf"(?:\bhttps?:/*|{HOST_PATTERN}\S*[/.\-_=])$", re.IGNORECASE)
_SPLIT_SCHEME = re.compile(rf"\b(https?:/*)\s+(?=/*{HOST_PATTERN})", re.IGNORECASE)
# What is left of an address taken out of a cell: a lone scheme or "www".
_ADDRESS_LEFTOVER = re.compile(r"\b(?:https?:/*|www\.?)(?=\s|$)", re.IGNORECASE)


def _joined(lines):
    """A cell's lines as one text; an address cut at the end of a line ("…facebook.com/" / "cdcs.thpt")
    is joined again without a space."""
    text = ""
    for line in lines:
        text = text + line if text and _CUT_ADDRESS.search(text) else f"{text} {line}".strip()
    return _SPLIT_SCHEME.sub(r"\1", text)


def _phones(text):
    """The phone cell as it would be stored ("+84912345678; +842063852123"), or (as read, the reason).

    Letters OCR reads for digits are fixed first; numbers whose separator was lost ("0206 3852 456
    0978 123 456") are cut where each part is a valid number."""
    fixed = _PHONE_TOKEN.sub(
        lambda m: m.group(0).translate(_DIGIT_LOOKALIKES) if sum(c.isdigit() for c in m.group(0)) >= 2 else m.group(0),
        text,
    )
    parts = "; ".join(split_phones(fixed)) or fixed
    try:
        return "; ".join(normalize_phones(parts)), ""
    except ValidationError as exc:
        problem = exc.messages[0]
    found, group = [], ""
    for piece in re.findall(r"\+?[\d.\-]+", fixed):
        group += piece
        try:
            found.append(normalize_phone(group))
        except ValidationError:
            continue
        group = ""
    if found and not re.sub(r"\D", "", group):
        return "; ".join(found), ""
    return parts, problem


def _row(number, cells, fields):
    read = {}
    for index, cell in cells.items():
        name = fields.get(index)
        if name in FIELDS and cell.text:
            read[name] = {"text": _joined(cell.lines), "confidence": cell.confidence}
    if not read:
        return None
    values = {f: read[f]["text"] if f in read else "" for f in FIELDS}
    urls = [url for f in FIELDS for url in find_urls(values[f])]
    for f in ("name", "admin_name", "note"):  # an address written in another column
        for url in find_urls(values[f]):
            rest = _ADDRESS_LEFTOVER.sub(" ", values[f].replace(url, " "))
            values[f] = " ".join(rest.split()).strip(" -–:;,()")
    if urls:
        values["url"] = urls[0]
    doubtful = [f for f, cell in read.items() if cell["confidence"] < DOUBTFUL]
    if values["admin_phone"]:
        values["admin_phone"], problem = _phones(values["admin_phone"])
        if problem:
            read["admin_phone"]["problem"] = problem
            doubtful += [] if "admin_phone" in doubtful else ["admin_phone"]
    return ProposedRow(number, read, values, min(cell["confidence"] for cell in read.values()), doubtful)


def _row_warnings(row, count):
    from loa.directives.imports import COLUMNS

    where = _(" (row %(row)s)") % {"row": row.number} if count > 1 else ""
    out = []
    for f in row.doubtful:
        cell = row.cells[f]
        if cell.get("problem"):
            out.append(f"{COLUMNS[f]}{where}: {cell['problem']}")
        else:
            out.append(
                _("%(column)s%(where)s was hard to read (%(confidence)s%% sure): check it against the picture.")
                % {"column": COLUMNS[f], "where": where, "confidence": round(cell["confidence"])}
            )
    return out


def proposal_as_parsed(proposal):
    """The proposal in the shape of returned_forms.parse_form's result, with the proposal itself under
    "ocr" (the preview shows its confidences and warnings; recording needs a person's confirmation)."""
    rows = [{"row": row.number, **row.values} for row in proposal.rows]
    text = ([proposal.unit_line] if proposal.unit_line else []) + proposal.lines
    text += [row[f] for row in rows for f in ("name", "note") if row[f]]
    urls = []
    for line in text + [row["url"] for row in rows]:
        urls += [url for url in find_urls(line) if url not in urls]
    return {
        "rows": rows,
        "text": text,
        "urls": urls,
        "header_row": None,
        "where": "",
        "kind": proposal.kind,
        "error": proposal.error,
        "ocr": proposal.as_json(),
    }
