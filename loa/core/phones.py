"""Vietnamese phone numbers, validated with phonenumbers (is_valid_number, region VN)."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SPLIT = re.compile(r"\s*(?:[,;/]|\bhoặc\b|\bor\b|\n)\s*", re.IGNORECASE)


def normalize_phone(raw):
    """'0912 345 678', '0912.345.678', '+84912345678' -> '+84912345678'; ValidationError otherwise."""
    raw = (raw or "").strip()
    if not raw:
        return ""
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


def normalize_phones(raw):
    """A cell that may hold two numbers ("0912 345 678 / 0206 3852 123"): a list of E.164 numbers."""
    parts = [p for p in _SPLIT.split(raw or "") if p.strip()]
    return [normalize_phone(p) for p in parts]


def display_phone(e164):
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


def zalo_phone(e164):
    """Zalo wants 84… without '+'."""
    return e164.lstrip("+")
