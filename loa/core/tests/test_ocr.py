"""Reading photos and scans with Tesseract in the sandbox: pages turned upright and straightened, a
PDF's first pages only, whatever size they claim, and every hostile or useless picture refused in
Vietnamese within the sandbox's limits, leaving no program running."""

import io
import os
import subprocess
import time
import zlib

import pytest
from django.core.exceptions import ValidationError
from PIL import Image, ImageDraw, ImageFont

from loa.core.ocr import read_scan
from loa.core.tests.hostile import _png
from loa.core.tests.photos import pdf_of_images, photograph, png_bytes

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
TEXT = [
    "Công đoàn cơ sở Trường Mầm non Hòa An",
    "báo cáo kết quả thành lập Trang Fanpage",
    "Người quản trị: Lục Thị Mai",
    "Số điện thoại người quản trị: 0978 123 456",
    "Trang được lập ngày 15 tháng 4 năm 2021",
]


def text_page(lines=TEXT, size=(1240, 1754)):
    """An A4 page at 150 dpi with a few lines of Vietnamese."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 30)
    for index, text in enumerate(lines):
        draw.text((120, 200 + 60 * index), text, fill=0, font=font)
    return image


def words_of(scan):
    return " ".join(w.text for page in scan.pages for w in page.words)


def test_a_photo_taken_sideways_and_askew_is_read_upright_and_straight():
    scan = read_scan(photograph(text_page(), angle=3, turn=90, quality=80), name="anh.jpg")
    (page,) = scan.pages
    assert page.turned in (90, 270) and abs(page.skew + 3) <= 0.5
    assert "Công đoàn cơ sở Trường Mầm non Hòa An" in words_of(scan)
    assert "0978 123 456" in words_of(scan)


def test_a_blank_page_has_no_words_and_no_angle():
    scan = read_scan(png_bytes(Image.new("L", (1240, 1754), 255)), name="trang.png")
    assert scan.pages[0].words == [] and scan.pages[0].skew == 0 and scan.pages[0].turned == 0


def test_only_the_first_pages_of_a_long_pdf_are_read(settings):
    settings.OCR_MAX_PAGES = 2
    blank = Image.new("L", (620, 877), 255)
    scan = read_scan(pdf_of_images([text_page(), blank, blank, blank, blank], dpi=150), name="scan.pdf")
    assert scan.kind == "pdf" and scan.page_count == 5
    assert [page.number for page in scan.pages] == [1, 2]
    assert "Lục Thị Mai" in words_of(scan)


def test_a_pdf_page_claiming_to_be_metres_wide_is_read_at_an_a4_size():
    buffer = io.BytesIO()
    text_page().save(buffer, "PDF", resolution=1)  # 1240 × 1754 inches
    scan = read_scan(buffer.getvalue(), name="to.pdf")
    assert max(scan.pages[0].width, scan.pages[0].height) <= 3600
    assert "Lục Thị Mai" in words_of(scan)


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("nho.png", png_bytes(Image.new("L", (300, 200), 255)), "quá nhỏ"),
        ("bom.png", _png(100_000, 100_000, zlib.compress(b"\x00" * 1024)), "quá lớn"),
        ("hong.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "không có trang nào đọc được"),
        ("hong.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 2000, "không đọc được"),
        ("bang.xlsx", b"PK\x03\x04" + b"\x00" * 100, "không phải loại tệp"),
    ],
)
def test_what_is_not_a_readable_picture_or_pdf_is_refused_in_vietnamese(name, data, says):
    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        read_scan(data, name=name)
    assert says in refused.value.messages[0] and name in refused.value.messages[0]
    assert time.monotonic() - started < 10


def _tesseracts():
    """The Tesseract processes this test process may have left: those below it, and orphans (whose
    parent died: what a read stopped the wrong way leaves). Another test worker's Tesseract, running at
    the same time under its own process, is not ours."""
    table = subprocess.run(["ps", "-eo", "pid=,ppid=,comm="], capture_output=True, text=True, check=False).stdout
    parent, name = {}, {}
    for line in table.splitlines():
        pid, ppid, comm = line.split(None, 2)
        parent[pid], name[pid] = ppid, comm.strip()
    me = str(os.getpid())

    def ours(pid):
        while pid in parent and pid not in ("0", "1"):
            pid = parent[pid]
            if pid == me:
                return True
        return False

    return {pid for pid in parent if name[pid] == "tesseract" and (parent[pid] == "1" or ours(pid))}


def test_a_read_that_runs_out_of_time_stops_tesseract_and_says_so(settings):
    settings.PARSE_TIMEOUT_SECONDS = 3  # the child keeps 2 s for itself: Tesseract gets 1 s, far too little
    before = _tesseracts()
    page = text_page(TEXT * 8)
    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        read_scan(photograph(page, quality=90), name="day.jpg")
    assert "quá lớn hoặc quá phức tạp" in refused.value.messages[0]
    assert time.monotonic() - started < 6
    deadline = time.monotonic() + 3
    while _tesseracts() - before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _tesseracts() - before
