import datetime

import pytest
from django.utils import translation

from loa.imports import cells
from loa.imports.cells import CellError


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (" Trường\x00 A\x0c ", "Trường A"),
        (12.0, "12"),
        (1.5, "1.5"),
        (None, ""),
        (datetime.date(2021, 4, 5), "05/04/2021"),
    ],
)
def test_text_is_trimmed_and_free_of_control_characters(value, expected):
    assert cells.text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("", 0), (12, 12), (12.0, 12), ("1.234", 1234), ("1,234", 1234), (" 7 ", 7)]
)
def test_whole_numbers_are_read_from_numbers_and_text(value, expected):
    assert cells.whole_number(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1" + "0" * 30, "the number 1000000000000000000000000000000 is too large (at most 2000000000)."),
        (1e30, "is too large"),
        ("1e400", "“1e400” is not a whole number."),
        (-3, "must not be negative (-3)."),
        (1.5, "is not a whole number."),
        (True, "is not a whole number."),
        ("mười", "“mười” is not a whole number."),
    ],
)
def test_a_cell_that_is_no_whole_number_in_range_says_why(value, reason):
    with pytest.raises(CellError) as exc:
        cells.whole_number(value)
    assert reason in exc.value.reason


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("05/04/2021", datetime.date(2021, 4, 5)),
        ("5.4.2021", datetime.date(2021, 4, 5)),
        ("2021-04-05", datetime.date(2021, 4, 5)),
        (44291, datetime.date(2021, 4, 5)),
        (datetime.datetime(2021, 4, 5, 8, 30), datetime.date(2021, 4, 5)),
        ("", None),
    ],
)
def test_days_are_read_as_vietnamese_and_excel_write_them(value, expected):
    assert cells.day(value) == expected


@pytest.mark.parametrize("value", ["31/02/2021", "hôm qua", 10**12, "99/99/99999"])
def test_a_cell_that_is_no_day_says_how_to_write_one(value):
    with pytest.raises(CellError) as exc:
        cells.day(value)
    assert "write it as dd/mm/yyyy" in exc.value.reason


def test_moments_take_the_day_first_unless_the_second_number_is_a_day():
    assert cells.moment("05/04/2021 08:30").date() == datetime.date(2021, 4, 5)
    assert cells.moment("04/25/2021 08:30").date() == datetime.date(2021, 4, 25)
    assert cells.moment("2021-04-05T01:00:00+0000").tzinfo is not None
    with pytest.raises(CellError):
        cells.moment("sáng nay")
