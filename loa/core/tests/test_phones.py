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
    prefixes = ["32", "35", "39", "56", "70", "77", "79", "81", "85", "86", "88", "90", "91", "94", "96", "97", "98", "99"]
    for _ in range(500):
        e164 = "+84" + rng.choice(prefixes) + "".join(rng.choice("0123456789") for _ in range(7))
        number = phonenumbers.parse(e164)
        if not phonenumbers.is_valid_number(number):
            continue
        assert display_phone(e164) == phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
