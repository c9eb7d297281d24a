#!/usr/bin/env python
"""Articles at province scale: 130,000 units and 1.3 million pieces on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres loa_articles_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loa_articles_bench .venv/bin/python bench/bench_articles.py
    (--units N --submissions N to change the size; --fresh to regenerate)

Rows are written with COPY (a minute or two), the rollups rebuilt once, then the pages are timed
through Django's test client (the whole view: queries, template, response):
- the province progress table (target < 300 ms median) and one upper unit's table;
- one CĐCS's page (target < 50 ms median);
- their query counts, which must not grow with the data;
- for comparison, the plain grouped scan of the counted pieces that the rollups avoid.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loa.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"

import django

django.setup()

from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from loa.accounts.models import User
from loa.articles import rollups
from loa.articles.demo import channels
from loa.articles.models import Submission
from loa.core.text import fold, sort_key
from loa.units.models import Unit, UnitKind

YEAR = 2021
STATES = (
    ["published"] * 62
    + ["accepted"] * 8
    + ["in_review"] * 6
    + ["submitted"] * 6
    + ["returned"] * 6
    + ["rejected"] * 4
    + ["draft"] * 8
)


def generate(n_units, n_subs, uppers):
    rng = random.Random(130)
    now = datetime.now(UTC)
    kinds = {
        code: UnitKind.objects.get_or_create(code=code, defaults={"name": name, "is_grassroots": g, "order": o})[0]
        for code, name, g, o in (
            ("ldld-tinh", "LĐLĐ tỉnh", False, 1),
            ("cd-cap-tren", "Công đoàn cấp trên", False, 2),
            ("cdcs", "Công đoàn cơ sở", True, 3),
        )
    }
    chans = channels()
    t0 = time.perf_counter()
    units = []  # (id, parent, path, depth, kind, code, name, members)
    units.append((1, None, "/1/", 0, kinds["ldld-tinh"].pk, "LDLD", "Liên đoàn Lao động tỉnh", 0))
    for i in range(uppers):
        uid = 2 + i
        units.append(
            (uid, 1, f"/1/{uid}/", 1, kinds["cd-cap-tren"].pk, f"CT{i:04d}", f"Công đoàn cấp trên số {i + 1}", 0)
        )
    first = 2 + uppers
    for j in range(n_units - 1 - uppers):
        uid, parent = first + j, 2 + j % uppers
        units.append(
            (
                uid,
                parent,
                f"/1/{parent}/{uid}/",
                2,
                kinds["cdcs"].pk,
                f"CS{j:06d}",
                f"Công đoàn cơ sở Trường số {j + 1}",
                rng.choice((25, 40, 60, 120, 350)),
            )
        )
    with connection.cursor() as cur:
        with cur.cursor.copy(
            "COPY units_unit (id, parent_id, path, depth, kind_id, code, name, short_name, members_count, staff_count, address, "
            "contact_name, phone, email, name_sort, search_text, created_at, updated_at) FROM STDIN"
        ) as copy:
            for uid, parent, path, depth, kind, code, name, members in units:
                copy.write_row(
                    (
                        uid,
                        parent,
                        path,
                        depth,
                        kind,
                        code,
                        name,
                        "",
                        members,
                        members,
                        "",
                        "",
                        "",
                        "",
                        sort_key(name),
                        fold(f"{code} {name}"),
                        now,
                        now,
                    )
                )
        cur.execute("SELECT setval(pg_get_serial_sequence('units_unit', 'id'), %s)", [n_units + 10])
        print(f"units: {len(units):,} in {time.perf_counter() - t0:.1f}s", flush=True)

        t0 = time.perf_counter()
        cdcs = [u for u in units if u[3] == 2]
        with cur.cursor.copy(
            "COPY articles_quota (year, unit_id, kind, target, notice, prorated, note, updated_at) FROM STDIN"
        ) as copy:
            for u in cdcs:
                big = u[7] >= 100
                copy.write_row((YEAR, u[0], "news", 6 if big else 4, "812/TB-CĐVC ngày 22/02/2021", False, "", now))
                copy.write_row((YEAR, u[0], "article", 3 if big else 2, "812/TB-CĐVC ngày 22/02/2021", False, "", now))
        print(f"quotas: {2 * len(cdcs):,} in {time.perf_counter() - t0:.1f}s", flush=True)

        t0 = time.perf_counter()
        n_pub = 0
        start = date(YEAR, 1, 4)
        with (
            cur.cursor.copy(
                "COPY articles_submission (id, unit_id, unit_path, kind, title, body, body_text, authors, state, version, in_depth, "
                "exemplary, counted_year, reason, created_at, updated_at, submitted_at) FROM STDIN"
            ) as copy,
            open(os.devnull, "w"),
        ):
            pubs = []
            for sid in range(1, n_subs + 1):
                u = cdcs[rng.randrange(len(cdcs))]
                state = rng.choice(STATES)
                day = start + timedelta(days=rng.randrange(340))
                stamp = datetime(day.year, day.month, day.day, 3, tzinfo=UTC)
                copy.write_row(
                    (
                        sid,
                        u[0],
                        u[2],
                        "news" if rng.random() < 0.65 else "article",
                        f"Tin số {sid}",
                        "<p>Nội dung.</p>",
                        "Nội dung.",
                        "",
                        state,
                        3,
                        rng.random() < 0.1,
                        rng.random() < 0.2,
                        YEAR if state == "published" else None,
                        "",
                        stamp,
                        stamp,
                        stamp,
                    )
                )
                if state == "published":
                    for k in range(1 if rng.random() < 0.8 else 2):
                        pubs.append((sid, chans[k].pk, u[2], day + timedelta(days=3)))
        print(f"submissions: {n_subs:,} in {time.perf_counter() - t0:.1f}s", flush=True)
        t0 = time.perf_counter()
        with cur.cursor.copy(
            "COPY articles_publication (submission_id, channel_id, unit_path, url, url_key, published_on, created_at) FROM STDIN"
        ) as copy:
            for sid, channel, path, day in pubs:
                key = f"ldld.caobang.gov.vn/tin/{sid}" if channel == chans[0].pk else f"cdvccaobang.vn/tin/{sid}"
                copy.write_row((sid, channel, path, "https://" + key, key, min(day, date(YEAR, 12, 31)), now))
                n_pub += 1
        cur.execute("SELECT setval(pg_get_serial_sequence('articles_submission', 'id'), %s)", [n_subs + 10])
        print(f"publications: {n_pub:,} in {time.perf_counter() - t0:.1f}s", flush=True)
    t0 = time.perf_counter()
    rollups.rebuild(YEAR)
    print(f"rollups rebuilt in {time.perf_counter() - t0:.1f}s", flush=True)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")


def timed(client, url, runs):
    client.get(url)  # warm
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), max(times), len(queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=130_000)
    parser.add_argument("--submissions", type=int, default=1_300_000)
    parser.add_argument("--uppers", type=int, default=260)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    from common import print_load

    assert connection.vendor == "postgresql", "run on PostgreSQL (DATABASE_URL=postgres://…)"
    if args.fresh:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    if not Unit.objects.exists():
        generate(args.units, args.submissions, args.uppers)
    user = User.objects.filter(username="bench-admin").first() or User.objects.create_superuser(
        "bench-admin", "b@example.vn", "x"
    )
    client = Client()
    client.force_login(user)
    n_units, n_subs = Unit.objects.count(), Submission.objects.count()
    upper = Unit.objects.filter(depth=1).order_by("id").first()
    cdcs = Unit.objects.filter(depth=2).order_by("id")[n_units // 3]
    print(f"\nsize: {n_units:,} units, {n_subs:,} submissions, PostgreSQL {connection.pg_version}")
    print_load("before")
    for label, url in (
        ("province table (by upper unit)", f"/articles/progress/?year={YEAR}"),
        ("province table sorted by news", f"/articles/progress/?year={YEAR}&sort=-news"),
        ("one upper unit's table (its CĐCS)", f"/articles/progress/?year={YEAR}&unit={upper.pk}"),
        ("one CĐCS's page", f"/articles/progress/units/{cdcs.pk}/?year={YEAR}"),
        ("province table export (csv)", f"/articles/progress.csv?year={YEAR}"),
    ):
        median, worst, queries = timed(client, url, args.runs)
        print(f"{label:40s} median {median:7.1f} ms  max {worst:7.1f} ms  queries {queries}")
    t0 = time.perf_counter()
    list(Submission.objects.filter(counted_year=YEAR).values("unit__parent_id", "kind").annotate(n=Count("id")))
    print(f"{'(plain grouped scan, for comparison)':40s} once   {(time.perf_counter() - t0) * 1000:7.1f} ms")
    print_load("after")


if __name__ == "__main__":
    main()
