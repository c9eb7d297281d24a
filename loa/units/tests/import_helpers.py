"""Building unit files for the import tests."""

import csv
import io
import unicodedata

from openpyxl import Workbook

HEADER = [
    "Mã đơn vị",
    "Tên đơn vị",
    "Tên viết tắt",
    "Loại",
    "Mã đơn vị cấp trên",
    "Số đoàn viên",
    "Số CCVCLĐ",
    "Địa chỉ",
    "Người liên hệ",
    "Điện thoại",
    "Email",
    "Hoạt động từ",
    "Hoạt động đến",
]


def row(
    code, name, parent, *, kind="cdcs", members=10, staff=12, phone="0912 345 678", email="", start="", end="", short=""
):
    return [code, name, short, kind, parent, members, staff, "Cao Bằng", "Nguyễn Văn A", phone, email, start, end]


def xlsx(rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, header=HEADER, delimiter=",", encoding="utf-8-sig"):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    for r in rows:
        writer.writerow(r)
    text = buffer.getvalue()
    if encoding == "cp1258":
        return b"".join(_cp1258(ch) for ch in text)
    return text.encode(encoding)


def _cp1258(ch):
    """Windows-1258 has ư, ơ, â… but writes tones as combining marks: "ữ" is "ư" + tilde."""
    try:
        return ch.encode("cp1258")
    except UnicodeEncodeError:
        tones = "\u0300\u0301\u0303\u0309\u0323"
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        return (base + "".join(c for c in parts if c in tones)).encode("cp1258")
