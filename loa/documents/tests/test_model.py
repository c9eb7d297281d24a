import datetime

import pytest

from loa.core.files import ascii_filename
from loa.documents.model import (
    BULLET,
    Column,
    FormAttachment,
    OfficialDocument,
    Paragraph,
    TableReport,
    number_line,
    recipient_lines,
    vietnamese_date_line,
)
from loa.documents.samples import seed_letter


@pytest.mark.parametrize(
    "date, expected",
    [
        (datetime.date(2021, 4, 5), "Cao Bằng, ngày 05 tháng 4 năm 2021"),
        (datetime.date(2021, 2, 22), "Cao Bằng, ngày 22 tháng 02 năm 2021"),
        (datetime.date(2021, 1, 5), "Cao Bằng, ngày 05 tháng 01 năm 2021"),
        (datetime.date(2021, 6, 30), "Cao Bằng, ngày 30 tháng 6 năm 2021"),
        (datetime.date(2021, 12, 1), "Cao Bằng, ngày 01 tháng 12 năm 2021"),
        (datetime.date(2021, 3, 10), "Cao Bằng, ngày 10 tháng 3 năm 2021"),
        (datetime.date(2021, 10, 9), "Cao Bằng, ngày 09 tháng 10 năm 2021"),
    ],
)
def test_the_date_line_pads_days_below_ten_and_only_january_and_february(date, expected):
    assert vietnamese_date_line("Cao Bằng", date) == expected


def test_an_undated_draft_leaves_gaps_to_fill_in_by_hand():
    line = vietnamese_date_line("Cao Bằng", None)
    assert line.startswith("Cao Bằng, ngày")
    assert "tháng" in line and "năm" in line
    assert not any(ch.isdigit() for ch in line)


@pytest.mark.parametrize(
    "number, expected",
    [
        ("812/TB-CĐVC", "Số: 812/TB-CĐVC"),
        ("5/CĐVC", "Số: 05/CĐVC"),
        ("5 / KH-CĐVC", "Số: 05/KH-CĐVC"),
        ("Số: 09/TB-CĐVC", "Số: 09/TB-CĐVC"),
        ("10/CĐVC", "Số: 10/CĐVC"),
    ],
)
def test_the_number_line_pads_numbers_below_ten(number, expected):
    assert number_line(number) == expected


def test_a_number_not_yet_given_keeps_a_gap_before_the_symbol():
    line = number_line("/BC-CĐVC")
    assert line.startswith("Số: ") and line.endswith("/BC-CĐVC")
    assert len(line) > len("Số: /BC-CĐVC")


def test_recipients_end_with_semicolons_and_the_last_with_a_full_stop():
    assert recipient_lines(["Như kính gửi;", "- LĐLĐ tỉnh", "Lưu: VT, CĐVC."]) == [
        "- Như kính gửi;",
        "- LĐLĐ tỉnh;",
        "- Lưu: VT, CĐVC.",
    ]


def test_a_cong_van_summary_starts_with_vv():
    doc = seed_letter()
    assert doc.is_cong_van
    assert doc.summary_lines[0] == "V/v đẩy mạnh công tác truyền thông"
    doc.summary = "giao chỉ tiêu năm 2021"
    assert doc.summary_lines == ["V/v giao chỉ tiêu năm 2021"]


def test_a_titled_document_keeps_its_summary_as_it_is():
    doc = seed_letter()
    doc.kind_title, doc.summary = "THÔNG BÁO", "Giao chỉ tiêu nhiệm vụ năm 2021"
    assert doc.summary_lines == ["Giao chỉ tiêu nhiệm vụ năm 2021"]
    assert doc.filename_stem() == "Thông báo số 45-CĐVC ngày 05-04-2021"


def test_bullets_get_their_dash_once():
    assert Paragraph("Mỗi CĐCS lập 01 Trang", kind=BULLET).display_text == "- Mỗi CĐCS lập 01 Trang"
    assert Paragraph("- Mỗi CĐCS", kind=BULLET).display_text == "- Mỗi CĐCS"


def test_it_refuses_a_row_wider_than_the_table():
    with pytest.raises(ValueError):
        TableReport(title="BÁO CÁO", columns=["Stt", "Tên"], rows=[["1", "a", "b"]])


def test_short_rows_are_padded_and_none_is_blank():
    form = FormAttachment(subtitle="x", columns=[Column("Stt"), "Tên", "Ghi chú"], rows=[["01", None]])
    assert form.rows == [["01", "", ""]]


def test_the_file_name_reads_as_the_document_and_has_an_ascii_twin():
    stem = seed_letter().filename_stem()
    assert stem == "Công văn số 45-CĐVC ngày 05-04-2021"
    assert ascii_filename(stem + ".pdf") == "Cong van so 45-CDVC ngay 05-04-2021.pdf"


def test_an_official_document_takes_plain_strings_as_paragraphs():
    doc = OfficialDocument(
        superior_body="a",
        issuing_body="b",
        number="1/X",
        place="Cao Bằng",
        date=None,
        summary="s",
        paragraphs=["Một đoạn."],
    )
    assert doc.paragraphs == [Paragraph("Một đoạn.")]
