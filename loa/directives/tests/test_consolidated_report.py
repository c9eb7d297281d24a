"""The consolidated Fanpage report as the office files it (Decree 30, Appendix I; shared/DOCUMENTS.md):
each point checked in the Word file (python-docx) and in the PDF (pdftotext)."""

import io
import re
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from docx import Document

from loa.directives import services
from loa.directives.models import Assignment
from loa.directives.tests.factories import DEADLINE, GOOD_PAGE, fanpage_letter
from loa.units.models import Unit


@pytest.fixture
def reported(tree, admin, alice, bob):
    Unit.objects.filter(pk=tree["upper"].pk).update(short_name="CĐVC tỉnh")  # the header must not use it
    directive, task = fanpage_letter(tree, by=admin)
    services.report_submit(
        by=alice,
        assignment=Assignment.objects.get(task=task, unit=tree["a"]),
        data=GOOD_PAGE,
        at=DEADLINE - timedelta(days=1),
    )
    services.report_submit(
        by=bob,
        assignment=Assignment.objects.get(task=task, unit=tree["b"]),
        data=dict(GOOD_PAGE, name="Trang Bệnh viện", url="fb.com/cdbvdk", admin_name="Lường Thị Thuỷ"),
        at=DEADLINE + timedelta(days=1),
    )
    return directive, task


def _download(client, task, fmt, **params):
    response = client.get(reverse("directives:consolidated", args=[task.pk, fmt]), params)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if hasattr(response, "streaming_content") else response.content


def _docx(client, task, **params):
    return Document(io.BytesIO(_download(client, task, "docx", **params)))


def _cells(doc):
    return [c.text for t in doc.tables for r in t.rows for c in r.cells]


def _pdf_text(client, task, tmp_path, **params):
    path = tmp_path / "report.pdf"
    path.write_bytes(_download(client, task, "pdf", **params))
    # Reading order, cell by cell; a cell's words wrap over lines, so white space is folded.
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def _data_table(doc):
    return next(t for t in doc.tables if t.rows[0].cells[0].text == "Stt")


def test_the_word_report_carries_a_noi_nhan_block_in_bold_italic(reported, admin, login):
    doc = _docx(login(admin), reported[1])
    head = next(p for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs if p.text == "Nơi nhận:")
    assert all(run.bold and run.italic for run in head.runs if run.text)
    cells = _cells(doc)
    assert any("- Liên đoàn Lao động tỉnh Cao Bằng (để báo cáo);" in c and "- Lưu: VT, CĐVC." in c for c in cells)


def test_the_pdf_report_carries_a_noi_nhan_block(reported, admin, login, tmp_path):
    text = _pdf_text(login(admin), reported[1], tmp_path)
    assert "Nơi nhận:" in text
    assert "- Liên đoàn Lao động tỉnh Cao Bằng (để báo cáo);" in text and "- Lưu: VT, CĐVC." in text


def test_the_issuing_body_is_written_in_full_as_on_the_directive(reported, admin, login, tmp_path):
    directive, task = reported
    client = login(admin)
    header = " ".join(_docx(client, task).tables[0].rows[0].cells[0].text.split())
    assert "CÔNG ĐOÀN VIÊN CHỨC TỈNH CAO BẰNG" in header and "CĐVC TỈNH" not in header
    letter = Document(io.BytesIO(client.get(reverse("directives:document", args=[directive.pk, "docx"])).content))
    assert " ".join(letter.tables[0].rows[0].cells[0].text.split()) == header
    text = _pdf_text(client, task, tmp_path)
    assert "CÔNG ĐOÀN VIÊN CHỨC TỈNH CAO BẰNG" in text and "CĐVC TỈNH" not in text


def test_no_column_header_carries_a_filling_hint(reported, admin, login, tmp_path):
    client = login(admin)
    headers = [c.text for c in _data_table(_docx(client, reported[1])).rows[0].cells]
    assert headers == [
        "Stt",
        "Tên Công đoàn cơ sở",
        "Tên Trang Fanpage",
        "Người quản trị",
        "Số điện thoại người quản trị",
        "Ghi chú",
    ]
    assert "Ví dụ" not in _pdf_text(client, reported[1], tmp_path)


def test_every_row_names_the_unit_officially_beside_its_page(reported, admin, login, tmp_path):
    client = login(admin)
    rows = [[c.text for c in r.cells] for r in _data_table(_docx(client, reported[1])).rows[1:]]
    assert [r[1:3] for r in rows] == [
        ["Công đoàn cơ sở Bệnh viện Đa khoa tỉnh", "Trang Bệnh viện\nhttps://www.facebook.com/cdbvdk"],
        [
            "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng",
            "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng\nhttps://www.facebook.com/cdcs.thpt.tpcb",
        ],
    ]
    text = _pdf_text(client, reported[1], tmp_path)
    assert "Công đoàn cơ sở Bệnh viện Đa khoa tỉnh Trang Bệnh viện" in text


def test_without_a_number_the_report_leaves_it_for_the_clerk(reported, admin, login, tmp_path):
    client = login(admin)
    cells = _cells(_docx(client, reported[1]))
    number = next(c for c in cells if c.startswith("Số:"))
    assert re.fullmatch(r"Số:\s+/BC-CĐVC", number)
    assert re.search(r"Số:\s+/BC-CĐVC", _pdf_text(client, reported[1], tmp_path))


def test_a_number_entered_on_the_options_page_is_printed(reported, admin, login, tmp_path):
    client = login(admin)
    options = {"number": "7", "recipients": "Ban Thường vụ LĐLĐ tỉnh\nLưu: VT"}
    assert "Số: 07/BC-CĐVC" in _cells(_docx(client, reported[1], **options))
    text = _pdf_text(client, reported[1], tmp_path, number="12/BC-CĐVC", recipients="Ban Thường vụ LĐLĐ tỉnh")
    assert "Số: 12/BC-CĐVC" in text and "- Ban Thường vụ LĐLĐ tỉnh." in text


def test_the_options_page_offers_the_number_and_the_recipients(reported, admin, login):
    task = reported[1]
    page = login(admin).get(reverse("directives:consolidated_export", args=[task.pk])).content.decode()
    assert 'name="number"' in page and "Liên đoàn Lao động tỉnh Cao Bằng (để báo cáo)" in page
    assert reverse("directives:consolidated", args=[task.pk, "pdf"]) in page
    tracking = login(admin).get(reverse("directives:tracking", args=[task.pk])).content.decode()
    assert reverse("directives:consolidated_export", args=[task.pk]) in tracking


@pytest.mark.parametrize("number", ["mười hai", "12 /BC", "1234567", "12/" + "X" * 40, "12/BC/CĐVC"])
def test_a_malformed_number_is_refused_in_vietnamese_and_no_file_is_made(reported, admin, login, number):
    response = login(admin).get(reverse("directives:consolidated", args=[reported[1].pk, "pdf"]), {"number": number})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Hãy ghi số (ví dụ 12)" in page or "không được quá" in page.lower() or "tối đa" in page
    assert 'data-testid="error-summary"' in page


def test_outsiders_get_neither_the_options_page_nor_the_report(reported, kinds, tree, login):
    from loa.accounts.models import Role, User
    from loa.units.services import unit_create

    task = reported[1]
    other = unit_create(
        by=None, parent=tree["province"], kind=kinds["upper"], code="CD-YTE", name="Công đoàn ngành Y tế"
    )
    stranger = User.objects.create_user("stranger", password="x")
    Role.objects.create(user=stranger, unit=other, role="admin")
    client = login(stranger)
    assert client.get(reverse("directives:consolidated_export", args=[task.pk])).status_code == 404
    assert client.get(reverse("directives:consolidated", args=[task.pk, "docx"]), {"number": "12"}).status_code == 404
