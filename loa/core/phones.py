"""Vietnamese phone numbers, validated with phonenumbers (is_valid_number, region VN), the common shapes
with its metadata without its parser."""

from __future__ import annotations

import re
from collections.abc import Callable

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Between two numbers in one cell: "0912.345.678 - 0206 3852 123", "… / …", "… hoặc …", a line break.
_SPLIT = re.compile(r"\s+[-–—]\s+|[,;/\n]|\s{2,}(?=\+?\d)|\bhoặc\b|\bhoac\b|\bvà\b|\bva\b|\bor\b", re.IGNORECASE)
# What people write before a number: "ĐT:", "DĐ", "Zalo:".
_LABEL = re.compile(r"^[^\d+]*")
# Mobile prefixes renumbered in 2018 (11 digits to 10): 0168 123 4567 is now 038 123 4567.
OLD_MOBILE_PREFIXES = {
    "0162": "032",
    "0163": "033",
    "0164": "034",
    "0165": "035",
    "0166": "036",
    "0167": "037",
    "0168": "038",
    "0169": "039",
    "0120": "070",
    "0121": "079",
    "0122": "077",
    "0126": "076",
    "0128": "078",
    "0123": "083",
    "0124": "084",
    "0125": "085",
    "0127": "081",
    "0129": "082",
    "0186": "056",
    "0188": "058",
    "0199": "059",
}


def _matcher(desc: phonenumbers.PhoneNumberDesc | None) -> Callable[[str], bool]:
    """phonenumbers' own test of a national number against one of its descriptions: a possible length,
    then the whole number matching the pattern."""
    assert desc is not None and desc.national_number_pattern is not None  # Viet Nam's metadata has both
    pattern = re.compile(desc.national_number_pattern)
    lengths = frozenset(desc.possible_length)
    return lambda national: len(national) in lengths and pattern.fullmatch(national) is not None


_VN = phonenumbers.PhoneMetadata.metadata_for_region("VN")
assert _VN is not None  # phonenumbers ships Viet Nam's metadata
_ANY_VN, _MOBILE_VN, _FIXED_VN = _matcher(_VN.general_desc), _matcher(_VN.mobile), _matcher(_VN.fixed_line)
_SEPARATORS = str.maketrans("", "", " .-()")
_SHORT_CUT_MAX = 40  # characters; phonenumbers refuses input over 250, and a phone cell is far shorter


def _common_shape(raw: str) -> str | None:
    """'0912 345 678' or '+84 912 345 678' whose number phonenumbers' VN metadata calls mobile or fixed
    line -> '+84912345678'; None for anything else, which goes through phonenumbers' parser.

    Parsing costs ~30 µs a number, which a 130,000-row unit import pays 130,000 times. For these two shapes
    the parser only drops the separators and the national prefix 0 or the country code 84, and
    is_valid_number is true when the general description and one type match; a mobile or fixed line
    number therefore gets the answer the parser would give."""
    if len(raw) > _SHORT_CUT_MAX:
        return None
    digits = raw.translate(_SEPARATORS)
    if digits[:1] == "0":
        national = digits[1:]
    elif digits[:3] == "+84":
        national = digits[3:]
    else:
        return None
    if (
        national.isascii()
        and national.isdigit()
        and _ANY_VN(national)
        and (_MOBILE_VN(national) or _FIXED_VN(national))
    ):
        return "+84" + national
    return None


def normalize_phone(raw: str) -> str:
    """'0912 345 678', '0912.345.678', '+84912345678' -> '+84912345678'; ValidationError otherwise."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    raw = _renumbered(raw)
    common = _common_shape(raw)
    if common is not None:
        return common
    return _parsed(raw)


def _parsed(raw: str) -> str:
    try:
        number = phonenumbers.parse(raw, "VN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(value)s” is not a valid Vietnamese phone number (e.g. 0912 345 678).") % {"value": raw},
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _renumbered(raw: str) -> str:
    """An old 11-digit mobile ("0168 123 4567", "+84 168 123 4567") in today's 10-digit form."""
    digits = raw.translate(_SEPARATORS)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 12:
        digits = "0" + digits[2:]
    if len(digits) == 11 and digits.isdigit() and digits[:4] in OLD_MOBILE_PREFIXES:
        return OLD_MOBILE_PREFIXES[digits[:4]] + digits[4:]
    return raw


def split_phones(raw: str) -> list[str]:
    """'ĐT: 0912.345.678 - 0206 3852 123' -> ['0912.345.678', '0206 3852 123'] (not validated)."""
    parts = []
    for part in _SPLIT.split((raw or "").strip()):
        part = _LABEL.sub("", (part or "").strip()).strip(" .-–()")
        if part:
            parts.append(part)
    return parts


def normalize_phones(raw: str) -> list[str]:
    """A cell that may hold two numbers ("0912 345 678 / 0206 3852 123"): a list of E.164 numbers."""
    parts = raw if isinstance(raw, list) else split_phones(raw)
    return [normalize_phone(p) for p in parts]


def main_and_others(raw: str) -> tuple[str, str]:
    """A phone cell as stored: the first number, and the others joined ("; "); ValidationError when one
    of them is not a valid number."""
    numbers = list(dict.fromkeys(normalize_phones(raw)))
    return (numbers[0] if numbers else ""), "; ".join(numbers[1:])


def display_phone(e164: str) -> str:
    """'+84912345678' -> '0912 345 678', as people write it."""
    if not e164:
        return ""
    digits = e164[3:]
    if e164.startswith("+84") and len(digits) == 9 and digits.isdigit() and digits[0] in "35789":
        # Mobiles, nearly every number Loa shows: the same grouping as phonenumbers' national
        # format, without parsing (a 130,000-row report formats 130,000 of them).
        return f"0{digits[:3]} {digits[3:6]} {digits[6:]}"
    try:
        number = phonenumbers.parse(e164, "VN")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def display_phones(joined: str | None) -> str:
    """'+84912345678; +842063852123' -> '0912 345 678; 0206 3852 123'."""
    return "; ".join(display_phone(p.strip()) for p in (joined or "").split(";") if p.strip())


def zalo_phone(e164: str) -> str:
    """Zalo wants 84… without '+'."""
    return e164.lstrip("+")
