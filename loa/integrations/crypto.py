"""Tokens at rest: Fernet encryption with the key(s) in settings.FIELD_ENCRYPTION_KEY.

The first key encrypts; every key decrypts, so a key can be rotated by putting the new one first.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class DecryptionError(Exception):
    """A stored value could not be decrypted: the key changed. Never carries the value."""


@lru_cache(maxsize=4)
def _fernet(keys):
    return MultiFernet([Fernet(key.strip().encode()) for key in keys.split(",") if key.strip()])


def fernet():
    keys = getattr(settings, "FIELD_ENCRYPTION_KEY", "")
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is not set")
    return _fernet(keys)


def encrypt(text):
    if text is None:
        return None
    return fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token):
    if token is None:
        return None
    if token == "":
        return ""
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        raise DecryptionError("a stored secret could not be decrypted with FIELD_ENCRYPTION_KEY") from None


class EncryptedTextField(models.TextField):
    """A text column stored encrypted. Python sees plain text; the database sees Fernet tokens.

    Encryption is randomised, so the column cannot be searched or compared in SQL.
    """

    def from_db_value(self, value, expression, connection):
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name not in ("isnull",):
            return None
        return super().get_lookup(lookup_name)
