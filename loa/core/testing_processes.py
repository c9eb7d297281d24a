"""Other processes on the test database, as other machines would be: Loa's settings from the
environment, the test database by URL, and commands started together.

    env = child_env(tmp_path, STORAGE_URL=...)
    results = run_together(["send_reminders", "--day", "2021-04-27"], count=2, env=env, tmp_path=tmp_path)

Used by the tests with several workers (jobs, outbox, scheduled commands, files in a bucket).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The test database for another process: SQLite's test file (loa/env.py names it) or PostgreSQL's."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def child_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a child Loa process on the test database, with its own var/ and media."""
    return dict(
        os.environ,
        LOA_ENV_FILE="",
        LOA_VAR_DIR=str(tmp_path),
        MEDIA_ROOT=str(tmp_path / f"media-{os.urandom(4).hex()}"),
        DEBUG="true",
        SECRET_KEY="test",
        JOBS_BACKEND="database",
        DATABASE_URL=database_url(),
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="loa.settings",
        **extra,
    )


def run_together(
    command: list[str], *, count: int, env: dict[str, str], tmp_path: Path, timeout: float = 120
) -> list[subprocess.CompletedProcess[str]]:
    """Run `manage.py <command>` in `count` processes released at the same moment (each sets
    Django up, says it is ready, then waits for the start file), and return how each ended."""
    signals = tmp_path / f"together-{os.urandom(4).hex()}"
    signals.mkdir()
    start = signals / "start"
    code = (
        "import os, sys, time, django\n"
        "django.setup()\n"
        f"open(os.path.join({str(signals)!r}, 'ready-%d' % os.getpid()), 'w').close()\n"
        f"while not os.path.exists({str(start)!r}): time.sleep(0.005)\n"
        "from django.core.management import call_command\n"
        "from django.core.management.base import CommandError\n"
        "try:\n"
        f"    call_command(*{command!r})\n"
        "except CommandError as exc:\n"
        "    print(exc, file=sys.stderr); sys.exit(1)\n"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(count)
    ]
    deadline = time.monotonic() + 60
    while len(list(signals.glob("ready-*"))) < count:
        if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
            break  # the results below say why
        time.sleep(0.02)
    start.touch()
    results = []
    for process in processes:
        out, err = process.communicate(timeout=timeout)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results
