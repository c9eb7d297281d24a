"""Backups of a Loa instance and their restore: the database, the uploaded files and a manifest.

A backup is a directory:

    manifest.json     when, which database engine, the latest migration of each app, row counts
                      to check a restore against, and the SHA-256 of each file below
    database.dump     PostgreSQL: `pg_dump --format=custom` (search tables and triggers included)
    database.sqlite3  SQLite: a consistent copy made with SQLite's backup API
    media.tar.gz      the kept files: MEDIA_ROOT as it is, or, with STORAGE_URL, every object of
                      the bucket (under its prefix) copied through the storage API
    README.txt        what is in it, and what is deliberately not

With object storage a restore writes the backup's objects back under their names, and leaves the
objects made since in the bucket (a bucket cannot be moved aside as a directory is): no row names
them, so no page reaches them. A bucket's own versioning and replication (the store's, outside Loa)
are the better guard against losing objects between two backups (docs/deploy.md).

The secrets are not in it: SECRET_KEY and FIELD_ENCRYPTION_KEY live in /etc/loa/loa.env and must
be kept apart (a stolen backup must not carry the key to the tokens inside it). Without the same
FIELD_ENCRYPTION_KEY, stored Facebook and Zalo tokens cannot be read after a restore.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

DUMP = "database.dump"
SQLITE = "database.sqlite3"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"
FORMAT_VERSION = 1

README = """Loa backup made {created_at}.

database: {database}
files:    {media}

Not in this backup, on purpose: SECRET_KEY and FIELD_ENCRYPTION_KEY (in /etc/loa/loa.env).
Keep a copy of that file apart from the backups. Restoring needs the same FIELD_ENCRYPTION_KEY,
or the stored Facebook and Zalo tokens cannot be read.

Restore: deploy/loa-manage restore --yes {path}
"""

# Counted at backup time and compared after a restore.
COUNTED = ("units.Unit", "accounts.User", "directives.Report", "articles.Submission", "audit.AuditEntry")


class BackupError(Exception):
    pass


@dataclass
class Database:
    engine: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def current(cls):
        db = settings.DATABASES["default"]
        engine = "postgresql" if db["ENGINE"].endswith("postgresql") else "sqlite"
        return cls(
            engine,
            str(db["NAME"]),
            db.get("USER", ""),
            db.get("PASSWORD", ""),
            db.get("HOST", ""),
            str(db.get("PORT", "")),
        )

    def pg_args(self):
        args = ["--dbname", self.name]
        for flag, value in (("--host", self.host), ("--port", self.port), ("--username", self.user)):
            if value:
                args += [flag, value]
        return args

    def pg_env(self):
        # The password goes by the environment, never on a command line that `ps` shows.
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def _run(args, *, env=None):
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()[-2000:]}")
    return result


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _counts():
    from django.apps import apps

    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def _migrations():
    latest = {}
    for app, name in MigrationRecorder.Migration.objects.values_list("app", "name").order_by("app", "name"):
        latest[app] = name
    return latest


def backup(destination, *, log=print):
    """Write a backup into `destination` (a new or empty directory). Returns the manifest."""
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    if any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty: give a new directory for each backup")
    database = Database.current()
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "engine": database.engine,
        "migrations": _migrations(),
        "counts": _counts(),
        "files": {},
    }
    if database.engine == "postgresql":
        log(f"Dumping the PostgreSQL database {database.name}…")
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(destination / DUMP),
                *database.pg_args(),
            ],
            env=database.pg_env(),
        )
        db_file = DUMP
    else:
        log(f"Copying the SQLite database {database.name}…")
        with sqlite3.connect(database.name) as source, sqlite3.connect(destination / SQLITE) as target:
            source.backup(target)
        db_file = SQLITE
    if on_disk():
        media_root = Path(settings.MEDIA_ROOT)
        log(f"Archiving the files in {media_root}…")
        with tarfile.open(destination / MEDIA, "w:gz") as archive:
            if media_root.exists():
                archive.add(media_root, arcname=".")
    else:
        log("Copying the files from the object storage…")
        log(f"{archive_storage(default_storage, destination / MEDIA)} files copied")
    for name in (db_file, MEDIA):
        manifest["files"][name] = _sha256(destination / name)
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    (destination / "README.txt").write_text(
        README.format(created_at=manifest["created_at"], database=db_file, media=MEDIA, path=destination)
    )
    return manifest


def on_disk():
    """Whether the kept files are on this machine's disk (MEDIA_ROOT) rather than in a bucket."""
    return isinstance(default_storage, FileSystemStorage)


def stored_names(storage: Storage, folder=""):
    """Every file's name in `storage`, walked through the storage API (a bucket lists its keys)."""
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from stored_names(storage, f"{folder}/{sub}" if folder else sub)


def archive_storage(storage: Storage, path):
    """Write every file of `storage` into the tar.gz at `path`, under its stored name; returns how many."""
    count = 0
    with tarfile.open(path, "w:gz") as archive:
        for name in stored_names(storage):
            with storage.open(name, "rb") as handle:
                info = tarfile.TarInfo(name)
                info.size, info.mtime = handle.size, int(time.time())
                archive.addfile(info, handle)
            count += 1
    return count


def restore_storage(storage: Storage, path):
    """Write every file of the tar.gz at `path` back into `storage` under its own name; returns how many.

    A member that is not a plain file, or whose name is absolute or climbs out (`..`), is refused
    before anything is written, as tarfile's "data" filter refuses it on disk.
    """
    with tarfile.open(path, "r:gz") as archive:
        members = [tarfile.data_filter(member, "/restore") for member in archive.getmembers()]
        files = [member for member in members if member.isfile()]
        for member in files:
            name = member.name.removeprefix("./")
            if storage.exists(name):
                storage.delete(name)  # the backup's bytes win; never a renamed copy beside them
            handle = archive.extractfile(member)
            saved = storage.save(name, File(handle, name=name))
            if saved != name:
                raise BackupError(f"{name} was stored as {saved}")
    return len(files)


def read_manifest(source):
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source} holds no readable {MANIFEST}: {exc}") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{source} is a backup of format {manifest.get('format')!r}; this Loa reads {FORMAT_VERSION}")
    for name, expected in manifest["files"].items():
        path = source / name
        if not path.exists() or _sha256(path) != expected:
            raise BackupError(f"{path} is missing or damaged (its SHA-256 differs from the manifest)")
    return manifest


def restore(source, *, log=print):
    """Replace this instance's database and files with the backup in `source`.

    The database is emptied first (everything in the public schema, or the SQLite file), so that
    nothing made after the backup survives beside it. The files in MEDIA_ROOT are moved aside to
    `<MEDIA_ROOT>.before-restore-<time>`, never deleted: a mistaken restore loses nothing. Objects in
    a bucket are written back over (see the module's text).
    """
    source = Path(source)
    manifest = read_manifest(source)
    database = Database.current()
    if manifest["engine"] != database.engine:
        raise BackupError(f"This backup is of a {manifest['engine']} database; this instance uses {database.engine}")
    connection.close()
    if database.engine == "postgresql":
        log(f"Emptying the PostgreSQL database {database.name}…")
        _run(
            [
                "psql",
                "--quiet",
                "--no-psqlrc",
                "-v",
                "ON_ERROR_STOP=1",
                *database.pg_args(),
                "-c",
                "DROP SCHEMA public CASCADE",
                "-c",
                "CREATE SCHEMA public",
            ],
            env=database.pg_env(),
        )
        log("Restoring the database…")
        _run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *database.pg_args(), str(source / DUMP)],
            env=database.pg_env(),
        )
    else:
        log(f"Replacing the SQLite database {database.name}…")
        for suffix in ("-wal", "-shm"):
            Path(database.name + suffix).unlink(missing_ok=True)
        with sqlite3.connect(source / SQLITE) as backup_db, sqlite3.connect(database.name) as target:
            backup_db.backup(target)
    if not on_disk():
        log("Writing the files back into the object storage…")
        log(f"{restore_storage(default_storage, source / MEDIA)} files restored")
        connection.close()
        return manifest
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists() and any(media_root.iterdir()):
        aside = media_root.with_name(f"{media_root.name}.before-restore-{timezone.now():%Y%m%d-%H%M%S}")
        log(f"Moving the current files aside to {aside}…")
        shutil.move(media_root, aside)
    media_root.mkdir(parents=True, exist_ok=True)
    log(f"Restoring the files into {media_root}…")
    with tarfile.open(source / MEDIA, "r:gz") as archive:
        # The "data" filter refuses absolute paths, "..", links out of the tree and device files.
        archive.extractall(media_root, filter="data")
    connection.close()
    return manifest


def verify(manifest):
    """Row counts after a restore, compared with the backup's: the differences, empty if none."""
    now = _counts()
    return {label: (count, now.get(label)) for label, count in manifest["counts"].items() if now.get(label) != count}
