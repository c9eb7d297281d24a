"""Reading uploads into plain data in the sandbox: tables, workbooks, Word files and pictures."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import Workbook
from PIL import Image

from loa.core import readers
from loa.core.tests.hostile import corpus, png_bytes

LOA = Path(__file__).resolve().parents[2]


def _book(fill):
    book = Workbook()
    fill(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_sheet_is_read_from_a1_with_whole_numbers_as_integers_and_dates_as_dates():
    def fill(book):
        sheet = book.active
        sheet.title = "Đơn vị"
        sheet["C3"], sheet["D3"] = "Mã", "Số"
        sheet["C4"], sheet["D4"], sheet["E4"] = "CS-A", 60, datetime.date(2021, 4, 5)
        sheet["D5"] = 2.5

    with readers.read_table(_book(fill), max_rows=10, name="don-vi.xlsx") as table:
        assert (table.kind, table.height, table.sheet) == ("xlsx", 5, "Đơn vị")
        rows = list(table)
    assert rows[2] == ["", "", "Mã", "Số", ""]
    assert rows[3] == ["", "", "CS-A", 60, datetime.date(2021, 4, 5)] and type(rows[3][3]) is int
    assert rows[4][3] == 2.5


@pytest.mark.parametrize(("encoding", "delimiter"), [("utf-8-sig", ";"), ("utf-8", ","), ("utf-16", "\t")])
def test_a_csv_is_read_in_its_encoding_with_its_delimiter(encoding, delimiter):
    text = (
        delimiter.join(["Mã đơn vị", "Tên đơn vị"])
        + "\r\n"
        + delimiter.join(["CS-A", '"Trường A\r\nCơ sở 2"'])
        + "\r\n"
    )
    rows = list(readers.read_table(text.encode(encoding), max_rows=10, name="a.csv"))
    assert rows == [["Mã đơn vị", "Tên đơn vị"], ["CS-A", "Trường A\nCơ sở 2"]]  # line ends made \n, as in every input


def test_a_windows_1258_csv_comes_out_in_composed_vietnamese():
    from loa.units.tests.import_helpers import csv_bytes

    rows = list(
        readers.read_table(csv_bytes([["Trường Mầm non Sông Bằng"]], header=["Tên"], encoding="cp1258"), max_rows=10)
    )
    assert rows[1] == ["Trường Mầm non Sông Bằng"]


def test_a_table_longer_than_allowed_is_refused_with_its_limit():
    with pytest.raises(ValidationError) as exc:
        list(readers.read_table(b"a;b\n" * 12, max_rows=10, name="dai.csv"))
    assert exc.value.code == "too_many_rows"
    assert exc.value.messages == [
        "Tệp “dai.csv” có hơn 10 dòng: hãy chia thành các tệp nhỏ hơn và nhập lần lượt từng tệp."
    ]
    data = _book(lambda book: [book.active.append([i]) for i in range(20)])
    with pytest.raises(ValidationError) as exc:
        readers.read_table(data, max_rows=10, name="dai.xlsx")
    assert "Trang tính “Sheet” của tệp “dai.xlsx” có hơn 10 dòng" in exc.value.messages[0]


def test_a_cell_far_too_long_names_its_row():
    with pytest.raises(ValidationError) as exc:
        list(readers.read_table(b'a;b\nc;"' + b"x" * 200_000 + b'"\n', max_rows=10, name="o.csv"))
    assert exc.value.code == "bad_row"
    assert "ở dòng 2" in exc.value.messages[0]


def test_an_upload_is_read_from_the_file_and_judged_by_its_content():
    upload = SimpleUploadedFile("bao-cao.xlsx", b"%PDF-1.7 not a sheet")
    with pytest.raises(ValidationError) as exc:
        readers.read_table(upload, max_rows=10)
    assert exc.value.code == "wrong_kind" and "“bao-cao.xlsx”" in exc.value.messages[0]


def test_a_workbook_gives_its_visible_sheets_with_their_merged_cells():
    def fill(book):
        sheet = book.active
        sheet["A1"] = "CĐCS TRƯỜNG THPT"
        sheet.merge_cells("A1:C1")
        sheet["B3"] = 912345678
        hidden = book.create_sheet("Ẩn")
        hidden.sheet_state = "hidden"
        hidden["A1"] = "bí mật"

    kind, sheets = readers.read_office(_book(fill), name="mau.xlsx")
    assert kind == "xlsx"
    assert [s["title"] for s in sheets] == ["Sheet"]
    assert sheets[0]["rows"] == [["CĐCS TRƯỜNG THPT", ""], ["", ""], ["", 912345678]]  # as wide as the values
    assert sheets[0]["merged"] == [((0, 0), (0, 2))]


def test_a_word_file_gives_its_paragraphs_tables_header_and_pictures():
    document = Document()
    document.sections[0].header.paragraphs[0].text = "CÔNG ĐOÀN VIÊN CHỨC TỈNH"
    document.add_heading("Hội thi cắm hoa", level=1)
    document.add_paragraph("Sáng 8/3, Công đoàn cơ sở đã tổ chức hội thi.")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Tên Trang"
    table.cell(1, 2).text = "0912 345 678"
    document.add_picture(io.BytesIO(_jpeg(40, 20)))
    buffer = io.BytesIO()
    document.save(buffer)

    kind, found = readers.read_office(buffer.getvalue(), name="bai.docx")
    assert kind == "docx"
    assert found["headers"][0] == "CÔNG ĐOÀN VIÊN CHỨC TỈNH"
    assert found["blocks"][0] == {"text": "Hội thi cắm hoa", "style": "Heading 1"}
    assert found["blocks"][2] == {"rows": [["Tên Trang", ""], ["", "", "0912 345 678"]]}
    assert found["images"] == []
    pictures = readers.read_docx(buffer.getvalue(), images=True)["images"]
    assert len(pictures) == 1 and pictures[0]["data"].startswith(b"\xff\xd8")


def _jpeg(width, height, orientation=None):
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_a_picture_is_decoded_upright_and_shrunk_in_the_sandbox():
    decoded = readers.decode_image(_jpeg(800, 400, orientation=6), max_side=200, name="anh.jpg")
    assert (decoded.kind, decoded.width, decoded.height) == ("jpeg", 800, 400)
    assert decoded.size == (100, 200)  # turned a quarter, then shrunk to fit 200
    image = decoded.image()
    assert image.mode == "RGB" and image.size == (100, 200)


def test_a_transparent_png_keeps_its_transparency():
    image = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    assert readers.decode_image(buffer.getvalue(), max_side=100).mode == "RGBA"


def test_a_picture_declaring_too_many_pixels_is_refused_before_it_is_decoded():
    name, data = corpus()["png of 100000×100000 pixels"]
    with pytest.raises(ValidationError) as exc:
        readers.image_size(data, name=name)
    assert exc.value.messages == ["Ảnh “bom.png” có kích thước 100000×100000 điểm ảnh: quá lớn."]
    assert readers.image_size(png_bytes(4, 3)) == ("png", 4, 3)


def test_a_damaged_picture_is_refused():
    with pytest.raises(ValidationError) as exc:
        readers.image_size(png_bytes()[:40], name="hong.png")
    assert exc.value.code == "unreadable"


def test_openpyxl_would_read_sheets_with_defusedxml_and_other_parts_without_entities():
    """Checked once, for whoever reads an xlsx with openpyxl: it uses defusedxml's iterparse for the
    sheets, but lxml (entities not resolved, DTDs still parsed) for the other parts. Loa reads uploads
    with calamine, after the zip check has refused any DTD."""
    from defusedxml.ElementTree import iterparse as defused_iterparse
    from openpyxl.xml import DEFUSEDXML, LXML, functions

    assert DEFUSEDXML and LXML
    assert functions.iterparse is defused_iterparse
    root = functions.fromstring(
        b'<!DOCTYPE x [<!ENTITY a "lol"><!ENTITY e SYSTEM "file:///etc/hostname">]><x>&a;&e;</x>'
    )
    assert root.text is None and "lol" not in functions.tostring(root).decode()


def test_no_code_parses_a_file_outside_the_sandboxs_readers():
    """Only the child's side of readers.py, safezip.py and ocr.py (photos and scans read with OCR) open
    workbooks, Word files, pictures or zips."""
    opened = re.compile(
        r"load_workbook\(|CalamineWorkbook|docx\.Document\(|\bDocument\((?!\))|Image\.open\("
        # A zip opened for writing (exports/sheet_writer.py writes the xlsx) reads nothing of anyone's.
        r"|zipfile\.ZipFile\((?![^)]*,\s*[\"']w[\"'])"
    )
    allowed = {LOA / "core" / "readers.py", LOA / "core" / "safezip.py", LOA / "core" / "ocr.py"}
    found = [
        f"{path.relative_to(LOA)}:{number}"
        for path in LOA.rglob("*.py")
        if "tests" not in path.parts and path not in allowed
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if opened.search(line)
    ]
    assert found == []
