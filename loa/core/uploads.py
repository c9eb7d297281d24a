"""Uploaded files are judged by their content, not their name, and by their size."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Kinds Loa accepts somewhere, and how to recognise them from their bytes.
PDF, DOCX, XLSX, CSV, JPEG, PNG = "pdf", "docx", "xlsx", "csv", "jpeg", "png"
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv",
    JPEG: "image/jpeg",
    PNG: "image/png",
}
KIND_NAMES = {PDF: "PDF", DOCX: "Word (.docx)", XLSX: "Excel (.xlsx)", CSV: "CSV", JPEG: "JPEG", PNG: "PNG"}
# A zip whose members expand beyond this, or by more than this ratio, is treated as a zip bomb.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 150


def sniff(upload):
    """The kind of an uploaded file from its first bytes (and zip directory for Office files)."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
        return None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"  # old .doc / .xls
    sample = upload.read(64 * 1024)
    upload.seek(0)
    if b"\x00" not in sample:
        try:
            sample.decode("utf-8")
            return CSV
        except UnicodeDecodeError:
            try:
                sample.decode("cp1258")
                return CSV
            except UnicodeDecodeError:
                return None
    return None


def check_upload(upload, allowed, *, max_bytes=None):
    """Return the file's kind, or raise a ValidationError in Vietnamese saying what is wrong."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file “%(name)s” is %(size)s; the limit is %(limit)s.")
            % {"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="too_big",
        )
    kind = sniff(upload)
    if kind not in allowed:
        wanted = ", ".join(KIND_NAMES[k] for k in allowed)
        if kind == "ole":
            msg = _("“%(name)s” is an old Office file (.doc/.xls). Save it as %(wanted)s and upload it again.")
        else:
            msg = _("“%(name)s” is not a %(wanted)s file (Loa reads the content, not the name).")
        raise ValidationError(msg % {"name": upload.name, "wanted": wanted}, code="wrong_kind")
    if kind in (DOCX, XLSX):
        check_zip_bomb(upload)
    return kind


def check_zip_bomb(upload):
    upload.seek(0)
    with zipfile.ZipFile(upload) as archive:
        total = sum(info.file_size for info in archive.infolist())
        packed = sum(info.compress_size for info in archive.infolist()) or 1
    upload.seek(0)
    if total > MAX_UNZIPPED_BYTES or total / packed > MAX_ZIP_RATIO and total > 10 * 1024 * 1024:
        raise ValidationError(
            _("“%(name)s” expands to %(size)s when opened: it is refused as unsafe.")
            % {"name": upload.name, "size": filesizeformat(total)},
            code="zip_bomb",
        )

