"""Reading returned forms and matching them to units, without the database where possible."""

import io
from types import SimpleNamespace

import pytest
from openpyxl import Workbook

from loa.core.phones import split_phones
from loa.core.text import sort_key
from loa.directives.matching import core_name, match_unit, words
from loa.directives.returned_forms import header_fields, parse_form


def unit(pk, code, name):
    return SimpleNamespace(pk=pk, code=code, name=name, short_name="", name_sort=sort_key(name))


UNITS = [
    unit(1, "CS-A", "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng"),
    unit(2, "CS-J", "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng số 2"),
    unit(3, "CS-C", "Công đoàn cơ sở Trường THCS Thành phố Cao Bằng"),
    unit(4, "CS-B", "Công đoàn cơ sở Bệnh viện Đa khoa tỉnh"),
    unit(5, "CS-G", "Công đoàn cơ sở Trường Mầm non Hòa An"),
    unit(6, "CS-K", "Công đoàn cơ sở Trường Tiểu học Hòa An"),
]


@pytest.mark.parametrize(
    "cells, fields",
    [
        (
            ["Stt", "Tên Trang Fanpage", "Người quản trị", "Số điện thoại người quản trị", "Ghi chú"],
            ["stt", "name", "admin_name", "admin_phone", "note"],
        ),
        (
            ["TT", "Tên trang", "Link", "Người QT", "SĐT", "Ghi chú"],
            ["stt", "name", "url", "admin_name", "admin_phone", "note"],
        ),
        (
            ["STT", "TEN TRANG FANPAGE", "NGUOI QUAN TRI", "DIEN THOAI", ""],
            ["stt", "name", "admin_name", "admin_phone"],
        ),
        (
            ["Số TT", "Tên Fanpage", "Địa chỉ Trang (link)", "Họ tên người quản trị", "ĐT"],
            ["stt", "name", "url", "admin_name", "admin_phone"],
        ),
    ],
)
def test_it_recognises_the_header_however_it_is_worded(cells, fields):
    assert list(header_fields(cells).values()) == fields


def test_a_title_row_is_not_a_header():
    assert header_fields(["BIỂU MẪU BÁO CÁO Kết quả thành lập Trang Fanpage Công đoàn cơ sở"]) == {}
    assert header_fields(["Người quản trị", ""]) == {}


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("0912.345.678 - 0206 3852 123", ["0912.345.678", "0206 3852 123"]),
        ("ĐT: 0912 345 678", ["0912 345 678"]),
        ("0912345678 hoặc 0978123456", ["0912345678", "0978123456"]),
        ("0912 345 678", ["0912 345 678"]),
        ("", []),
    ],
)
def test_it_splits_a_phone_cell_into_numbers(raw, expected):
    assert split_phones(raw) == expected


def test_abbreviations_are_written_out():
    assert words("CĐCS Trường THPT TP. Cao Bằng") == "cong doan co so truong thpt thanh pho cao bang"
    assert core_name("Công đoàn cơ sở Bệnh viện Đa khoa tỉnh") == "benh vien da khoa tinh"
    assert words("CĐ cơ sở BVĐK tỉnh") == "cong doan co so benh vien da khoa tinh"


def test_the_longer_name_wins_over_a_name_it_contains():
    found = match_unit(
        lines=["CÔNG ĐOÀN CƠ SỞ TRƯỜNG THPT THÀNH PHỐ CAO BẰNG SỐ 2"], file_name="x.xlsx", recipients=UNITS
    )
    assert found.unit.code == "CS-J" and found.method == "content"
    found = match_unit(lines=["CĐCS Trường THPT TP Cao Bằng"], file_name="x.xlsx", recipients=UNITS)
    assert found.unit.code == "CS-A"


def test_upper_case_without_accents_matches():
    found = match_unit(
        lines=["CONG DOAN CO SO BENH VIEN DA KHOA TINH"], file_name="bao cao fanpage.xlsx", recipients=UNITS
    )
    assert found.unit.code == "CS-B"


def test_a_code_wins_over_names():
    found = match_unit(lines=["Đơn vị: CS-C", "Trường THPT Thành phố Cao Bằng"], file_name="x.xlsx", recipients=UNITS)
    assert (found.unit.code, found.method) == ("CS-C", "code")


def test_two_units_named_is_ambiguous_unless_the_file_name_decides():
    lines = ["CĐCS Trường Mầm non Hòa An", "CĐCS Trường Tiểu học Hòa An"]
    found = match_unit(lines=lines, file_name="bao cao.docx", recipients=UNITS)
    assert found.unit is None and found.method == "ambiguous"
    assert {u.code for u in found.candidates} == {"CS-G", "CS-K"}
    found = match_unit(lines=lines, file_name="BC_mam_non_Hoa_An.docx", recipients=UNITS)
    assert found.unit.code == "CS-G" and found.method == "file_name"


def test_the_file_name_alone_can_match():
    found = match_unit(lines=["BIỂU MẪU BÁO CÁO"], file_name="CDCS Truong Tieu hoc Hoa An.xlsx", recipients=UNITS)
    assert (found.unit.code, found.method) == ("CS-K", "file_name")


def test_no_match_offers_the_closest_units():
    found = match_unit(lines=["Công đoàn trường Hòa An"], file_name="bc.xlsx", recipients=UNITS)
    assert found.unit is None and found.method == "none"
    assert {u.code for u in found.candidates} <= {"CS-G", "CS-K"} and found.candidates


def test_only_recipients_are_matched():
    found = match_unit(lines=["CĐCS Trường THCS Thành phố Cao Bằng"], file_name="x.xlsx", recipients=UNITS[:2])
    assert found.unit is None


def _xlsx(rows, merges=()):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_a_value_merged_down_rows_fills_each_row_and_a_repeated_header_is_skipped():
    header = ["Stt", "Tên Trang Fanpage", "Người quản trị", "Số điện thoại", "Ghi chú"]
    data = _xlsx(
        [header, header, [1, "Công đoàn A", "Lê Văn Tám", "0912345678", "Ghi chú dài"], [None, None, None, None, None]],
        merges=["E3:E4"],
    )
    parsed = parse_form(data)
    assert parsed["header_row"] == 1
    assert [r["row"] for r in parsed["rows"]] == [3]
    assert parsed["rows"][0]["note"] == "Ghi chú dài"


def test_a_file_without_the_form_table_says_so():
    parsed = parse_form(_xlsx([["Kính gửi CĐVC tỉnh"], ["Đơn vị đã lập trang fb.com/abc.def"]]))
    assert parsed["error"] == "no_table" and parsed["urls"] == ["fb.com/abc.def"]


def test_a_broken_file_is_unreadable_not_a_crash():
    parsed = parse_form(io.BytesIO(b"PK\x03\x04 not really a zip"), name="hong.xlsx")
    assert parsed["error"] == "refused" and "“hong.xlsx” không đọc được" in parsed["detail"]
