"""A plain-data description of an official document, independent of the output format.

The same description renders to Word (`loa.documents.docx`) and PDF (`loa.documents.pdf`) with the
layout of Decree 30/2020/NĐ-CP, Appendix I (see docs/documents.md). Nothing here touches the
database: callers (directives, exports, scoring) build these objects from their own data.
"""

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

TEXT = "text"
HEADING = "heading"
BULLET = "bullet"
PARAGRAPH_KINDS = (TEXT, HEADING, BULLET)

_LEADING_NUMBER = re.compile(r"^\s*(\d+)(?=\s*/|\s*$)")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the body.

    kind: "text" (justified, first-line indent), "heading" (the same, bold: "1. Đẩy mạnh …"),
    "bullet" (a "- …" item; the dash is added when missing).
    """

    text: str
    kind: str = TEXT
    bold: bool = False
    italic: bool = False

    def __post_init__(self):
        if self.kind not in PARAGRAPH_KINDS:
            raise ValueError(f"Unknown paragraph kind {self.kind!r}")

    @property
    def display_text(self):
        text = self.text.strip()
        if self.kind == BULLET and not text.startswith(("-", "–", "+", "•")):
            return f"- {text}"
        return text

    @property
    def is_bold(self):
        return self.bold or self.kind == HEADING


@dataclass(frozen=True)
class Column:
    """A table column: its header, an optional italic note under the header ("(Ví dụ: …)"),
    a relative width and the alignment of its cells ("left", "center", "right")."""

    title: str
    note: str = ""
    width: float = 1.0
    align: str = "left"


@dataclass
class FormAttachment:
    """A report form attached after a document's signature ("BIỂU MẪU BÁO CÁO"), on a new page."""

    subtitle: str
    columns: Sequence[Column | str]
    rows: Sequence[Sequence[object]] = ()
    title: str = "BIỂU MẪU BÁO CÁO"
    signature_capacity: Sequence[str] = ("TM. BAN CHẤP HÀNH",)
    signer_name: str = ""
    unit_name: str = ""

    def __post_init__(self):
        self.columns = normalize_columns(self.columns)
        self.rows = normalize_rows(self.rows, len(self.columns))


@dataclass
class OfficialDocument:
    """A công văn (kind_title None; summary "V/v …" under the number) or a titled document
    (THÔNG BÁO, KẾ HOẠCH, BÁO CÁO…; summary under the title)."""

    superior_body: str
    issuing_body: str
    number: str
    place: str
    date: datetime.date | None
    summary: str
    paragraphs: Sequence[Paragraph | str]
    kind_title: str | None = None
    salutation: str = ""
    recipients: Sequence[str] = ()
    signing_capacity: Sequence[str] = ("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH")
    signer_name: str = ""
    attachments: Sequence[FormAttachment] = ()

    def __post_init__(self):
        self.paragraphs = [p if isinstance(p, Paragraph) else Paragraph(str(p)) for p in self.paragraphs]

    @property
    def is_cong_van(self):
        return not self.kind_title

    @property
    def number_line(self):
        return number_line(self.number)

    @property
    def date_line(self):
        return vietnamese_date_line(self.place, self.date)

    @property
    def summary_lines(self):
        """The summary's lines; a công văn's starts with "V/v "."""
        lines = [line.strip() for line in self.summary.strip().splitlines() if line.strip()]
        if self.is_cong_van and lines and not lines[0].startswith("V/v"):
            lines[0] = f"V/v {lines[0]}"
        return lines

    @property
    def recipient_lines(self):
        return recipient_lines(self.recipients)

    def filename_stem(self):
        kind = "Công văn" if self.is_cong_van else self.kind_title.strip().capitalize()
        parts = [kind]
        if self.number.strip().lstrip("/"):
            parts.append("số " + number_for_filename(self.number))
        if self.date:
            parts.append(f"ngày {self.date:%d-%m-%Y}")
        return " ".join(parts)


@dataclass
class TableReport:
    """A form or table on its own (e.g. the consolidated Fanpage report: one row per unit).

    The official header (bodies, number, place and date) is drawn only when issuing_body is set;
    the signature block only when signing_capacity is set. `landscape` turns the page for wide
    tables.
    """

    title: str
    columns: Sequence[Column | str]
    rows: Sequence[Sequence[object]]
    subtitle: str = ""
    superior_body: str = ""
    issuing_body: str = ""
    number: str = ""
    place: str = ""
    date: datetime.date | None = None
    notes: Sequence[str] = ()
    signing_capacity: Sequence[str] = ()
    signer_name: str = ""
    landscape: bool = False
    filename: str = ""
    recipients: Sequence[str] = ()  # "Nơi nhận", beside the signature block

    def __post_init__(self):
        self.columns = normalize_columns(self.columns)
        self.rows = normalize_rows(self.rows, len(self.columns))

    @property
    def has_header(self):
        return bool(self.issuing_body)

    @property
    def number_line(self):
        return number_line(self.number) if self.number else ""

    @property
    def date_line(self):
        return vietnamese_date_line(self.place, self.date) if self.place else ""

    @property
    def recipient_lines(self):
        return recipient_lines(self.recipients)

    def filename_stem(self):
        if self.filename:
            return self.filename
        stem = self.title.strip().capitalize()
        if self.subtitle:
            stem += " - " + self.subtitle.strip()
        return stem


def normalize_columns(columns):
    return [c if isinstance(c, Column) else Column(str(c)) for c in columns]


def normalize_rows(rows, width):
    """Rows as lists of strings, each exactly `width` cells long (None becomes "")."""
    if isinstance(rows, (list, tuple)):
        return [_row(row, width) for row in rows]
    return _LazyRows(rows, width)


class _LazyRows:
    """Rows from a generator, converted as they are read, so that a large report is not copied."""

    def __init__(self, rows, width):
        self._rows, self._width = rows, width

    def __iter__(self):
        for row in self._rows:
            yield _row(row, self._width)


def _row(row, width):
    cells = ["" if v is None else str(v) for v in row]
    if len(cells) > width:
        raise ValueError(f"A row has {len(cells)} cells but the table has {width} columns: {cells!r}")
    return cells + [""] * (width - len(cells))


def pad_number(value):
    """ "5" -> "05", "12" -> "12" (Decree 30: numbers below 10 have a leading zero)."""
    return f"{int(value):02d}"


def number_line(number):
    """ "Số: 812/TB-CĐVC"; "5/CĐVC" -> "Số: 05/CĐVC"; an empty number ("/CĐVC") leaves a gap to fill in by hand."""
    number = (number or "").strip()
    if number.lower().startswith("số:"):
        number = number[3:].strip()
    match = _LEADING_NUMBER.match(number)
    if match:
        number = pad_number(match.group(1)) + number[match.end() :].lstrip()
        number = re.sub(r"^(\d+)\s*/\s*", r"\1/", number)
    elif number.startswith("/"):
        number = "\u00a0" * 8 + number
    return f"Số: {number}"


def number_for_filename(number):
    return number_line(number)[len("Số: ") :].strip().replace("/", "-")


def vietnamese_date_line(place, date):
    """ "Cao Bằng, ngày 05 tháng 4 năm 2021".

    Decree 30: days below 10 and the months January and February get a leading zero
    ("ngày 05 tháng 01", "ngày 22 tháng 02"); other months do not ("tháng 4", "tháng 12").
    Without a date, blanks are left to fill in by hand.
    """
    place = (place or "").strip()
    prefix = f"{place}, " if place else ""
    if date is None:
        gap = "\u00a0" * 6
        return f"{prefix}ngày{gap}tháng{gap}năm{gap}"
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    return f"{prefix}ngày {date.day:02d} tháng {month} năm {date.year}"


def recipient_lines(recipients):
    """["Như kính gửi", "Lưu: CĐVC"] -> ["- Như kính gửi;", "- Lưu: CĐVC."]"""
    items = [r.strip().lstrip("-").strip().rstrip(";.").strip() for r in recipients]
    items = [r for r in items if r]
    return [f"- {item}{'.' if i == len(items) - 1 else ';'}" for i, item in enumerate(items)]
