"""The kinds of file Loa accepts, recognised by their first bytes, never by their name.

Used on both sides of the sandbox: the worker sniffs an upload's first bytes before it hands the
file to a child (loa/core/uploads.py), and the child dispatches on them (loa/core/readers.py).
Nothing here parses a file.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_noop

PDF, DOCX, XLSX, XLS, CSV, JPEG, PNG = "pdf", "docx", "xlsx", "xls", "csv", "jpeg", "png"
ZIP, OLE = "zip", "ole"  # what the first bytes say before a zip's members are checked; old .doc/.xls
# A spreadsheet is an xlsx or an old Excel 97–2003 .xls (an OLE file that calamine reads, in the sandbox).
SPREADSHEETS = (XLSX, XLS)
OFFICE = (DOCX, XLSX)
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    XLS: "application/vnd.ms-excel",
    CSV: "text/csv",
    JPEG: "image/jpeg",
    PNG: "image/png",
}
KIND_NAMES = {
    PDF: "PDF",
    DOCX: "Word (.docx)",
    XLSX: "Excel (.xlsx)",
    XLS: "Excel 97–2003 (.xls)",
    CSV: "CSV",
    JPEG: "JPEG",
    PNG: "PNG",
}
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SAMPLE = 64 * 1024

# %(name)s: the file's name in quotes after a space, or nothing (see loa/core/sandbox.py).
WRONG_KIND = gettext_noop(
    "The file%(name)s is not of a kind expected here (%(wanted)s): Loa reads the content, not the name."
)


# What a csv may be written in, after UTF-16: tried in this order (Windows-1258 is Vietnamese Windows'
# own; Windows-1252 reads most of it too, so it comes after).
TEXT_ENCODINGS = ("utf-8", "cp1258", "cp1252")


def utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' for text written in UTF-16 without a byte order mark (what some
    programs export as "Unicode text"), judged by where its zero bytes fall; else None."""
    sample = data[: SAMPLE - SAMPLE % 2]
    if len(sample) < 4:
        return None
    half = len(sample) // 2
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    if odd >= half * 0.3 and even == 0:
        return "utf-16-le"
    if even >= half * 0.3 and odd == 0:
        return "utf-16-be"
    return None


def wanted(kinds: Iterable[str]) -> str:
    """'Excel (.xlsx), CSV': the kinds as people know them, for messages."""
    return ", ".join(KIND_NAMES[k] for k in kinds)


def sniff(data: bytes) -> str | None:
    """The kind of a file from its first bytes: PDF, JPEG, PNG, ZIP (an Office file once its members
    are checked), OLE (old Office), CSV (text), or None."""
    head = data[:8]
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        return ZIP
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return OLE
    if head.startswith(UTF16_BOMS) or utf16_without_bom(data):
        return CSV
    sample = data[:SAMPLE]
    if b"\x00" in sample:
        return None
    for encoding in TEXT_ENCODINGS:
        try:
            sample.decode(encoding)
        except UnicodeDecodeError as exc:
            if encoding == "utf-8" and exc.start >= len(sample) - 3:
                return CSV  # the sample cut a character in two
            continue
        return CSV
    return None
