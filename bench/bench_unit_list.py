"""Benchmark: the unit list with a search, over a national tree of 130,000 CĐCS.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loa_bench .venv/bin/python bench/bench_unit_list.py

Builds the synthetic tree once (kept between runs when it has the requested size), then asks
/units/ for a few searches as a national admin, a province admin and an upper-union leader:
median and 90th percentile over RUNS requests through Django's test client (middleware, session,
view, template), and the number of SQL queries of each request. Runs with DEBUG off.
Options: --units N (default 130000), --runs N (default 30), --rebuild.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loa.settings")
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_COOKIES", "false")

GOAL_MS = 50
QUERIES = [
    ("cong doan truong", "cong doan truong"),
    ("truong tieu hoc", "truong tieu hoc"),
    ("a rare name", "tan loc"),
    ("a code", "TLD-08-003-0012"),
    ("no search, first page", ""),
    ("no search, page 100", None),
]


def ensure_database():
    """Create the PostgreSQL database named in DATABASE_URL when it does not exist yet."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own, e.g. postgres://postgres@127.0.0.1:5432/loa_bench")
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup(units, rebuild):
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
            cur.execute("VACUUM ANALYZE units_unit")  # as autovacuum would, soon after a bulk load
    return Unit.objects.get(code=ROOT_CODE)


def bench_users(root):
    from loa.accounts.models import Role, User
    from loa.units.models import Unit

    big = Unit.objects.get(code=f"{root.code}-02")  # Thành phố Hồ Chí Minh, the largest
    small = Unit.objects.get(code=f"{root.code}-08")  # Cao Bằng
    upper = Unit.objects.filter(parent=Unit.objects.get(code=f"{root.code}-01")).order_by("code")[4]
    users = {}
    for username, unit, role, label in [
        ("bench-province-big", big, "admin", f"province admin, {big.short_name} ({Unit.objects.subtree(big).count():,})"),
        ("bench-province", small, "admin", f"province admin, {small.short_name} ({Unit.objects.subtree(small).count():,})"),
        ("bench-upper", upper, "leader", f"commune union leader ({Unit.objects.subtree(upper).count():,})"),
        ("bench-national", root, "admin", f"national admin ({Unit.objects.subtree(root).count():,})"),
    ]:
        user, _ = User.objects.get_or_create(username=username)
        Role.objects.get_or_create(user=user, unit=unit, role=role)
        users[label] = user
    return users


def measure(client, url, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        client.get(url)
    times, counts = [], set()
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        counts.add(len(ctx.captured_queries))
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p90_ms": round(times[int(len(times) * 0.9) - 1], 1),
        "queries": sorted(counts),
        "found": response.context["page"].paginator.count if response.context else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=130_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    ensure_database()
    root = setup(args.units, args.rebuild)

    from urllib.parse import urlencode

    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()  # so that responses carry their template context
    results = []
    # DEBUG off wants collected static files; the page's own cost is what is measured here.
    with override_settings(STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }):
        for who, user in bench_users(root).items():
            client = Client()
            client.force_login(user)
            for label, q in QUERIES:
                url = "/units/?" + (urlencode({"q": q}) if q is not None else "page=100")
                r = measure(client, url, args.runs)
                results.append({"user": who, "search": label, "url": url, **r})
                ok = "ok" if r["median_ms"] < GOAL_MS else "SLOW"
                print(f"{who:42} {label:22} {r['median_ms']:7.1f} ms (p90 {r['p90_ms']:6.1f})"
                      f"  {'/'.join(map(str, r['queries']))} queries  {r['found'] if r['found'] is not None else '':>8}  {ok}",
                      flush=True)
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "unit_list.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    slow = [r for r in results if r["median_ms"] >= GOAL_MS]
    print(f"{len(results) - len(slow)}/{len(results)} under {GOAL_MS} ms median; results in bench/out/unit_list.json")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
