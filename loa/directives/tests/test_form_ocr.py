"""The Fanpage report form read from photos and scans of the real form, printed and photographed by the
tests (paper_forms.py): each proposal finds the Page's name, its address, the administrator, the phone
as it will be stored and the note, and the unit named above the table.

How close is close: names and notes within two edits, or one edit in ten characters (Levenshtein's
distance on the text as written: a wrong tone mark is one edit); the phone and the address exactly.
A picture without the form is "no table", never an exception."""

import pytest

from loa.directives.form_ocr import proposal_as_parsed, read_form_image
from loa.directives.tests import paper_forms
from loa.directives.tests.paper_forms import ROW, close

UNIT_LINE = "CÔNG ĐOÀN CƠ SỞ TRƯỜNG THPT THÀNH PHỐ CAO BẰNG"
PHOTOS = {
    "a photo of the form on a desk, turned 3°, a little blurred and grainy": lambda: paper_forms.phone_photo(
        angle=3, blur=0.6, noise=6, quality=75
    ),
    "a photo taken at an angle, turned the other way, unevenly lit, blurred, grainy, much compressed": lambda: (
        paper_forms.phone_photo(angle=-4, tilt=0.05, blur=1.2, noise=12, shade=0.35, quality=60)
    ),
    "a photo taken with the phone held sideways": lambda: paper_forms.phone_photo(angle=2, turn=90, quality=70),
    "a two-page PDF scan: the letter, then the form": paper_forms.two_page_scan,
}
READINGS = {}


def reading(case):
    """Each picture is made and read once per test process (a reading takes a few seconds)."""
    if case not in READINGS:
        READINGS[case] = read_form_image(PHOTOS[case](), name="bao-cao.jpg")
    return READINGS[case]


@pytest.mark.parametrize("case", PHOTOS)
def test_the_row_is_read_closely_enough_for_a_person_to_confirm(case):
    proposal = reading(case)
    assert proposal.error == ""
    (row,) = proposal.rows
    values = row.values
    assert close(values["name"], ROW["name"]), values["name"]
    assert close(values["admin_name"], ROW["admin_name"]), values["admin_name"]
    assert close(values["note"], ROW["note"]), values["note"]
    assert values["admin_phone"] == "+84912345678"
    assert values["url"] == ROW["url"]
    assert close(proposal.unit_line, UNIT_LINE), proposal.unit_line


@pytest.mark.parametrize("case", PHOTOS)
def test_each_cell_comes_with_its_confidence_and_each_page_with_its_time(case):
    proposal = reading(case)
    (row,) = proposal.rows
    assert set(row.cells) == {"name", "admin_name", "admin_phone", "note"}
    assert all(0 <= cell["confidence"] <= 100 for cell in row.cells.values())
    assert row.confidence == min(cell["confidence"] for cell in row.cells.values())
    assert proposal.pages and all(0 < page["seconds"] < 30 for page in proposal.pages)


def test_the_sideways_photo_was_turned_and_the_askew_one_straightened():
    assert reading("a photo taken with the phone held sideways").pages[0]["turned"] in (90, 270)
    assert (
        abs(reading("a photo of the form on a desk, turned 3°, a little blurred and grainy").pages[0]["skew"] + 3)
        <= 0.5
    )


def test_the_scan_reads_the_page_with_the_forms_table_and_says_the_letters_page_was_not_read():
    proposal = reading("a two-page PDF scan: the letter, then the form")
    assert proposal.kind == "pdf" and proposal.page_count == 2
    assert [page["number"] for page in proposal.pages] == [2]
    assert any("1" in warning and "không có bảng" in warning for warning in proposal.warnings), proposal.warnings


def test_a_sheet_printed_without_borders_in_loose_words_gives_both_rows_and_splits_two_phones():
    second = dict(
        ROW,
        name="Trang tin Công đoàn trường",
        url="",
        admin_name="Nông Văn Dũng",
        admin_phone="0206.3852.456 / 0978 123 456",
        note="",
    )
    pdf = paper_forms.borderless_sheet_pdf(rows=[dict(ROW, url=""), second])
    proposal = read_form_image(paper_forms.phone_photo(pdf, angle=1.5, quality=75), name="excel.jpg")
    first, other = proposal.rows
    assert close(first.values["name"], ROW["name"]) and close(other.values["name"], second["name"])
    assert close(other.values["admin_name"], "Nông Văn Dũng")
    assert other.values["admin_phone"] == "+842063852456; +84978123456"
    assert close(proposal.unit_line, "CĐCS TRƯỜNG THPT THÀNH PHỐ CAO BẰNG"), proposal.unit_line


@pytest.mark.parametrize(
    "picture",
    [paper_forms.cat_photo, lambda: paper_forms.phone_photo(paper_forms.letter_pdf())],
    ids=["a photo of something else", "the letter without its form"],
)
def test_a_picture_without_the_form_is_no_table_not_an_error(picture):
    proposal = read_form_image(picture(), name="anh.jpg")
    assert proposal.error == "no_table" and proposal.rows == []


def test_the_proposal_reads_as_a_parsed_form_with_the_proposal_inside():
    proposal = reading("a photo of the form on a desk, turned 3°, a little blurred and grainy")
    parsed = proposal_as_parsed(proposal)
    assert parsed["rows"][0]["row"] == 1 and parsed["rows"][0]["admin_phone"] == "+84912345678"
    assert parsed["text"][0] == proposal.unit_line
    assert parsed["urls"] == [ROW["url"]]
    assert parsed["ocr"]["rows"][0]["cells"]["name"]["text"] == proposal.rows[0].cells["name"]["text"]
    assert parsed["kind"] == "jpeg" and parsed["error"] == ""
