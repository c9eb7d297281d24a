"""Make the folder of messy returned forms the import tests read.

Run from the worktree: `.venv/bin/python loa/directives/tests/returned_forms/make_samples.py`.
Each file imitates a way units really fill the Fanpage report form by hand; `EXPECTED` in
test_import_forms.py says which unit each file is from and what is wrong with it.
"""

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
NAME_HEADER = "Tên Trang Fanpage\n(ví dụ: Công đoàn cơ sở Văn phòng Tỉnh ủy Cao Bằng)"
SEED_HEADER = ["Stt", NAME_HEADER, "Người quản trị", "Số điện thoại người quản trị", "Ghi chú"]
LOA_HEADER = ["Stt", NAME_HEADER, "Địa chỉ Trang (link)", "Người quản trị", "Số điện thoại người quản trị", "Ghi chú"]


def _book():
    book = Workbook()
    book.properties.creator = "CĐCS"
    return book, book.active


def _merge_title(sheet, row, text, last_col="F", bold=True):
    sheet[f"A{row}"] = text
    sheet.merge_cells(f"A{row}:{last_col}{row}")
    sheet[f"A{row}"].font = Font(bold=bold)
    sheet[f"A{row}"].alignment = Alignment(horizontal="center", wrap_text=True)


def thpt_tp_merged_titles():
    """Merged header cells and two title rows; the Loa form with its address column."""
    book, sheet = _book()
    sheet.merge_cells("A1:C1")
    sheet["A1"] = "CÔNG ĐOÀN VIÊN CHỨC TỈNH CAO BẰNG"
    sheet.merge_cells("A2:C2")
    sheet["A2"] = "CÔNG ĐOÀN CƠ SỞ TRƯỜNG THPT THÀNH PHỐ CAO BẰNG"
    sheet.merge_cells("D1:F1")
    sheet["D1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    sheet.merge_cells("D2:F2")
    sheet["D2"] = "Độc lập - Tự do - Hạnh phúc"
    _merge_title(sheet, 4, "BIỂU MẪU BÁO CÁO")
    _merge_title(sheet, 5, "Kết quả thành lập Trang Fanpage Công đoàn cơ sở", bold=False)
    sheet.append([])
    sheet.append(LOA_HEADER)  # row 7
    sheet.append(
        [
            1,
            "Công đoàn Trường THPT Thành phố Cao Bằng",
            "https://www.facebook.com/cdcs.thpt.tpcb/",
            "Hoàng Thị An",
            "0912 345 678",
            "",
        ]
    )
    sheet.append([])
    sheet["E11"] = "TM. BAN CHẤP HÀNH"
    sheet["E12"] = "CHỦ TỊCH"
    sheet["E15"] = "Lương Văn Bình"
    book.save(HERE / "01 CDCS THPT TP Cao Bang.xlsx")


def thcs_blank_rows_two_phones():
    """Blank rows everywhere, two phones in one cell, the address written in the name cell."""
    book, sheet = _book()
    sheet["A1"] = "CĐCS TRƯỜNG THCS THÀNH PHỐ CAO BẰNG"
    sheet["A3"] = "BIỂU MẪU BÁO CÁO"
    sheet["A4"] = "Kết quả thành lập Trang Fanpage Công đoàn cơ sở"
    sheet.append([])
    sheet.append(SEED_HEADER)  # row 6
    sheet.append([])
    sheet.append([])
    sheet.append(
        [
            "1",
            "Công đoàn Trường THCS TP Cao Bằng (https://facebook.com/cdthcs.tpcaobang)",
            "Đàm Thị Hạnh",
            "0912.345.678 - 0206 3852 123",
            "Lập ngày 15/4/2021",
        ]
    )
    sheet.append([])
    sheet.append(["2", "", "", "", ""])
    sheet.append([])
    sheet["D14"] = "Cao Bằng, ngày 20 tháng 4 năm 2021"
    sheet["D15"] = "TM. BAN CHẤP HÀNH"
    book.save(HERE / "Bao cao Fanpage THCS TP.xlsx")


def ttyt_header_on_row_seven():
    """Header on row 7 in loose words, a numbered-columns row, notes in a column of their own to the
    right, the phone typed into a number cell (its leading zero lost)."""
    book, sheet = _book()
    sheet["A1"] = "CÔNG ĐOÀN NGÀNH Y TẾ"
    sheet["A2"] = "CĐ cơ sở Trung tâm Y tế huyện Hòa An"
    sheet["D1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    sheet["D3"] = "Hòa An, ngày 27 tháng 4 năm 2021"
    _merge_title(sheet, 5, "BÁO CÁO KẾT QUẢ THÀNH LẬP TRANG FANPAGE")
    sheet.append(["TT", "Tên trang", "Link", "Người QT", "SĐT", "Ghi chú", "", "Ý kiến khác"])  # row 7
    sheet.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"])
    sheet.append(
        [
            1,
            "Công đoàn TTYT Hòa An",
            "m.facebook.com/congdoan.ttythoaan?ref=bookmarks",
            "Nông Văn Cường",
            912345679,
            "",
            "",
            "Trang mới lập, đang mời đoàn viên thích trang",
        ]
    )
    sheet["B11"] = "Người lập biểu"
    sheet["E11"] = "TM. BAN CHẤP HÀNH"
    book.save(HERE / "mau_bao_cao_ttyt.xlsx")


def _docx_table(document, header, rows):
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values):
            cell.text = text
    return table


def mam_non_docx_header_paragraphs():
    """A Word form: the unit's name in the header paragraphs, the address in the note column."""
    document = Document()
    header = document.sections[0].header.paragraphs[0]
    header.text = "CÔNG ĐOÀN GIÁO DỤC HUYỆN HÒA AN"
    document.add_paragraph("CĐCS TRƯỜNG MẦM NON HÒA AN")
    document.add_paragraph("Số: 05/BC-CĐCS")
    title = document.add_paragraph("BIỂU MẪU BÁO CÁO")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("Kết quả thành lập Trang Fanpage Công đoàn cơ sở").alignment = WD_ALIGN_PARAGRAPH.CENTER
    table = _docx_table(
        document,
        SEED_HEADER,
        [
            [
                "1",
                "Công đoàn cơ sở Trường Mầm non Hòa An",
                "Lục Thị Mai",
                "0978 123 456",
                "Link: fb.com/mamnonhoaan.cd",
            ],
        ],
    )
    merged = table.add_row().cells
    merged[1].merge(merged[4])  # an empty merged row at the bottom, as people leave them
    document.add_paragraph("")
    document.add_paragraph("TM. BAN CHẤP HÀNH").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph("CHỦ TỊCH").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph("Lục Thị Mai").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.save(HERE / "BC fanpage mam non.docx")


def ydct_docx_signature_only():
    """A Word form naming its unit only in the signature block; the address in a line below the table."""
    document = Document()
    document.add_paragraph("BIỂU MẪU BÁO CÁO").alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("Kết quả thành lập Trang Fanpage Công đoàn cơ sở").alignment = WD_ALIGN_PARAGRAPH.CENTER
    _docx_table(
        document,
        SEED_HEADER,
        [
            ["1", "Công đoàn YDCT Cao Bằng", "Nông Văn Dũng", "0206.3852.456", ""],
            ["", "", "", "", ""],
        ],
    )
    document.add_paragraph("Địa chỉ trang: https://m.facebook.com/cdydct.caobang")
    signature = document.add_table(rows=1, cols=2)
    left, right = signature.rows[0].cells
    left.text = "Nơi nhận:\n- CĐVC tỉnh;\n- Lưu."
    right.text = "TM. BAN CHẤP HÀNH CĐCS BỆNH VIỆN Y DƯỢC CỔ TRUYỀN TỈNH\nCHỦ TỊCH\n\nNông Văn Dũng"
    document.save(HERE / "baocao.docx")


def bvdk_upper_case_no_accents():
    """Named only 'bao cao fanpage.xlsx'; the content names the unit in capitals without accents."""
    book, sheet = _book()
    sheet["A1"] = "CONG DOAN CO SO BENH VIEN DA KHOA TINH"
    sheet["A3"] = "BIEU MAU BAO CAO"
    sheet["A4"] = "Ket qua thanh lap Trang Fanpage Cong doan co so"
    sheet.append([])
    sheet.append(["STT", "TEN TRANG FANPAGE", "NGUOI QUAN TRI", "SO DIEN THOAI NGUOI QUAN TRI", "GHI CHU"])
    sheet.append(
        [1, "Cong doan BVDK tinh Cao Bang", "Be Thi Hoa", "+84 206 3852 789", "www.facebook.com/congdoan.bvdk.caobang"]
    )
    sheet["D9"] = "TM. BAN CHAP HANH"
    book.save(HERE / "bao cao fanpage.xlsx")


def thpt_cao_binh_bad_phone():
    """A phone number that is too short."""
    book, sheet = _book()
    _merge_title(sheet, 1, "CÔNG ĐOÀN CƠ SỞ TRƯỜNG THPT CAO BÌNH")
    _merge_title(sheet, 2, "BIỂU MẪU BÁO CÁO")
    sheet.append(LOA_HEADER)
    sheet.append([1, "Công đoàn Trường THPT Cao Bình", "fb.com/cd.thptcaobinh", "Hà Văn Tú", "0206 385", ""])
    book.save(HERE / "thpt cao binh.xlsx")


def bvdk_hoa_an_not_facebook():
    """The unit's website instead of its Facebook Page."""
    book, sheet = _book()
    sheet["A1"] = "CĐCS BỆNH VIỆN ĐA KHOA HUYỆN HÒA AN"
    sheet.append(["Stt", "Tên Trang", "Địa chỉ Trang (link)", "Người quản trị", "Điện thoại", "Ghi chú"])
    sheet.append([1, "Công đoàn BVĐK Hòa An", "https://bvdkhoaan.vn/cong-doan", "Triệu Văn Sơn", "0986 111 222", ""])
    book.save(HERE / "BVDK Hoa An.xlsx")


def vptu_two_pages():
    """Two Page rows for one unit: a second Page."""
    book, sheet = _book()
    sheet["A1"] = "CÔNG ĐOÀN CƠ SỞ VĂN PHÒNG TỈNH ỦY CAO BẰNG"
    sheet.append([])
    sheet.append(LOA_HEADER)
    sheet.append(
        [
            1,
            "Công đoàn cơ sở Văn phòng Tỉnh ủy Cao Bằng",
            "facebook.com/cdvptu.caobang",
            "Đinh Thị Lan",
            "0915 222 333",
            "",
        ]
    )
    sheet.append(
        [2, "Đoàn viên Văn phòng Tỉnh ủy", "facebook.com/doanvienvptu", "Đinh Thị Lan", "0915 222 333", "trang cũ"]
    )
    book.save(HERE / "VPTU.xlsx")


def unreadable_files():
    (HERE / "ban sao.xlsx").write_text("Đây là bản sao chép từ e-mail, không phải tệp Excel.\n", encoding="utf-8")
    # An old Excel 97 file renamed to .xlsx: the OLE signature and some padding.
    (HERE / "cu.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)


if __name__ == "__main__":
    thpt_tp_merged_titles()
    thcs_blank_rows_two_phones()
    ttyt_header_on_row_seven()
    mam_non_docx_header_paragraphs()
    ydct_docx_signature_only()
    bvdk_upper_case_no_accents()
    thpt_cao_binh_bad_phone()
    bvdk_hoa_an_not_facebook()
    vptu_two_pages()
    unreadable_files()
    print("\n".join(sorted(p.name for p in HERE.iterdir() if p.suffix in (".xlsx", ".docx"))))
