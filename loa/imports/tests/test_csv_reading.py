"""csv files as people's programs write them, read by loa.core.readers in the sandbox."""

import pytest

from loa.core import readers

ROWS = [
    ["DANH SÁCH CÔNG ĐOÀN CƠ SỞ"],
    [],
    ["Mã", "Tên công đoàn cơ sở", "Đơn vị cấp trên"],
    ["CS-1", "Trường Mầm non Hoa Sen", "CĐ-VC"],
]


def text(delimiter):
    return "\r\n".join(delimiter.join(row) for row in ROWS) + "\r\n"


def read(data):
    return [row for row in readers.read_table(data, max_rows=10, name="ds.csv") if any(row)]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_a_list_with_a_title_line_is_read_in_its_encoding_and_delimiter(encoding, delimiter):
    assert read(text(delimiter).encode(encoding))[1:] == ROWS[2:]


def test_a_western_european_csv_from_windows_is_read():
    data = "Mã;Tên\r\nX1;Café Señor €\r\n".replace("Mã", "Ma").encode("cp1252")
    assert read(data)[1] == ["X1", "Café Señor €"]


def test_a_stray_control_character_is_removed_and_binary_is_refused():
    assert read(b"Ma,Ten\r\nX1,Tr\x01uong\x0c A\r\n")[1] == ["X1", "Truong A"]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        read(bytes(range(1, 32)) * 200)
