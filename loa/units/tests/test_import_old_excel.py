"""An old Excel 97–2003 file (.xls), as many offices still save their lists, reads as an xlsx does;
an old Word file (.doc) sent instead is refused with a clear message."""

import io
from datetime import date

import pytest
import xlwt
from django.core.exceptions import ValidationError
from django.utils import translation

from loa.core.readers import read_table
from loa.jobs.models import Job
from loa.units.models import Unit
from loa.units.tests.test_import_province_lists import CAO_BANG, TITLES, stored_cd_vc, upload  # noqa: F401

pytestmark = pytest.mark.django_db


def old_excel(rows, titles=TITLES):
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Danh sách")
    sheet.write_merge(0, 0, 0, 3, "LIÊN ĐOÀN LAO ĐỘNG TỈNH CAO BẰNG")
    sheet.write_merge(1, 1, 0, 3, "DANH SÁCH CÔNG ĐOÀN CƠ SỞ")
    for column, title in enumerate(titles):
        sheet.write(3, column, title)
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate([number, *row]):
            sheet.write(3 + number, column, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_old_excel_file_reads_with_its_letters_numbers_and_dates():
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Trang 1")
    sheet.write(0, 0, "Tên công đoàn cơ sở")
    sheet.write(1, 0, "Công đoàn cơ sở Trường THPT Hòa An")
    sheet.write(1, 1, 61)
    sheet.write(1, 2, date(2021, 2, 22), xlwt.easyxf(num_format_str="DD/MM/YYYY"))
    buffer = io.BytesIO()
    book.save(buffer)
    with read_table(buffer.getvalue(), max_rows=10, name="danh-sach.xls") as table:
        rows = list(table)
    assert table.kind == "xls" and table.sheet == "Trang 1"
    assert rows[0][0] == "Tên công đoàn cơ sở"
    name, members, day = rows[1][:3]
    assert (name, members, day) == ("Công đoàn cơ sở Trường THPT Hòa An", 61, date(2021, 2, 22))


def test_a_province_list_saved_as_xls_imports_like_the_xlsx(admin, stored_cd_vc, login):  # noqa: F811
    client = login(admin)
    upload(client, old_excel(CAO_BANG), name="danh-sach-cdcs.xls")
    check = Job.objects.get()
    assert check.result["error_count"] == 0 and check.result["header_row"] == 4 and check.result["created"] == 3
    client.post(f"/units/import/{check.pk}/commit/", {"same_CS-M2": str(stored_cd_vc["b"].pk)})
    assert Unit.objects.filter(code__in=["CS-M1", "CS-M3"]).count() == 2


def test_an_old_word_file_is_refused_with_a_clear_message():
    # An OLE compound file that holds no workbook: what an old .doc is to a spreadsheet reader.
    data = bytearray(old_excel(CAO_BANG))
    at = data.find("Workbook".encode("utf-16-le"))
    data[at : at + 16] = "WordDocu".encode("utf-16-le")
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        read_table(bytes(data), max_rows=10, name="danh-sach.doc")
    assert "không phải loại tệp cần dùng ở đây (Excel (.xlsx), Excel 97–2003 (.xls)" in refused.value.messages[0]
