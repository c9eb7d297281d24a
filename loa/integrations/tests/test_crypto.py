import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from loa.integrations.crypto import DecryptionError, decrypt, encrypt
from loa.integrations.models import ZaloCredential

ROOT = Path(__file__).resolve().parents[3]


def test_a_secret_survives_the_round_trip_but_is_not_stored_in_clear():
    token = encrypt("zat-very-secret")

    assert "zat-very-secret" not in token
    assert decrypt(token) == "zat-very-secret"
    assert encrypt("zat-very-secret") != token  # randomised


def test_a_new_key_put_first_still_reads_what_the_old_key_wrote(settings):
    old = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = old
    token = encrypt("zrt-old")

    settings.FIELD_ENCRYPTION_KEY = f"{Fernet.generate_key().decode()},{old}"

    assert decrypt(token) == "zrt-old"


def test_a_wrong_key_fails_without_showing_anything(settings):
    token = encrypt("zrt-do-not-show")
    settings.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()

    with pytest.raises(DecryptionError) as failed:
        decrypt(token)
    assert "zrt-do-not-show" not in str(failed.value) and token not in str(failed.value)


@pytest.mark.django_db
def test_the_credential_columns_hold_ciphertext():
    credential = ZaloCredential.objects.create(oa_id="1", access_token="zat-abc", refresh_token="zrt-def")

    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM integrations_zalocredential")
        raw = cursor.fetchone()
    assert "zat-abc" not in raw[0] and "zrt-def" not in raw[1]
    assert ZaloCredential.objects.get(pk=credential.pk).refresh_token == "zrt-def"
    assert "zat-abc" not in repr(credential)


# Production settings refuse a short secret before they look at the encryption key.
PRODUCTION_SECRET = "production-secret-" + "x7Qp" * 10


def _settings_with(**env):
    base = {k: v for k, v in os.environ.items() if k not in ("FIELD_ENCRYPTION_KEY", "DEBUG", "SECRET_KEY")}
    base.update(
        LOA_ENV_FILE="/nonexistent/.env", DATABASE_URL="sqlite:////tmp/loa-integrations-settings.sqlite3", **env
    )
    return subprocess.run(
        [sys.executable, "-c", "import loa.settings as s; print(len(s.FIELD_ENCRYPTION_KEY))"],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_an_encryption_key():
    result = _settings_with(DEBUG="false", SECRET_KEY=PRODUCTION_SECRET, SITE_URL="https://loa.example.vn")

    assert result.returncode != 0 and "FIELD_ENCRYPTION_KEY must be set" in result.stderr


def test_production_refuses_a_malformed_encryption_key():
    result = _settings_with(
        DEBUG="false", SECRET_KEY=PRODUCTION_SECRET, SITE_URL="https://loa.example.vn", FIELD_ENCRYPTION_KEY="short"
    )

    assert result.returncode != 0 and "Fernet keys" in result.stderr


def test_development_derives_a_key_from_the_secret_key():
    result = _settings_with(DEBUG="true", SECRET_KEY="dev")

    assert result.returncode == 0 and result.stdout.strip() == "44"
