"""Django's own messages that users meet are in Vietnamese too (loa/locale fills Django's gaps)."""

import pytest
from django.contrib.auth.password_validation import get_default_password_validators
from django.core.exceptions import ValidationError
from django.utils import translation


@pytest.mark.parametrize("password", ["abc", "12345678901", "password", "alice-alice"])
def test_every_password_validator_speaks_vietnamese(password, alice):
    with translation.override("vi"):
        for validator in get_default_password_validators():
            try:
                validator.validate(password, alice)
            except ValidationError as exc:
                for message in exc.messages:
                    assert not message.isascii(), f"{type(validator).__name__}: {message!r} is not translated"
            help_text = validator.get_help_text()
            assert not help_text.isascii(), f"{type(validator).__name__}: {help_text!r} is not translated"
