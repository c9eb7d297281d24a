import io
from urllib.parse import unquote

import docx
import pytest
from django.http import Http404

from loa.documents.downloads import document_response
from loa.documents.samples import consolidated_report, sample_rows, seed_letter


def test_it_downloads_the_letter_as_word_with_a_vietnamese_file_name():
    response = document_response(seed_letter(), "docx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="Cong van so 45-CDVC ngay 05-04-2021.docx"' in disposition
    encoded = disposition.split("filename*=UTF-8''")[1]
    assert unquote(encoded) == "Công văn số 45-CĐVC ngày 05-04-2021.docx"
    assert "Ngọc Văn Phán" in "\n".join(
        c.text for t in docx.Document(io.BytesIO(response.content)).tables for r in t.rows for c in r.cells
    )


def test_it_downloads_a_report_as_pdf_and_can_show_it_inline():
    response = document_response(consolidated_report(sample_rows(3)), "pdf", inline=True)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("inline;")
    name = unquote(response["Content-Disposition"].split("filename*=UTF-8''")[1])
    assert name == "Báo cáo tổng hợp - Kết quả thành lập Trang Fanpage Công đoàn cơ sở.pdf"


def test_a_slash_in_a_name_never_becomes_a_path():
    report = consolidated_report(sample_rows(1))
    report.filename = "Báo cáo 12/2021"
    response = document_response(report, "docx")
    name = unquote(response["Content-Disposition"].split("filename*=UTF-8''")[1])
    assert name == "Báo cáo 12-2021.docx"


def test_an_unknown_format_is_not_found():
    with pytest.raises(Http404):
        document_response(seed_letter(), "odt")
