"""Office files (xlsx, docx) are zips: every member is unpacked as a stream, its real bytes counted,
before any XML parser sees it. The sizes a zip declares are never trusted.

`check_zip` runs in the sandbox's child (loa/core/sandbox.py), as the first step of every reader
of an Office file, and refuses (`Refused`, with a message the parent translates):

- more than MAX_MEMBERS members, names that are absolute, hold "..", a drive letter, a NUL or
  appear twice (path traversal, and zips that two readers would read differently);
- more than MAX_UNPACKED_BYTES unpacked in all, or a member over 1 MB that unpacks to more than
  MAX_RATIO times its packed size (zip bombs, whatever sizes they declare);
- an archive inside the archive (outside Office's own `embeddings/` folders, which Loa never opens);
- in any member that is XML: a DOCTYPE or ENTITY declaration (billion laughs, external entities)
  or an encoding other than UTF-8, in which such a declaration could hide from this scan;
- a member protected by a password.

python-docx parses with lxml (resolve_entities=False) and calamine with its own Rust parser; the
scan above means neither ever meets a DTD.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Collection

from django.utils.translation import gettext_noop

from loa.core.filekinds import DOCX, WRONG_KIND, XLSX, wanted
from loa.core.sandbox import Refused

MAX_MEMBERS = 2000
MAX_UNPACKED_BYTES = 400 * 1024 * 1024  # a 130,000-row unit list unpacks to about 40 MB
MAX_RATIO = 200  # Office XML packs 5 to 30 times; a zip bomb thousands of times
RATIO_FROM = 1024 * 1024  # small members may pack tightly (a sheet of empty rows)
CHUNK = 64 * 1024

# The member that makes a zip an Office file of each kind.
OFFICE_MEMBERS = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}

_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ENCODING = re.compile(rb"""^<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)""")
_PLAIN_ENCODINGS = {b"utf-8", b"utf8", b"us-ascii", b"ascii"}
# First bytes of XML in UTF-16/32 or EBCDIC, which libxml2 detects and a byte scan would not read.
_OTHER_XML_ENCODINGS = (
    b"\xff\xfe",
    b"\xfe\xff",
    b"\x00\x00\x00<",
    b"<\x00\x00\x00",
    b"\x00<",
    b"<\x00",
    b"\x4c\x6f\xa7\x94",
)
_ARCHIVES = (
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"PK\x07\x08",
    b"\x1f\x8b",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!",
    b"BZh",
    b"\xfd7zXZ",
)
_DRIVE = re.compile(r"^[A-Za-z]:")

BOMB = gettext_noop(
    "The file%(name)s unpacks to far more data than a real document holds: it was not opened, for safety."
)
UNSAFE_XML = gettext_noop(
    "The file%(name)s contains XML declarations that Loa refuses for safety (a DOCTYPE, an entity or an unusual "
    "text encoding). Save it again from Excel or Word and upload it again."
)


def check_zip(
    data: bytes, *, expect: Collection[str] | None = None, max_unpacked: int = MAX_UNPACKED_BYTES
) -> str | None:
    """Check an Office file's zip, member by member. Returns its kind ("docx", "xlsx" or None).

    expect: the kinds the caller reads; anything else is refused as the wrong kind of file.
    """
    archive = zipfile.ZipFile(io.BytesIO(data))  # BadZipFile: the sandbox says the file is damaged
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise Refused(
            "zip_members",
            gettext_noop("The file%(name)s holds more than %(n)s parts: it was not opened, for safety."),
            n=MAX_MEMBERS,
        )
    names = set()
    for info in members:
        if not _safe_name(info.filename) or info.filename in names:
            raise Refused(
                "zip_names",
                gettext_noop(
                    "The file%(name)s holds parts with unsafe or repeated names: it was not opened, for safety."
                ),
            )
        names.add(info.filename)
    kind = next((k for k, member in OFFICE_MEMBERS.items() if member in names), None)
    if expect is not None and kind not in expect:
        raise Refused("wrong_kind", WRONG_KIND, wanted=wanted(expect))
    total = 0
    for info in members:
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            raise Refused(
                "encrypted",
                gettext_noop(
                    "The file%(name)s is protected by a password. Save it without a password and upload it again."
                ),
            )
        total = _check_member(archive, info, total, max_unpacked)
    return kind


def _safe_name(name: str) -> bool:
    parts = re.split(r"[/\\]", name)
    return not ("\x00" in name or name.startswith(("/", "\\")) or _DRIVE.match(name) or ".." in parts)


def _check_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, total: int, max_unpacked: int) -> int:
    """Stream one member: count its real bytes, and scan it if it is XML. Returns the running total."""
    size = 0
    xml = None
    tail = b""
    unbounded = copy.copy(info)
    unbounded.file_size = 1 << 62  # read to the end of the packed data, whatever size the member declares
    with archive.open(unbounded) as member:
        while chunk := member.read(CHUNK):
            size += len(chunk)
            total += len(chunk)
            if total > max_unpacked or (size > RATIO_FROM and size > MAX_RATIO * max(info.compress_size, 1)):
                raise Refused("zip_bomb", BOMB)
            if xml is None:
                xml = _start(info.filename, chunk)
            if xml:
                if _DECLARATION.search(tail + chunk):
                    raise Refused("xml_unsafe", UNSAFE_XML)
                tail = chunk[-16:]
    return total


def _start(name: str, chunk: bytes) -> bool:
    """Whether a member is XML to scan, from its first bytes; refuses what must not be parsed at all."""
    if chunk.startswith(_OTHER_XML_ENCODINGS):
        raise Refused("xml_unsafe", UNSAFE_XML)
    if chunk.startswith(_ARCHIVES) and "/embeddings/" not in f"/{name}":
        raise Refused(
            "zip_nested",
            gettext_noop("The file%(name)s holds another compressed archive: it was not opened, for safety."),
        )
    head = chunk.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if not head.startswith(b"<"):
        return False
    declared = _ENCODING.match(head)
    if declared and declared.group(1).lower() not in _PLAIN_ENCODINGS:
        raise Refused("xml_unsafe", UNSAFE_XML)
    return True
