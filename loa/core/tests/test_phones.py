import random

import phonenumbers
import pytest
from django.core.exceptions import ValidationError

from loa.core.phones import display_phone, normalize_phone, normalize_phones


@pytest.mark.parametrize("raw", ["0912 345 678", "0912.345.678", "+84 912 345 678", "84912345678", "(091) 2345678"])
def test_it_normalises_the_ways_people_write_a_mobile(raw):
    assert normalize_phone(raw) == "+84912345678"


def test_a_landline_keeps_its_area_code():
    assert normalize_phone("0206 3852 123") == "+842063852123"
    assert display_phone("+842063852123") == "0206 3852 123"


@pytest.mark.parametrize("raw", ["0123", "0912 345", "12345678901234", "abc", "0912 345 6789 0"])
def test_it_refuses_numbers_that_are_not_vietnamese_in_vietnamese(raw):
    with pytest.raises(ValidationError) as exc:
        normalize_phone(raw)
    assert "không phải số điện thoại Việt Nam hợp lệ" in exc.value.messages[0]


def test_a_cell_with_two_numbers_gives_both():
    assert normalize_phones("0912.345.678 / 0206 3852 123") == ["+84912345678", "+842063852123"]


def test_the_fast_mobile_display_matches_phonenumbers():
    rng = random.Random(5)
    prefixes = [
        "32",
        "35",
        "39",
        "56",
        "70",
        "77",
        "79",
        "81",
        "85",
        "86",
        "88",
        "90",
        "91",
        "94",
        "96",
        "97",
        "98",
        "99",
    ]
    for _ in range(500):
        e164 = "+84" + rng.choice(prefixes) + "".join(rng.choice("0123456789") for _ in range(7))
        number = phonenumbers.parse(e164)
        if not phonenumbers.is_valid_number(number):
            continue
        assert display_phone(e164) == phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def _written(rng, number):
    """A number as people type it: separators here and there, sometimes a stray one at the end."""
    out = []
    for ch in number:
        if rng.random() < 0.25:
            out.append(rng.choice([" ", ".", "-", "(", ")", " ", "\u00a0", "/", "+"]))
        out.append(ch)
    if rng.random() < 0.1:
        out.append(rng.choice([" ", ".", "-", ")"]))
    return "".join(out)


def _sample_numbers(rng, count):
    for _ in range(count):
        kind = rng.random()
        if kind < 0.4:  # mobiles: assigned and unassigned prefixes, the right length and one off
            national = rng.choice("35789") + "".join(
                rng.choice("0123456789") for _ in range(rng.choice([8, 8, 8, 7, 9]))
            )
        elif kind < 0.7:  # fixed lines: area codes, valid or not
            national = "2" + "".join(rng.choice("0123456789") for _ in range(rng.choice([9, 9, 9, 8, 10])))
        else:  # anything: short codes, 1800/1900, leading zeros, too long
            national = "".join(rng.choice("0123456789") for _ in range(rng.randint(5, 12)))
        head = rng.choice(["0", "0", "0", "+84", "+84", "84", "", "00", "+840", "(0", "(+84) ", "+"])
        yield _written(rng, head + national) if rng.random() < 0.6 else head + national


def test_the_short_cut_gives_what_phonenumbers_gives():
    from loa.core.phones import _common_shape, _parsed, _renumbered

    def outcome(function, raw):
        try:
            return function(raw)
        except ValidationError as exc:
            return exc.messages, exc.code

    rng = random.Random(17)
    short_cut = 0
    for raw in _sample_numbers(rng, 25_000):
        raw = raw.strip()
        short_cut += _common_shape(raw) is not None
        assert outcome(normalize_phone, raw) == outcome(_parsed, _renumbered(raw)), raw
    assert short_cut > 2_000  # the sample exercises both paths


@pytest.mark.parametrize(
    "raw, stored",
    [
        ("0168 123 4567", "+84381234567"),
        ("01681234567", "+84381234567"),
        ("+84 168 123 4567", "+84381234567"),
        ("0127.123.4567", "+84811234567"),
        ("0199 123 4567", "+84591234567"),
    ],
)
def test_an_old_eleven_digit_mobile_is_stored_in_its_ten_digit_form(raw, stored):
    assert normalize_phone(raw) == stored


def test_a_cell_with_several_numbers_gives_a_main_number_and_the_others():
    from loa.core.phones import main_and_others

    assert main_and_others("ĐT: 0912.345.678 - 0206 3852 123") == ("+84912345678", "+842063852123")
    assert main_and_others("0912 345 678 hoặc 0168 123 4567; 0912345678") == ("+84912345678", "+84381234567")
    assert main_and_others("0912 345 678") == ("+84912345678", "")
