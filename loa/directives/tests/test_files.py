"""Every generated file is opened back and checked."""

import io
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from loa.directives import services
from loa.directives.models import Assignment
from loa.directives.tests.factories import DEADLINE, GOOD_PAGE, fanpage_letter

REPORT_HEADERS = [
    "Stt",
    "Tên Công đoàn cơ sở",
    "Tên Trang Fanpage",
    "Người quản trị",
    "Số điện thoại người quản trị",
    "Ghi chú",
]


@pytest.fixture
def reported(tree, admin, alice, bob):
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
        data=dict(
            GOOD_PAGE,
            name="Công đoàn Bệnh viện Đa khoa tỉnh Cao Bằng",
            url="fb.com/cdbvdk",
            admin_name="Lường Thị Thuỷ",
            admin_phone="0206 3852 123",
        ),
        at=DEADLINE + timedelta(days=1),
    )
    return directive, task


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if hasattr(response, "streaming_content") else response.content


def _docx_table_rows(content):
    doc = Document(io.BytesIO(content))
    table = next(t for t in doc.tables if [c.text for c in t.rows[0].cells][:1] == ["Stt"])
    return [[c.text for c in row.cells] for row in table.rows]


def test_the_consolidated_xlsx_names_each_unit_beside_its_page_one_row_per_reporting_unit(reported, admin, login):
    _, task = reported
    content = _get(login(admin), reverse("directives:consolidated", args=[task.pk, "xlsx"]))
    rows = [list(r) for r in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "Stt")
    assert rows[0][0] == "BÁO CÁO TỔNG HỢP"
    assert rows[header_at] == REPORT_HEADERS
    body = rows[header_at + 1 :]
    assert len(body) == 2
    assert body[0][1] == "Công đoàn cơ sở Bệnh viện Đa khoa tỉnh"  # Vietnamese order: B… < T…
    assert body[0][2].startswith("Công đoàn Bệnh viện Đa khoa tỉnh Cao Bằng")
    assert body[0][4] == "0206 3852 123"
    assert "https://www.facebook.com/cdcs.thpt.tpcb" in body[1][2]


def test_the_consolidated_docx_has_the_reports_six_columns(reported, admin, login):
    _, task = reported
    rows = _docx_table_rows(_get(login(admin), reverse("directives:consolidated", args=[task.pk, "docx"])))
    assert rows[0] == REPORT_HEADERS
    assert len(rows) == 3
    assert rows[2][3] == "Hoàng Thị An"


def test_the_consolidated_pdf_keeps_vietnamese_names_and_embeds_its_fonts(reported, admin, login, tmp_path):
    _, task = reported
    path = tmp_path / "tonghop.pdf"
    path.write_bytes(_get(login(admin), reverse("directives:consolidated", args=[task.pk, "pdf"])))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())  # a cell's words wrap over lines
    assert "BIỂU MẪU" in text or "BÁO CÁO TỔNG HỢP" in text
    assert "Lường Thị" in text and "Thuỷ" in text and "Hoàng Thị An" in text  # every letter intact
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)  # the "emb" column


def test_an_officer_gets_only_their_own_row_in_the_consolidated_report(reported, alice, login):
    _, task = reported
    content = _get(login(alice), reverse("directives:consolidated", args=[task.pk, "xlsx"]))
    values = [c for r in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True) for c in r if c]
    assert "Hoàng Thị An" in values and "Lường Thị Thuỷ" not in values


def test_the_directive_downloads_as_an_official_document(reported, admin, login):
    directive, _ = reported
    doc = Document(io.BytesIO(_get(login(admin), reverse("directives:document", args=[directive.pk, "docx"]))))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells
    )
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Số: 45/CV-CĐVC" in text
    assert "Ngọc Văn Phán" in text
    assert "BIỂU MẪU BÁO CÁO" in text  # the Fanpage form is attached


def test_a_unit_downloads_its_own_prefilled_form(reported, tree, alice, bob, login):
    _, task = reported
    url = reverse("directives:unit_form", args=[task.pk, tree["a"].pk, "docx"])
    rows = _docx_table_rows(_get(login(alice), url))
    assert len(rows) == 2 and rows[1][2] == "Hoàng Thị An"
    assert login(bob).get(url).status_code == 404


def test_the_tracking_list_exports_with_its_filters(reported, admin, login):
    _, task = reported
    content = _get(login(admin), reverse("directives:tracking_export", args=[task.pk, "xlsx"]) + "?state=late")
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "Mã đơn vị")  # below the title and the tree's line
    assert "Cây đơn vị: năm 2021" in [r[0] for r in rows[:header]]
    assert rows[header][:4] == ("Mã đơn vị", "Đơn vị", "Đơn vị cấp trên", "Tình trạng")
    assert [r[0] for r in rows[header + 1 :]] == ["CS-B"]


def test_outsiders_get_no_files(reported, kinds, tree, client, login):
    from loa.accounts.models import Role, User
    from loa.units.services import unit_create

    directive, task = reported
    other = unit_create(
        by=None, parent=tree["province"], kind=kinds["upper"], code="CD-YTE", name="Công đoàn ngành Y tế"
    )
    stranger = User.objects.create_user("stranger", password="x")
    Role.objects.create(user=stranger, unit=other, role="admin")
    c = login(stranger)
    for url in [
        reverse("directives:document", args=[directive.pk, "pdf"]),
        reverse("directives:consolidated", args=[task.pk, "xlsx"]),
        reverse("directives:tracking_export", args=[task.pk, "csv"]),
    ]:
        assert c.get(url).status_code == 404, url
