"""What every benchmark shares: a PostgreSQL database of its own, the synthetic national tree,
timing a page through Django's test client, and writing results to bench/out/."""

import argparse
import atexit
import json
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from machine import load_average, print_load  # noqa: F401 (every bench takes them from here)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loa.settings")
os.environ["DEBUG"] = "false"
# Production refuses short secrets and needs its address; these are the benchmark's own.
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "b3nch-k3y-" * 4)
os.environ.setdefault("SITE_URL", "https://bench.loa.example.vn")
os.environ.setdefault("LOA_ENV_FILE", "")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_COOKIES", "false")
# A fixed key for the benchmark's own database only (Fernet: 32 url-safe base64 bytes).
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "YmVuY2gtb25seS1rZXktMzItYnl0ZXMtbG9uZyEhISE=")


# run_child asks its child to write its own peak memory here when it exits (see own_peak_mb).
PEAK_FILE_VARIABLE = "LOA_BENCH_PEAK_FILE"


def own_peak_mb():
    """This process's own peak resident memory (VmHWM), in MB. Not ru_maxrss: Linux carries the
    parent's resident size at fork over into the child's ru_maxrss (through exec too), so a child
    of a bench that had just issued a directive "peaked" at the parent's 530 MB before doing anything."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def _write_own_peak():
    Path(os.environ[PEAK_FILE_VARIABLE]).write_text(str(own_peak_mb()))


if os.environ.get(PEAK_FILE_VARIABLE):
    atexit.register(_write_own_peak)


def ensure_database():
    """Create the PostgreSQL database named in DATABASE_URL when it does not exist yet."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL database of its own, e.g. postgres://postgres@127.0.0.1:5432/loa_bench"
        )
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def national_tree(units, rebuild=False):
    """The synthetic tree with `units` CĐCS, built once and kept between runs; returns its root."""
    import django

    django.setup()
    from django.core.management import call_command

    from loa.demo.synthetic import ROOT_CODE, build_synthetic, remove_synthetic
    from loa.units.models import Unit

    call_command("migrate", verbosity=0)
    root = Unit.objects.filter(code=ROOT_CODE).first()
    if root and (rebuild or Unit.objects.subtree(root).filter(kind__is_grassroots=True).count() != units):
        print(f"removing the previous tree… ({remove_synthetic()} units)")
        root = None
    if root is None:
        print(f"building {units:,} CĐCS…", flush=True)
        summary = build_synthetic(units=units, seed=1)
        print(f"built {summary['units']:,} units in {summary['seconds']} s")
        with django.db.connection.cursor() as cur:
            # As autovacuum would, soon after a bulk load.
            for table in ("units_unit", "units_unitsearchrow", "units_unitsearchword", "loa_unit_search_due"):
                cur.execute(f"VACUUM ANALYZE {table}")
    return Unit.objects.get(code=ROOT_CODE)


def tree_benchmark(description):
    """The options of a benchmark of pages over the national tree (its size, requests per page, a
    fresh tree), then the tree's root, built when needed."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--units", type=int, default=130_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    ensure_database()
    return args, national_tree(args.units, args.rebuild)


def user_at(username, unit, role):
    from loa.accounts.models import Role, User

    user, _ = User.objects.get_or_create(username=username)
    Role.objects.get_or_create(user=user, unit=unit, role=role)
    return user


_PLAIN_RENDER = []  # Django's own Template._render, before the test environment instruments it


def issue_fanpage_report(root, admin, *, number, deadline):
    """The seed letter's directive, issued by `root` to every CĐCS under it, with one Fanpage report
    task due at `deadline`, through the product's own services; returns the task."""
    from django.utils import timezone

    from loa.directives import services

    directive = services.directive_create(
        by=admin,
        issuing_unit=root,
        number=number,
        kind="CV",
        issued_on=timezone.localdate(),
        summary="V/v báo cáo Trang Fanpage của Công đoàn cơ sở",
        body="Mỗi Công đoàn cơ sở báo cáo Trang Fanpage của mình.",
        signer_name="Nguyễn Văn A",
    )
    services.directive_set_recipients(by=admin, directive=directive, units=list(services.recipients_under(root)))
    task = services.task_add(
        by=admin, directive=directive, title="Báo cáo Trang Fanpage", report_form="fanpage", deadline=deadline
    )
    services.directive_issue(by=admin, directive=directive)
    return task


@contextmanager
def page_timing():
    """Responses keep their context; static files need no collectstatic (DEBUG is off)."""
    from django.template import Template
    from django.test.utils import override_settings, setup_test_environment

    _PLAIN_RENDER[:] = [Template._render]
    setup_test_environment()
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        yield


@contextmanager
def served_rendering():
    """Templates rendered as a server renders them. The test environment instruments every
    template's rendering so that the test client can keep its context (a signal and a copy of the
    context per template): 1–1.5 ms of a 15 ms page that no server spends."""
    from django.template import Template

    instrumented = Template._render
    Template._render = _PLAIN_RENDER[0] if _PLAIN_RENDER else instrumented
    try:
        yield
    finally:
        Template._render = instrumented


def measure(client, url, runs):
    """Median and 90th percentile of `runs` requests (after 3 warm-ups), and their query counts,
    rendered as a server renders (`served_rendering`); then one more request that keeps its
    context, for the figures the bench prints beside the times."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, counts = [], set()
    with served_rendering():
        for _ in range(3):
            client.get(url)
        for _ in range(runs):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            counts.add(len(ctx.captured_queries))
    response = client.get(url)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p90_ms": round(times[int(len(times) * 0.9) - 1], 1),
        "queries": sorted(counts),
        "response": response,
    }


def write_results(name, results):
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.json"
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str))
    return path


def run_child(script, args):
    """Run `script` with `args` in a process of its own and read the JSON its last line prints, with
    that process's own wall time, peak memory and CPU (so that a figure is never the parent's).

    The child (any script importing this module) writes its own peak memory when it exits
    (`own_peak_mb`); its CPU comes from os.wait4 (user + system time are not inherited)."""
    import subprocess
    import tempfile

    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as errors, tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        # Errors go to a file, not a pipe: a chatty child cannot block.
        env = {**os.environ, PEAK_FILE_VARIABLE: peak.name}
        proc = subprocess.Popen(
            [sys.executable, script, *args], stdout=subprocess.PIPE, stderr=errors, text=True, env=env
        )
        stdout = proc.stdout.read()
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            errors.seek(0)
            sys.stderr.write(errors.read())
            raise SystemExit(f"child {args} failed")
        own_peak = Path(peak.name).read_text()
    lines = stdout.strip().splitlines()
    result = json.loads(lines[-1])
    result["output"] = lines[:-1]  # what the child printed before its figures
    result["process_seconds"] = time.perf_counter() - started
    result["child_maxrss_mb"] = float(own_peak) if own_peak else usage.ru_maxrss / 1024
    result["child_cpu_seconds"] = usage.ru_utime + usage.ru_stime  # the whole process, Django setup included
    return result
