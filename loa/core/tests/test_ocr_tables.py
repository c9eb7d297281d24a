"""Finding a form's table among the words OCR read: by the header's titles, with the table's rules or
without them. Words are placed by hand here (no OCR), so each rule of the layout is checked on its own;
the whole chain, from a photographed form, is in loa/directives/tests/test_form_ocr.py."""

from loa.core.ocr import ScanPage, Word
from loa.core.ocr_tables import blocks, clean_words, find_table
from loa.directives.ocr_header import form_header as header_fields

HEIGHT = 30


def word(text, left, top, conf=95.0):
    return Word(text, left, top, 18 * len(text), HEIGHT, conf, (1, 1, 1))


def line(text, left, top, conf=95.0):
    """Words of `text` from `left`, as OCR boxes them."""
    out = []
    for piece in text.split():
        out.append(word(piece, left, top, conf))
        left += 18 * len(piece) + 12
    return out


def page(words, rules=None):
    return ScanPage(1, 2400, 3300, turned=0, skew=0.0, seconds=0.0, cpu_seconds=0.0, words=words, rules=rules or {})


# Column lefts of a five-column form: Stt, Tên Trang Fanpage, Người quản trị, Số điện thoại, Ghi chú.
STT, NAME, ADMIN, PHONE, NOTE, END = 400, 520, 1120, 1480, 1840, 2100


def header(top):
    return [
        *line("Stt", STT + 20, top + 40),
        *line("Tên Trang Fanpage", NAME + 60, top),
        *line("(Ví dụ: Công đoàn cơ sở)", NAME + 20, top + 40),
        *line("Người quản trị", ADMIN + 20, top + 40),
        *line("Số điện thoại", PHONE + 30, top),
        *line("người quản trị", PHONE + 20, top + 40),
        *line("Ghi chú", NOTE + 20, top + 40),
    ]


def data_row(top, number, name_lines, admin, phone, note):
    words = [
        *line(number, STT + 20, top),
        *line(admin, ADMIN + 10, top),
        *line(phone, PHONE + 10, top),
        *line(note, NOTE + 10, top),
    ]
    for index, text in enumerate(name_lines):
        words += line(text, NAME + 10, top + index * 45)
    return words


def above():
    return [
        *line("CÔNG ĐOÀN VIÊN CHỨC TỈNH", 400, 300),
        *line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1300, 300),
        *line("CÔNG ĐOÀN CƠ SỞ TRƯỜNG", 420, 345),
        *line("Độc lập - Tự do - Hạnh phúc", 1400, 345),
        *line("THPT THÀNH PHỐ CAO BẰNG", 430, 390),
        *line("BIỂU MẪU BÁO CÁO", 1000, 560),
    ]


def ruled(tops):
    """A bordered table: a horizontal rule at each of `tops`, vertical rules at the column edges."""
    return {
        "rows": [[y, STT, END] for y in tops],
        "columns": [[x, tops[0], tops[-1]] for x in (STT, NAME, ADMIN, PHONE, NOTE, END)],
    }


def test_a_bordered_table_gives_each_cell_its_lines_under_the_header_titles():
    words = (
        above()
        + header(820)
        + data_row(
            1000,
            "01",
            ["Công đoàn cơ sở Trường THPT", "Thành phố Cao Bằng"],
            "Hoàng Thị An",
            "0912 345 678",
            "Lập 15/4",
        )
        + line("TM. BAN CHẤP HÀNH", 1300, 1300)
    )
    table = find_table(page(words, ruled([800, 960, 1150])), header_fields)
    assert table.ruled
    assert sorted(table.fields.values()) == ["admin_name", "admin_phone", "name", "note", "stt"]
    (row,) = table.rows
    by_field = {table.fields[i]: cell.text for i, cell in row.items()}
    assert by_field == {
        "stt": "01",
        "name": "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng",
        "admin_name": "Hoàng Thị An",
        "admin_phone": "0912 345 678",
        "note": "Lập 15/4",
    }
    assert ["TM. BAN CHẤP HÀNH"] in table.below


def test_the_unit_written_on_two_lines_above_the_table_is_one_block_apart_from_the_motto():
    table = find_table(
        page(
            above() + header(820) + data_row(1000, "01", ["Trang"], "An", "0912 345 678", ""), ruled([800, 960, 1150])
        ),
        header_fields,
    )
    assert ["CÔNG ĐOÀN VIÊN CHỨC TỈNH", "CÔNG ĐOÀN CƠ SỞ TRƯỜNG", "THPT THÀNH PHỐ CAO BẰNG"] in table.above
    assert ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"] in table.above


def test_each_band_between_rules_is_a_row_and_an_empty_one_is_skipped():
    words = (
        header(820)
        + data_row(1000, "01", ["Trang một"], "An", "0912 345 678", "")
        + data_row(1120, "02", ["Trang hai"], "Bình", "0987 654 321", "")
        + line("03", STT + 20, 1240)
    )
    table = find_table(page(words, ruled([800, 960, 1090, 1210, 1330])), header_fields)
    names = [cell.text for row in table.rows for i, cell in row.items() if table.fields.get(i) == "name"]
    assert names == ["Trang một", "Trang hai"]


def test_the_signature_under_a_lost_bottom_rule_is_not_a_row():
    """The page's lower edge photographed as a long line: the signature between is no row."""
    words = (
        header(820)
        + data_row(1000, "01", ["Trang một"], "An", "0912 345 678", "")
        + line("TM. BAN CHẤP HÀNH", 1300, 1300)
        + line("CHỦ TỊCH", 1400, 1345)
    )
    table = find_table(
        page(
            words,
            ruled([800, 960, 1150])
            | {"rows": [[800, STT, END], [960, STT, END], [1150, STT, END], [1400, STT - 100, END + 100]]},
        ),
        header_fields,
    )
    assert len(table.rows) == 1


def test_without_borders_the_columns_are_the_gaps_no_word_crosses():
    """A sheet printed from Excel: loose titles, a left-aligned name that runs on under the next title's gap."""
    words = [
        *line("TT", 400, 800),
        *line("Tên trang", 480, 800),
        *line("Người QT", 1050, 800),
        *line("SĐT", 1350, 800),
        *line("Ghi chú", 1800, 800),
        *line("1", 400, 900),
        *line("Công đoàn cơ sở Trường", 480, 900),
        *line("Hoàng Thị", 1050, 900),
        *line("0912 345 678", 1350, 900),
        *line("THPT Thành phố Cao Bằng", 480, 945),
        *line("An", 1050, 945),
        *line("2", 400, 1040),
        *line("Trang khác", 480, 1040),
        *line("Nông Văn Dũng", 1050, 1040),
        *line("0206 3852 456", 1350, 1040),
        *line("Đang lập", 1800, 1040),
    ]
    table = find_table(page(words), header_fields)
    assert not table.ruled
    rows = [{table.fields[i]: cell.text for i, cell in row.items() if i in table.fields} for row in table.rows]
    assert rows == [
        {
            "stt": "1",
            "name": "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng",
            "admin_name": "Hoàng Thị An",
            "admin_phone": "0912 345 678",
        },
        {
            "stt": "2",
            "name": "Trang khác",
            "admin_name": "Nông Văn Dũng",
            "admin_phone": "0206 3852 456",
            "note": "Đang lập",
        },
    ]


def test_a_page_without_the_forms_titles_has_no_table():
    words = line("Kính gửi: Công đoàn cơ sở trực thuộc", 400, 800) + line(
        "Nhằm đẩy mạnh công tác truyền thông", 400, 850
    )
    assert find_table(page(words), header_fields) is None
    assert find_table(page([]), header_fields) is None


def test_bits_of_rules_read_as_characters_are_dropped_and_marks_that_mean_something_kept():
    words = [word("|Hoàng", 0, 0), word("—", 200, 0), word("]", 300, 0), word("/", 400, 0), word("___", 500, 0)]
    assert [w.text for w in clean_words(words)] == ["Hoàng", "/"]


def test_blocks_join_lines_under_each_other_and_cut_at_wide_gaps():
    words = line("BAN CHẤP HÀNH", 400, 100) + line("CÔNG ĐOÀN", 1400, 100) + line("CĐCS TRƯỜNG A", 420, 140)
    assert blocks(words, HEIGHT) == [["BAN CHẤP HÀNH", "CĐCS TRƯỜNG A"], ["CÔNG ĐOÀN"]]
