"""Which column is which in the form's header as OCR read it: titles found in misread text, and the
phone's title ("Số điện thoại người quản trị") never taken for the administrator's."""

from loa.directives.ocr_header import form_header

FORM = {0: "stt", 1: "name", 2: "admin_name", 3: "admin_phone", 4: "note"}
EXAMPLE = "Tên Trang Fanpage (Ví dụ: Công đoàn cơ sở Văn phòng Tỉnh ủy Cao Bằng)"


def test_the_letters_form_header_as_printed():
    assert form_header(["Stt", EXAMPLE, "Người quản trị", "Số điện thoại người quản trị", "Ghi chú"]) == FORM


def test_misread_titles_still_name_their_columns_in_the_forms_order():
    """Read from a blurred photo taken at an angle: "quản trị" and "thoại" misread."""
    misread = [
        "St",
        "Tên Trang Fanpage (Vídụ: Công doên cơ sở Văn phhg Tỉnh ủy Cao Bằng)",
        "Người quảntj",
        "SỐ điện nHậ, người quản trị",
        "Ghi chú",
    ]
    assert form_header(misread) == FORM


def test_a_title_ocr_could_not_read_at_all_takes_the_place_the_order_leaves():
    assert form_header(["Stf", "Tên Trang Fanpage", "Người quản trị", "25-2392 : ki ào", "Ghi chú"]) == FORM


def test_loose_titles_and_the_address_column_of_loas_own_form():
    assert form_header(["TT", "Tên trang", "Người QT", "SĐT", "Ghi chú"]) == FORM
    assert form_header(["TT", "Tên trang", "Link", "Người QT", "SĐT", "Ghi chú", "", "Ý kiến khác"]) == {
        0: "stt",
        1: "name",
        2: "url",
        3: "admin_name",
        4: "admin_phone",
        5: "note",
    }


LETTER = (
    "Kính gửi: Công đoàn cơ sở trực thuộc. Nhằm đẩy mạnh công tác truyền thông của tổ chức Công đoàn trên "
    "các kênh thông tin đến đông đảo đoàn viên, công chức, viên chức"
)


def test_text_that_is_not_the_forms_header_is_none():
    assert form_header(["Kết quả thành lập Trang Fanpage Công đoàn cơ sở"]) == {}
    assert form_header(["Mã đơn vị", "Tên đơn vị", "Số điện thoại", "Ghi chú"]) == {}
    assert form_header([LETTER]) == {}
