"""A corpus of hostile files, generated (nothing binary is committed): each one is a way an upload
has sunk, or could sink, a worker. `corpus()` -> {name: (file name, bytes)}.

The bombs are written a megabyte at a time, so that making them never inflates the test process.
"""

import functools
import io
import struct
import zipfile
import zlib

from docx import Document
from openpyxl import Workbook

BOMB_BYTES = 64 * 1024 * 1024  # unpacked; packed about 100 KB
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
WORD_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)
EXTERNAL = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def xlsx_bytes(rows=(("Mã đơn vị", "Tên đơn vị"), ("CS-A", "Trường A"))):
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def docx_bytes(text="Bài viết"):
    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def png_bytes(width=4, height=3, extra=b""):
    raw = b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height))
    return _png(width, height, zlib.compress(raw)) + extra


def _png(width, height, idat):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def replace_member(office, name, content, *, lie_about_size=False):
    """An Office file (bytes) with one member's content replaced (bytes, or an iterable of chunks).

    lie_about_size: declare the member as 1,000 bytes, with the checksum of its first 1,000 bytes,
    so that a reader trusting the declared size finds nothing wrong."""
    source = zipfile.ZipFile(io.BytesIO(office))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info.filename, source.read(info.filename))
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w") as member:
            for chunk in [content] if isinstance(content, bytes) else content:
                member.write(chunk)
        local = target.getinfo(name).header_offset
    data = bytearray(buffer.getvalue())
    if lie_about_size:
        crc, size = struct.pack("<I", zlib.crc32(b"".join(_first_bytes(content, 1000)))), struct.pack("<I", 1000)
        data[local + 14 : local + 18], data[local + 22 : local + 26] = crc, size
        central = _central_entry(data, name)
        data[central + 16 : central + 20], data[central + 24 : central + 28] = crc, size
    return bytes(data)


def _central_entry(data, name):
    """The offset of `name`'s entry in a zip's central directory."""
    end = bytes(data).rindex(b"PK\x05\x06")
    count, _size, offset = struct.unpack("<HII", data[end + 10 : end + 20])
    for _ in range(count):
        name_length, extra_length, comment_length = struct.unpack("<HHH", data[offset + 28 : offset + 34])
        if data[offset + 46 : offset + 46 + name_length].decode() == name:
            return offset
        offset += 46 + name_length + extra_length + comment_length
    raise KeyError(name)


def _first_bytes(content, n):
    chunks = [content] if isinstance(content, bytes) else content
    left = n
    for chunk in chunks:
        yield chunk[:left]
        left -= len(chunk[:left])
        if not left:
            return


def _repeat(head, unit, tail, total):
    """head + unit × (enough for `total` bytes) + tail, a megabyte at a time."""

    class Chunks:
        def __iter__(self):
            yield head.encode()
            block = (unit * (1024 * 1024 // len(unit))).encode()
            for _ in range(total // len(block)):
                yield block
            yield tail.encode()

    return Chunks()


def _sheet_bomb():
    return _repeat(
        f"{XML}<worksheet {SHEET_NS}><sheetData>",
        '<row><c t="inlineStr"><is><t>0</t></is></c></row>',
        "</sheetData></worksheet>",
        BOMB_BYTES,
    )


def _document_bomb():
    return _repeat(
        f"{XML}<w:document {WORD_NS}><w:body>",
        "<w:p><w:r><w:t>0</w:t></w:r></w:p>",
        "</w:body></w:document>",
        BOMB_BYTES,
    )


def _sheet(body, doctype=""):
    return f"{XML}{doctype}<worksheet {SHEET_NS}><sheetData>{body}</sheetData></worksheet>".encode()


def _document(body, doctype=""):
    return f"{XML}{doctype}<w:document {WORD_NS}><w:body>{body}</w:body></w:document>".encode()


def _many_members(count=5000):
    buffer = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes()))
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        for i in range(count):
            target.writestr(f"xl/media/padding{i}.bin", b"")
    return buffer.getvalue()


def _huge_csv(rows=300_000):
    return b"Ma don vi;Ten don vi;Loai;Ma cap tren\n" + b"X;Y;cdcs;Z\n" * rows


@functools.cache
def corpus():
    """{name: (file name, bytes)}: every hostile file, made once per test process."""
    sheet, document = "xl/worksheets/sheet1.xml", "word/document.xml"
    xlsx, docx = xlsx_bytes(), docx_bytes()
    deep = 20_000  # levels: lxml stops at 256, and the member stays under the 1 MB the ratio check starts at
    return {
        "xlsx zip bomb": ("bom.xlsx", replace_member(xlsx, sheet, _sheet_bomb())),
        "xlsx zip bomb, lying sizes": (
            "bom-khai-sai.xlsx",
            replace_member(xlsx, sheet, _sheet_bomb(), lie_about_size=True),
        ),
        "docx zip bomb": ("bom.docx", replace_member(docx, document, _document_bomb())),
        "docx zip bomb, lying sizes": (
            "bom-khai-sai.docx",
            replace_member(docx, document, _document_bomb(), lie_about_size=True),
        ),
        "xlsx billion laughs": (
            "cuoi.xlsx",
            replace_member(xlsx, sheet, _sheet('<row><c t="inlineStr"><is><t>&lol9;</t></is></c></row>', LAUGHS)),
        ),
        "docx billion laughs": (
            "cuoi.docx",
            replace_member(docx, document, _document("<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>", LAUGHS)),
        ),
        "docx external entity": (
            "xxe.docx",
            replace_member(docx, document, _document("<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>", EXTERNAL)),
        ),
        "xlsx deeply nested": ("sau.xlsx", replace_member(xlsx, sheet, _sheet("<row>" * deep + "</row>" * deep))),
        "docx deeply nested": ("sau.docx", replace_member(docx, document, _document("<w:p>" * deep + "</w:p>" * deep))),
        "xlsx cell at XFD1048576": (
            "rong.xlsx",
            replace_member(
                xlsx,
                sheet,
                _sheet('<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
            ),
        ),
        "truncated xlsx": ("cut.xlsx", xlsx[: len(xlsx) // 2]),
        "truncated docx": ("cut.docx", docx[: len(docx) // 2]),
        "zip with thousands of members": ("nhieu.xlsx", _many_members()),
        "png that is also html": ("anh.png", png_bytes(extra=b"<html><script>alert(document.cookie)</script></html>")),
        "png that is also a zip": ("anh-zip.png", png_bytes(extra=xlsx)),
        "pdf named .xlsx": ("bao-cao.xlsx", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"),
        "csv in EBCDIC": ("don-vi.csv", "Mã đơn vị;Tên đơn vị\nCS-A;Trường A\n".encode("cp500", errors="replace")),
        "huge csv": ("lon.csv", _huge_csv()),
        "png of 100000×100000 pixels": ("bom.png", _png(100_000, 100_000, zlib.compress(b"\x00" * 1024))),
    }
