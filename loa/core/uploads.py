"""Uploaded files are judged by their content, not their name, and by their size.

The worker only looks at an upload's size and first bytes (loa/core/filekinds.py); whatever is
inside (a zip's members, a sheet, a picture) is read in the sandbox (loa/core/readers.py).
"""

from __future__ import annotations

from collections.abc import Collection

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from loa.core.filekinds import (  # noqa: F401  (the kinds are imported from here by the apps)
    CONTENT_TYPES,
    CSV,
    DOCX,
    JPEG,
    KIND_NAMES,
    OFFICE,
    OLE,
    PDF,
    PNG,
    WRONG_KIND,
    XLS,
    XLSX,
    ZIP,
    sniff,
    wanted,
)

# What the readers take: an uploaded or stored file, or its bytes.
Upload = File | bytes

# Photos bigger than this many pixels are refused before they are decoded (decompression bombs).
MAX_IMAGE_PIXELS = 60_000_000


def named(name: str | None) -> str:
    """The file's name as messages put it after "The file": ' “bao-cao.xlsx”', or nothing."""
    return f" “{name}”" if name else ""


def upload_name(upload: Upload, name: str | None = None) -> str:
    """The name people gave the file (without any folder), or `name` when given."""
    name = getattr(upload, "name", "") if name is None else name
    return (name or "").replace("\\", "/").rsplit("/", 1)[-1]


def open_upload(
    upload: Upload, allowed: Collection[str], *, max_bytes: int | None = None, name: str | None = None
) -> tuple[bytes, str]:
    """(bytes, kind) of an upload (a file or bytes) whose size and first bytes fit `allowed`.

    The kind is ZIP for a zip when an Office kind is allowed: which one it is, and whether it is
    safe, only the sandbox says. ValidationError in Vietnamese: too big, empty, wrong kind.
    """
    name = upload_name(upload, name)
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    size = len(upload) if isinstance(upload, bytes) else getattr(upload, "size", None)
    if size is None or size <= limit:
        if isinstance(upload, bytes):
            data = upload
        else:
            upload.seek(0)
            data = upload.read(limit + 1)  # never more than the limit, whatever size the upload says it has
            upload.seek(0)
        size = len(data)
    if size > limit:
        raise ValidationError(
            _("The file%(name)s is %(size)s; the limit is %(limit)s.")
            % {"name": named(name), "size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_big",
        )
    if not data[:4096].strip() and not data.strip():
        raise ValidationError(_("The file is empty."), code="empty")
    kind = sniff(data)
    if kind == ZIP and any(k in OFFICE for k in allowed):
        return data, ZIP
    if kind == OLE and XLS in allowed:
        return data, XLS  # an old Word file is OLE too: the reader refuses what is not a workbook
    if kind is None or kind not in allowed:
        if kind == OLE:
            message = _(
                "The file%(name)s is an old Office file (.doc/.xls). Save it as %(wanted)s and upload it again."
            )
        else:
            message = _(WRONG_KIND)
        raise ValidationError(message % {"name": named(name), "wanted": wanted(allowed)}, code="wrong_kind")
    return data, kind


def check_upload(upload: Upload, allowed: Collection[str], *, max_bytes: int | None = None) -> str | None:
    """Return the kind of a file that is kept as it is (an attachment), or raise a ValidationError in
    Vietnamese saying what is wrong. An Office file's zip is checked in the sandbox (loa/core/safezip.py)."""
    data, kind = open_upload(upload, allowed, max_bytes=max_bytes)
    if kind == ZIP:
        from loa.core import safezip, sandbox

        name = upload_name(upload)
        office = [k for k in allowed if k in OFFICE]
        kind = sandbox.run(safezip.check_zip, data, expect=office, name=name, kind=wanted(office))
    return kind
