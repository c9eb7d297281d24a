"""Checks on text that people type: one-line names and codes hold no control characters; a web
address can be split into its parts.

A NUL cannot be stored by PostgreSQL, and a tab, a line break or an escape sequence in a name
breaks exports, documents and the terminal that prints it. Django's own check of NUL says so in
English; this one says it in the user's language and covers every control character.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any
from urllib.parse import ParseResult, SplitResult, urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _


def has_control_characters(value: object) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in str(value))


def validate_one_line(value: object) -> None:
    """No control character (NUL, tab, line break, escape…) in a one-line text."""
    if has_control_characters(value):
        raise ValidationError(
            _("Remove the invisible control characters (tab, line break…) from this text."), code="control_characters"
        )


class OneLineField(forms.CharField):
    """A CharField whose only check of invisible characters is `validate_one_line`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)] + [
            validate_one_line
        ]


def split_address(
    text: str, *, typed: str | None = None, split: Callable[[str], SplitResult | ParseResult] = urlsplit
) -> SplitResult | ParseResult:
    """`split(text)` (urlsplit, or urlparse), or a ValidationError naming what was `typed` when the text
    cannot be a web address at all: Python raises ValueError for an unclosed “[” (http://[) and
    for a port that is not a number, and the address normalisers must answer that like any bad address."""
    try:
        parts = split(text)
        parts.port  # noqa: B018  (raises for "host:99999" or "host:x")
        return parts
    except ValueError:
        shown = (typed if typed is not None else text).strip()
        raise ValidationError(_("“%(value)s” is not a web address.") % {"value": shown}, code="invalid") from None
