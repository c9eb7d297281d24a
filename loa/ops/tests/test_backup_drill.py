"""The backup drill: make a union's data, back it up, lose everything, restore, find it all back.

It runs the real commands in child processes against a database of its own, of the same engine
as the suite (CI runs it on SQLite and on PostgreSQL), and a files directory of its own.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from loa.ops.tests.drill_data import ATTACHMENT

ROOT = Path(__file__).resolve().parents[3]
IS_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.fixture
def instance(tmp_path):
    """Environment variables of a separate Loa instance, and a way to drop its database."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PGHOST", "PGUSER")}
    env.update(
        DEBUG="true",
        SECRET_KEY="drill-" + uuid.uuid4().hex,
        LOA_ENV_FILE="",
        LOA_VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(tmp_path / "media"),
        JOBS_BACKEND="inline",
        SITE_URL="https://loa.example.vn",
    )
    if IS_POSTGRES:
        db = settings.DATABASES["default"]
        name = f"loa_drill_{uuid.uuid4().hex[:10]}"
        userinfo = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        env["DATABASE_URL"] = f"postgres://{userinfo}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
        _psql(env, "postgres", f'CREATE DATABASE "{name}"')
        yield env
        _psql(env, "postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'var' / 'loa.sqlite3'}"
        yield env


def _psql(env, database, sql):
    db = settings.DATABASES["default"]
    args = [
        "psql",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        db["HOST"] or "127.0.0.1",
        "-p",
        str(db["PORT"] or 5432),
        "-U",
        db["USER"],
        "-d",
        database,
        "-c",
        sql,
    ]
    subprocess.run(args, env={**env, "PGPASSWORD": db["PASSWORD"] or ""}, check=True, capture_output=True)


def _manage(env, *args, input=None):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=input,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:] + result.stdout[-3000:]
    return result.stdout


def _check(env):
    out = _manage(env, "shell", "-c", "from loa.ops.tests.drill_data import check; check()")
    return json.loads(out.strip().splitlines()[-1])


def _lose_everything(env):
    if IS_POSTGRES:
        name = env["DATABASE_URL"].rsplit("/", 1)[1]
        _psql(env, name, "DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    else:
        Path(env["DATABASE_URL"].removeprefix("sqlite:///")).unlink()
    shutil.rmtree(env["MEDIA_ROOT"])


def test_a_backup_restores_every_unit_report_file_and_photo_after_everything_is_lost(instance, tmp_path):
    env = instance
    _manage(env, "migrate", "--noinput")
    _manage(env, "shell", "-c", "from loa.ops.tests.drill_data import create; create()")
    before = _check(env)
    assert before["attachment_sha256"] == hashlib.sha256(ATTACHMENT).hexdigest()
    assert before["search"] == ["CS-A"] and before["search_rows"] is IS_POSTGRES

    out = _manage(env, "backup", "--to", str(tmp_path / "backup"))
    assert "FIELD_ENCRYPTION_KEY" in out
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["counts"]["units.Unit"] == 4 and manifest["counts"]["articles.Submission"] == 1
    assert "SECRET_KEY" not in (tmp_path / "backup" / "manifest.json").read_text().replace("SECRET_KEY and", "")

    _lose_everything(env)
    _manage(env, "restore", "--yes", str(tmp_path / "backup"))

    assert _check(env) == before


def test_a_damaged_backup_is_refused_and_nothing_is_changed(instance, tmp_path):
    env = instance
    _manage(env, "migrate", "--noinput")
    _manage(env, "shell", "-c", "from loa.ops.tests.drill_data import create; create()")
    _manage(env, "backup", "--to", str(tmp_path / "backup"))
    with open(tmp_path / "backup" / "media.tar.gz", "r+b") as f:
        f.seek(40)
        f.write(b"\x00damage\x00")
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", "--yes", str(tmp_path / "backup")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "damaged" in result.stderr
    assert _check(env)["units"] == ["CDVC", "CS-A", "CS-B", "LDLD"]


def test_a_restore_asks_before_replacing_anything(instance, tmp_path):
    env = instance
    _manage(env, "migrate", "--noinput")
    _manage(env, "backup", "--to", str(tmp_path / "backup"))
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(tmp_path / "backup")],
        cwd=ROOT,
        env=env,
        input="no\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "Nothing was changed" in result.stderr
