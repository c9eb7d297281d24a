from loa.imports.columns import Column, Columns, find_header, header_problems, title_key

UNITS = Columns(
    "test.units",
    [
        Column("code", "Mã đơn vị", ("Mã", "Mã CĐCS"), required=True),
        Column("name", "Tên đơn vị", ("Tên công đoàn cơ sở",), required=True),
        Column("parent", "Mã đơn vị cấp trên", ("Đơn vị cấp trên", "Cấp trên")),
        Column("kind", "Loại", ("Cấp",)),
    ],
)


def numbered(rows):
    return list(enumerate(rows, start=1))


def test_titles_are_compared_without_accents_case_spaces_or_a_note_in_brackets():
    assert title_key("  MÃ ĐƠN VỊ (*) ") == title_key("ma don vi") == "madonvi"
    assert UNITS.field_of("Tên Công đoàn Cơ sở") == "name" and UNITS.field_of("Cấp") == "kind"
    assert UNITS.field_of("Cấp trên") == "parent" and UNITS.field_of("STT") == "" and UNITS.field_of("Màu") is None


def test_the_header_is_found_under_a_title_block_and_blank_rows():
    rows = numbered(
        [
            ["LIÊN ĐOÀN LAO ĐỘNG TỈNH CAO BẰNG", "", ""],
            ["DANH SÁCH CÔNG ĐOÀN CƠ SỞ", "", ""],
            ["", "", ""],
            ["STT", "Mã", "Tên công đoàn cơ sở", "Đơn vị cấp trên", "Ghi chú", "Màu"],
            [1, "CS-1", "Trường A", "CD-VC", "", ""],
        ]
    )
    header = find_header(rows, UNITS)
    assert (header.number, header.position) == (4, 3)
    assert header.mapping == {1: "code", 2: "name", 3: "parent"}
    assert header.unknown == [(5, "Màu")] and header.missing == []
    assert header.titled("name", UNITS) == "Tên công đoàn cơ sở" and header.titled("kind", UNITS) == "Loại"


def test_a_row_of_unknown_titles_is_the_header_when_nothing_is_recognised_and_says_what_is_missing():
    header = find_header(numbered([["Danh sách"], ["TT", "Ký hiệu", "Đơn vị"], [1, "A", "B"]]), UNITS)
    assert header.number == 2 and header.mapping == {} and header.missing == ["code", "name"]
    assert header_problems(header, UNITS)[0].startswith("Thiếu cột: “Mã đơn vị”, “Tên đơn vị”.")


def test_a_mapping_chosen_or_remembered_for_these_titles_comes_before_the_aliases():
    rows = numbered([["TT", "Ký hiệu", "Đơn vị"], [1, "A", "B"]])
    chosen = {"kyhieu": "code", "donvi": "name"}
    assert find_header(rows, UNITS, chosen=chosen).mapping == {1: "code", 2: "name"}
    header = find_header(rows, UNITS, remembered={"tt|kyhieu|donvi": chosen})
    assert header.mapping == {1: "code", 2: "name"} and header.key == "tt|kyhieu|donvi"


def test_a_field_named_by_two_columns_is_kept_once_and_reported():
    header = find_header(numbered([["Mã", "Mã CĐCS", "Tên"]]), UNITS)
    assert header.mapping == {0: "code"} and header.repeated == ["code"]


def test_no_header_among_rows_of_single_cells():
    assert find_header(numbered([["Một"], [""], ["Hai"]]), UNITS) is None
