"""Settings as an installer meets them: every variable documented and in the example file, the
example passing Django's deployment check, and a development .env kept out of production."""

import base64
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from loa.env import parse_env_file

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "deploy" / "loa.env.example"


def _settings_variables():
    source = (ROOT / "loa" / "settings.py").read_text()
    return set(re.findall(r'env_[a-z_]+\(\s*"([A-Z][A-Z0-9_]+)"', source))


def _production_env(tmp_path, **overrides):
    """The example file with a real secret and key, as an installer fills it in."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env.update(parse_env_file(EXAMPLE))
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEY=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        LOA_VAR_DIR=str(tmp_path),
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    env.update(overrides)
    return env


def _run(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_every_setting_is_documented_and_in_the_example_file():
    variables = _settings_variables()
    assert {"SITE_URL", "SECRET_KEY", "TRUSTED_PROXIES", "FIELD_ENCRYPTION_KEY"} <= variables
    docs = (ROOT / "docs" / "configuration.md").read_text()
    example = EXAMPLE.read_text()
    undocumented = sorted(v for v in variables if f"`{v}`" not in docs)
    not_in_example = sorted(v for v in variables if not re.search(rf"^#?{v}=", example, re.MULTILINE))
    assert not undocumented, f"missing from docs/configuration.md: {undocumented}"
    assert not not_in_example, f"missing from deploy/loa.env.example: {not_in_example}"


def test_the_example_file_with_a_real_secret_passes_the_deployment_check(tmp_path):
    result = _run(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout


def test_the_example_file_as_shipped_is_refused_for_its_placeholder_secret(tmp_path):
    env = _production_env(tmp_path, SECRET_KEY=parse_env_file(EXAMPLE)["SECRET_KEY"])
    result = _run(env, "check")
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def test_production_refuses_to_start_without_the_site_address(tmp_path):
    env = _production_env(tmp_path)
    del env["SITE_URL"]
    result = _run(env, "check")
    assert result.returncode != 0 and "SITE_URL must be set" in result.stderr


def test_a_site_address_with_a_path_is_refused(tmp_path):
    result = _run(_production_env(tmp_path, SITE_URL="https://loa.example.vn/loa"), "check")
    assert result.returncode != 0 and "SITE_URL must be an address" in result.stderr


def _print_setting(env, name):
    code = f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "loa.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    return result


def test_a_development_env_file_is_not_read_when_the_environment_turns_debug_off(tmp_path):
    dotenv = tmp_path / "dev.env"
    dotenv.write_text("DEBUG=true\nEMAIL_BACKEND=django.core.mail.backends.console.EmailBackend\n")
    env = _production_env(tmp_path, LOA_ENV_FILE=str(dotenv))
    env.pop("EMAIL_BACKEND", None)
    result = _print_setting(env, "EMAIL_BACKEND")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend"


def test_a_development_env_file_is_read_in_development(tmp_path):
    dotenv = tmp_path / "dev.env"
    dotenv.write_text("DEBUG=true\nEMAIL_BACKEND=django.core.mail.backends.console.EmailBackend\n")
    env = {"PATH": os.environ["PATH"], "LOA_ENV_FILE": str(dotenv), "LOA_VAR_DIR": str(tmp_path)}
    result = _print_setting(env, "EMAIL_BACKEND")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.mail.backends.console.EmailBackend"


def test_an_env_file_that_turns_debug_off_is_refused_loudly(tmp_path):
    dotenv = tmp_path / "dev.env"
    dotenv.write_text("DEBUG=false\nSECRET_KEY=x\n")
    env = {"PATH": os.environ["PATH"], "LOA_ENV_FILE": str(dotenv), "LOA_VAR_DIR": str(tmp_path)}
    result = _print_setting(env, "DEBUG")
    assert result.returncode != 0
    assert "a .env file is read in development only" in result.stderr


@pytest.mark.parametrize(
    "header, expected", [("X-Forwarded-Proto", "('HTTP_X_FORWARDED_PROTO', 'https')"), ("", "None")]
)
def test_the_proxy_ssl_header_comes_from_the_environment(tmp_path, header, expected):
    result = _print_setting(_production_env(tmp_path, SECURE_PROXY_SSL_HEADER=header), "SECURE_PROXY_SSL_HEADER")
    assert result.stdout.strip() == expected, result.stderr


def test_allowed_hosts_and_trusted_origins_default_to_the_site_address(tmp_path):
    env = _production_env(tmp_path, SITE_URL="https://loa.ldld-caobang.vn")
    del env["ALLOWED_HOSTS"]
    assert _print_setting(env, "ALLOWED_HOSTS").stdout.strip() == "['loa.ldld-caobang.vn']"
    assert _print_setting(env, "CSRF_TRUSTED_ORIGINS").stdout.strip() == "['https://loa.ldld-caobang.vn']"


def test_production_with_redis_keeps_sessions_in_the_database_read_through_redis(tmp_path):
    result = _print_setting(_production_env(tmp_path), "SESSION_ENGINE")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "loa.accounts.sessions"


def test_files_stay_on_the_disk_unless_storage_url_says_a_bucket(tmp_path):
    on_disk = _print_setting(_production_env(tmp_path), "STORAGES['default']['BACKEND']")
    bucket = _print_setting(
        _production_env(tmp_path, STORAGE_URL="s3://loa-files?endpoint_url=https://s3.example.vn&region=hn"),
        "STORAGES['default']['BACKEND']",
    )
    assert on_disk.stdout.strip() == "loa.core.storage.LocalStorage", on_disk.stderr
    assert bucket.stdout.strip() == "loa.core.storage.ObjectStorage", bucket.stderr
