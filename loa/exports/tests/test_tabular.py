import csv
import gc
import io
import weakref
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.http import Http404

from loa.exports.tabular import Column, export_response

COLUMNS = [
    Column("code", "Mã"),
    Column("name", "Tên đơn vị"),
    Column("members", "Số đoàn viên"),
    Column("since", "Hoạt động từ"),
]
ROWS = [
    {
        "code": "CS-A",
        "name": "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng",
        "members": 60,
        "since": date(2021, 4, 5),
    },
    {"code": "CS-B", "name": "Công đoàn cơ sở Bệnh viện Đa khoa tỉnh", "members": 300, "since": None},
    ("CS-Đ", "Ủy ban Nhân dân xã Đức Long", 12, date(2025, 7, 1)),
]


def _body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _xlsx(response):
    return openpyxl.load_workbook(io.BytesIO(_body(response)))


def _csv(response):
    body = _body(response)
    assert body.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_xlsx_opens_back_with_headers_text_and_real_dates():
    response = export_response("xlsx", "Danh sách đơn vị", COLUMNS, ROWS)
    ws = _xlsx(response).active

    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("Mã", "Tên đơn vị", "Số đoàn viên", "Hoạt động từ")
    assert len(rows) == 1 + len(ROWS)
    assert rows[1][1] == "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng"
    assert rows[3][:3] == ("CS-Đ", "Ủy ban Nhân dân xã Đức Long", 12)
    assert rows[1][3] == datetime(2021, 4, 5)  # a real Excel date, not text
    assert ws["D2"].number_format == "DD/MM/YYYY"
    assert rows[2][3] is None


def test_the_xlsx_header_is_bold_and_frozen_and_columns_are_wide_enough():
    ws = _xlsx(export_response("xlsx", "units", COLUMNS, ROWS)).active

    assert ws["A1"].font.b and ws["B1"].font.b
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width >= len("Công đoàn cơ sở Trường THPT Thành phố Cao Bằng")
    assert ws.column_dimensions["A"].width < 15


def test_the_csv_opens_back_in_utf8_with_dates_as_people_write_them():
    rows = _csv(export_response("csv", "Danh sách đơn vị", COLUMNS, ROWS))

    assert rows[0] == ["Mã", "Tên đơn vị", "Số đoàn viên", "Hoạt động từ"]
    assert rows[1] == ["CS-A", "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng", "60", "05/04/2021"]
    assert rows[2][3] == ""
    assert rows[3][1] == "Ủy ban Nhân dân xã Đức Long"
    assert len(rows) == 1 + len(ROWS)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_vietnamese_file_name_reaches_the_browser(fmt):
    response = export_response(fmt, "Danh sách đơn vị", COLUMNS, ROWS)

    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"filename*=UTF-8''Danh%20s%C3%A1ch%20%C4%91%C6%A1n%20v%E1%BB%8B.{fmt}" in disposition
    assert f'filename="Danh sach don vi.{fmt}"' in disposition  # for clients that ignore filename*
    assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "private"


def test_an_unknown_format_is_not_found():
    with pytest.raises(Http404):
        export_response("pdf", "units", COLUMNS, ROWS)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_text_that_looks_like_a_formula_stays_text(fmt):
    rows = [{"code": '=HYPERLINK("http://x")', "name": "+84912345678", "members": 1, "since": None}]
    response = export_response(fmt, "units", COLUMNS, rows)
    if fmt == "xlsx":
        ws = _xlsx(response).active
        assert ws["A2"].data_type == "s" and ws["A2"].value == '=HYPERLINK("http://x")'
        assert ws["B2"].value == "+84912345678"
    else:
        assert _csv(response)[1][:2] == ['\'=HYPERLINK("http://x")', "+84912345678"]


def test_aware_datetimes_are_written_in_vietnam_time():
    columns = [Column("at", "Lúc")]
    at = datetime(2021, 4, 5, 1, 30, tzinfo=ZoneInfo("UTC"))
    ws = _xlsx(export_response("xlsx", "log", columns, [{"at": at}])).active
    assert ws["A2"].value == datetime(2021, 4, 5, 8, 30)
    assert _csv(export_response("csv", "log", columns, [{"at": at}]))[1] == ["05/04/2021 08:30"]


class Row(dict):
    """A row dict that can be watched with a weak reference."""


class CountingRows:
    """50,000 rows produced one at a time, counting how many have been read and, once the last
    one is read, how many of them the exporter still holds."""

    def __init__(self, n=50_000):
        self.n, self.read, self.held_at_end = n, 0, None

    def __iter__(self):
        refs = []
        for i in range(self.n):
            self.read += 1
            row = Row(
                code=f"CS-{i:05d}", name=f"Công đoàn cơ sở Trường số {i} xã Đức Long", members=i, since=date(2021, 1, 1)
            )
            refs.append(weakref.ref(row))
            yield row
            del row
        gc.collect()
        self.held_at_end = sum(1 for ref in refs if ref() is not None)


def test_a_long_csv_streams_rows_as_the_client_reads_them():
    rows = CountingRows()
    response = export_response("csv", "units", COLUMNS, rows)

    assert response.streaming
    assert rows.read == 0, "nothing is read before the client asks"
    chunks = iter(response.streaming_content)
    next(chunks)
    assert 0 < rows.read < 5_000, "the first chunk goes out long before the last row is read"
    rest = b"".join(chunks)
    assert rows.read == 50_000
    assert rows.held_at_end < 100
    assert rest.count(b"\r\n") > 49_000


def test_a_long_xlsx_is_written_without_holding_the_rows_in_memory():
    rows = CountingRows()
    response = export_response("xlsx", "units", COLUMNS, rows)

    assert rows.read == 50_000
    # Only the first rows, read to size the columns, may still be held when the last is read.
    assert rows.held_at_end <= 250, f"{rows.held_at_end} rows still held"
    # Parsing 50,000 rows back with openpyxl is slow; the sheet's XML tells enough.
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<row ") == 50_001
    assert '<row r="50001"><c r="A50001" t="inlineStr"><is><t>CS-49999</t>' in sheet
    response.file_to_stream.close()
