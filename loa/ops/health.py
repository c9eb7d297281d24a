"""What /healthz checks: the parts Loa cannot work without, and whether work is piling up.

Each check answers a small dict with `ok`. Errors are reported by their class only: the answer is
public (load balancers ask without logging in), so it must not carry addresses or passwords.
"""

import time
import uuid
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from loa.jobs.models import Job
from loa.notifications.models import Message

BROKER_TIMEOUT_SECONDS = 2


def _timed(func):
    started = time.monotonic()
    try:
        extra = func() or {}
    except Exception as exc:  # noqa: BLE001  (a health check reports every failure, it never raises)
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1), **extra}


def check_database():
    def probe():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    return _timed(probe)


def check_cache():
    def probe():
        key, value = "loa:healthz", uuid.uuid4().hex
        cache.set(key, value, 30)
        if cache.get(key) != value:
            raise LookupError("cache did not keep a value")

    return _timed(probe)


def check_broker():
    if not settings.CELERY_BROKER_URL:
        return {"ok": True, "used": False}

    def probe():
        from kombu import Connection

        with Connection(settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT_SECONDS) as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)

    return _timed(probe)


def check_storage():
    """Whether the file storage answers: a look-up of a name that need not exist (with a bucket,
    one HEAD request, which also proves the keys; on disk, a stat)."""

    def probe():
        default_storage.exists("healthz-probe")

    return _timed(probe)


def _waited(since: datetime | None, now: datetime) -> int:
    return max(0, int((now - since).total_seconds())) if since else 0


def check_queues(now=None):
    """The oldest job waiting to start and the oldest message due to be sent, in seconds: when
    the workers stop, these grow, and a monitor should hear of it before the users do."""
    now = now or timezone.now()
    limit = settings.HEALTHZ_MAX_WAIT

    def probe():
        oldest_job = Job.objects.filter(status=Job.Status.QUEUED).aggregate(at=Min("created_at"))["at"]
        due = Q(status__in=[Message.Status.QUEUED, Message.Status.HELD]) & (
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )
        oldest_message = Message.objects.filter(due).aggregate(at=Min(Coalesce("next_attempt_at", "created_at")))["at"]
        return {"oldest_job_seconds": _waited(oldest_job, now), "oldest_message_seconds": _waited(oldest_message, now)}

    result = _timed(probe)
    if result["ok"]:
        result["max_seconds"] = limit
        result["ok"] = max(result["oldest_job_seconds"], result["oldest_message_seconds"]) <= limit
    return result


def run_web_checks():
    """What a load balancer needs to know of one web server: can it answer a page? Only its own
    database connection says so. Redis, the broker and the queues are shared by every web server:
    failing on them would take all of them out of the balancer at once, which helps nobody."""
    checks = {"database": check_database()}
    return checks["database"]["ok"], checks


def run_checks():
    checks = {
        "database": check_database(),
        "cache": check_cache(),
        "broker": check_broker(),
        "storage": check_storage(),
    }
    # Without a database the queues cannot be read; say so once, under the database.
    checks["queues"] = check_queues() if checks["database"]["ok"] else {"ok": False, "error": "database"}
    return all(c["ok"] for c in checks.values()), checks
