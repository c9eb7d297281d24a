"""Two delivery runs at the same moment send every message exactly once (SQLite and PostgreSQL)."""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from loa.notifications.delivery import deliver_due
from loa.notifications.models import Message

pytestmark = pytest.mark.django_db(transaction=True)

REPO = Path(__file__).resolve().parents[3]
on_sqlite = pytest.mark.skipif(
    "sqlite" in os.environ.get("DATABASE_URL", "sqlite"),
    reason="threads share SQLite's in-memory test database, which answers 'table is locked' instead of "
    "waiting; the two-process test below covers SQLite on a file, as it runs in production",
)


def _run_together(count, target):
    start = threading.Barrier(count)
    results, errors = [None] * count, []

    def worker(i):
        try:
            start.wait()
            results[i] = target()
        except Exception as exc:  # noqa: BLE001 - reported below, so the test fails with the cause
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own database connection

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


@on_sqlite
def test_two_runs_started_together_deliver_each_message_exactly_once(smtp_server):
    Message.objects.bulk_create(
        Message(
            channel="email", recipient=f"cdcs{i}@example.vn", template="t", subject=f"Nhắc việc {i}", body="Nội dung"
        )
        for i in range(40)
    )

    counts = _run_together(2, lambda: deliver_due(limit=40))

    assert sum(counts) == 40
    received = Counter(m.rcpt_tos[0] for m in smtp_server.wait_for(40))
    assert len(received) == 40
    assert set(received.values()) == {1}
    assert Message.objects.filter(status="sent").count() == 40
    assert not Message.objects.exclude(claimed_by="").exists()


@on_sqlite
def test_many_small_runs_together_still_send_each_message_once(smtp_server):
    Message.objects.bulk_create(
        Message(channel="email", recipient=f"u{i}@example.vn", template="t", subject="Thử", body="…") for i in range(30)
    )

    def drain():
        total = 0
        while n := deliver_due(limit=3):
            total += n
        return total

    counts = _run_together(4, drain)

    assert sum(counts) == 30
    received = Counter(m.rcpt_tos[0] for m in smtp_server.wait_for(30))
    assert max(received.values()) == 1 and len(received) == 30


def _database_for_other_processes(tmp_path):
    """A DATABASE_URL other processes can open, and a function counting messages by status in it."""
    if connection.vendor == "sqlite":
        # Copy the in-memory test database to a file, as production runs SQLite (in WAL mode).
        path = tmp_path / "outbox.sqlite3"
        target = sqlite3.connect(path)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
        target.close()

        def count(status):
            with sqlite3.connect(path) as db:
                return db.execute("SELECT count(*) FROM notifications_message WHERE status = ?", [status]).fetchone()[0]

        return f"sqlite:///{path}", count
    s = connection.settings_dict
    url = f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    return url, lambda status: Message.objects.filter(status=status).count()


def test_two_send_outbox_workers_deliver_each_message_exactly_once(smtp_server, tmp_path):
    total = 300
    Message.objects.bulk_create(
        Message(channel="email", recipient=f"w{i}@example.vn", template="t", subject=f"Việc {i}", body="Nội dung")
        for i in range(total)
    )
    url, count = _database_for_other_processes(tmp_path)
    env = dict(
        os.environ,
        LOA_ENV_FILE=str(tmp_path / "no.env"),
        LOA_VAR_DIR=str(tmp_path),
        DEBUG="true",
        SECRET_KEY="test",
        JOBS_BACKEND="database",
        DATABASE_URL=url,
        LOG_LEVEL="WARNING",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST=smtp_server.host,
        EMAIL_PORT=str(smtp_server.port),
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_USE_TLS="false",
        EMAIL_USE_SSL="false",
    )
    command = [sys.executable, "manage.py", "send_outbox", "--loop", "--limit", "5", "--interval", "0.05"]
    workers = [
        subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 90
        while count("sent") < total and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        outputs = []
        for worker in workers:
            worker.send_signal(signal.SIGINT)
        for worker in workers:
            out, err = worker.communicate(timeout=30)
            outputs.append((out, err))

    assert count("sent") == total, outputs
    received = Counter(m.rcpt_tos[0] for m in smtp_server.wait_for(total))
    assert len(received) == total
    assert set(received.values()) == {1}
    reported = [int(out.strip().splitlines()[-1].rsplit(" ", 1)[1]) for out, _ in outputs]
    assert sum(reported) == total, outputs
