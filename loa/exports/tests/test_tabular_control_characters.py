"""Text that reached the database with control characters still exports: they are removed on the way
out, Word's line break \\x0b becomes a line break, and a damaged number is an Excel error, not a 500."""

import csv
import io
from decimal import Decimal

import openpyxl

from loa.exports.tabular import Column, export_response

HOSTILE = "Công đoàn" + "".join(map(chr, range(32))) + "\x7f\ufffe\uffff cơ sở\x0bdòng hai"
CLEAN = "Công đoàn\t\n\n\n cơ sở\ndòng hai"  # tab, \n, \x0b and \r kept as whitespace and line breaks
COLUMNS = [Column("name", "Tên\x00 đơn vị"), Column("points", "Điểm")]


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_an_xlsx_with_every_control_character_opens_back_with_the_text_minus_the_controls():
    response = export_response(
        "xlsx",
        "Danh sách\x0b đơn vị\n",
        COLUMNS,
        [{"name": HOSTILE, "points": 7}],
        title_lines=[f"Tiêu đề {HOSTILE}"],
        sheet_title="Đơn\x00 vị\n2021",
    )
    assert "Danh%20s%C3%A1ch%20%C4%91%C6%A1n%20v%E1%BB%8B.xlsx" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(_body(response)))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "Đơn vị 2021"
    assert rows[0][0] == f"Tiêu đề {CLEAN}"
    assert rows[2] == ("Tên đơn vị", "Điểm")
    assert rows[3] == (CLEAN, 7)


def test_a_csv_with_every_control_character_keeps_only_tab_and_line_breaks():
    response = export_response("csv", "Danh sách", COLUMNS, [(HOSTILE, 7)])
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))
    assert rows == [["Tên đơn vị", "Điểm"], [CLEAN, "7"]]


def test_a_file_name_with_a_line_break_is_sent_on_one_line():
    # An ASCII name with a line break used to make Django refuse the header (a 500).
    response = export_response("csv", "Theo doi - Bao cao\nFanpage", COLUMNS, [])
    assert 'filename="Theo doi - Bao cao Fanpage.csv"' in response["Content-Disposition"]


def test_a_number_that_is_not_finite_is_an_excel_error_not_a_500():
    response = export_response("xlsx", "Điểm", COLUMNS, [("A", Decimal("NaN")), ("B", float("inf"))])
    rows = list(openpyxl.load_workbook(io.BytesIO(_body(response))).active.iter_rows(values_only=True))
    assert (rows[1][1], rows[2][1]) == ("=#NUM!", "=1/0")  # XlsxWriter writes them as formulas Excel shows as errors
