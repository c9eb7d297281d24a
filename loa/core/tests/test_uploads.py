import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from loa.core.uploads import DOCX, PDF, XLSX, check_upload


def _docx_bytes():
    from docx import Document

    buf = io.BytesIO()
    Document().save(buf)
    return buf.getvalue()


def test_it_recognises_files_by_content_not_name():
    assert check_upload(SimpleUploadedFile("anything.bin", b"%PDF-1.7\n..."), (PDF, DOCX)) == PDF
    assert check_upload(SimpleUploadedFile("bao-cao.pdf", _docx_bytes()), (PDF, DOCX)) == DOCX


def test_a_renamed_text_file_is_refused_with_a_vietnamese_message():
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile("van-ban.pdf", "Xin chào".encode()), (PDF, DOCX))
    assert "không phải loại tệp cần dùng ở đây (PDF, Word (.docx))" in exc.value.messages[0]


def test_an_old_office_file_is_explained():
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile("bieu-mau.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100), (DOCX,))
    assert ".doc/.xls" in exc.value.messages[0]


def test_an_oversized_file_is_refused_before_it_is_read(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile("lon.pdf", b"%PDF-" + b"x" * 2000), (PDF,))
    assert "giới hạn" in exc.value.messages[0]


def test_a_zip_bomb_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (300 * 1024 * 1024))
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile("bom.xlsx", buf.getvalue()), (XLSX,))
    assert "để bảo đảm an toàn" in exc.value.messages[0]
