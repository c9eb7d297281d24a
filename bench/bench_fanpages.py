"""Fanpage activity at province scale, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loa_activity_bench .venv/bin/python bench/bench_fanpages.py \
        --pages 130000 --day-pages 130000

Builds (server-side, INSERT … SELECT generate_series) `--pages` CĐCS units under 130 upper unions, each
with a registered Page and its PostingYear rollup for 2021, and the PostingDay rows of the first
`--day-pages` Pages (365 days each, with gaps). Then measures:
1. posting compliance of every unit for 2021, and the province table by upper unit (target < 1 s);
2. one unit's page (calendar, rate, Likes) through the test client (target < 50 ms);
3. a Graph sync of `--sync-pages` Pages against the local stand-in (target ≥ 50 Pages/s), with the
   stand-in reporting app usage at 60 % so that the client stays below its slow-down threshold.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loa.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("JOBS_BACKEND", "inline")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


def timed(fn, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, min(times), statistics.median(times)


def build(pages, day_pages):
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM fanpages_fanpage")
        if c.fetchone()[0] >= pages:
            print(f"reusing {pages} Pages")
            return
        t = time.perf_counter()
        c.execute("TRUNCATE fanpages_postingday, fanpages_postingyear, fanpages_post, fanpages_likedeclaration, "
                  "fanpages_campaignlink, fanpages_followersnapshot, fanpages_graphlink, fanpages_fanpageversion, "
                  "fanpages_fanpage, accounts_role, units_unit, units_unitkind RESTART IDENTITY CASCADE")
        c.execute("INSERT INTO units_unitkind (code, name, is_grassroots, \"order\") VALUES ('ldld','LĐLĐ tỉnh',false,1),"
                  "('upper','Công đoàn cấp trên',false,2),('cdcs','Công đoàn cơ sở',true,3)")
        c.execute("INSERT INTO units_unit (id, parent_id, path, depth, kind_id, code, name, short_name, members_count, staff_count,"
                  " address, contact_name, phone, email, name_sort, search_text, created_at, updated_at)"
                  " VALUES (1, NULL, '/1/', 0, 1, 'LDLD', 'Liên đoàn Lao động tỉnh', '', 0, 0, '', '', '', '', 'lien doan', 'ldld', now(), now())")
        c.execute("INSERT INTO units_unit (id, parent_id, path, depth, kind_id, code, name, short_name, members_count, staff_count,"
                  " address, contact_name, phone, email, name_sort, search_text, created_at, updated_at)"
                  " SELECT 1 + g, 1, '/1/' || (1 + g) || '/', 1, 2, 'U' || g, 'Công đoàn cấp trên ' || g, '', 0, 0, '', '', '', '',"
                  " 'cong doan cap tren ' || lpad(g::text, 4, '0'), 'u' || g, now(), now() FROM generate_series(1, 130) g")
        c.execute("INSERT INTO units_unit (id, parent_id, path, depth, kind_id, code, name, short_name, members_count, staff_count,"
                  " address, contact_name, phone, email, name_sort, search_text, created_at, updated_at)"
                  " SELECT 1000 + g, 2 + (g %% 130), '/1/' || (2 + (g %% 130)) || '/' || (1000 + g) || '/', 2, 3, 'CS' || g,"
                  " 'Công đoàn cơ sở ' || g, '', 20 + g %% 300, 25 + g %% 300, '', '', '', '', 'cong doan co so ' || lpad(g::text, 7, '0'),"
                  " 'cs' || g, now(), now() FROM generate_series(1, %s) g", [pages])
        c.execute("SELECT setval('units_unit_id_seq', (SELECT max(id) FROM units_unit))")
        c.execute("INSERT INTO fanpages_fanpage (unit_id, name, url, url_key, admin_name, admin_phone, note, set_up_on, registered_at, updated_at)"
                  " SELECT 1000 + g, 'Trang CĐCS ' || g, 'https://www.facebook.com/cdcs' || g, 'https://www.facebook.com/cdcs' || g,"
                  " 'Quản trị', '+84912345678', '', NULL, '2020-12-01', now() FROM generate_series(1, %s) g", [pages])
        # Page g posts on day d unless (g*7 + d*13) % 10 < g % 4: between 100 % and 70 % of the days.
        c.execute("INSERT INTO fanpages_postingday (fanpage_id, day, posts)"
                  " SELECT f, date '2021-01-01' + d, 1 + (f + d) %% 3 FROM generate_series(1, %s) f, generate_series(0, 364) d"
                  " WHERE (f * 7 + d * 13) %% 10 >= f %% 4", [day_pages])
        c.execute("INSERT INTO fanpages_postingyear (fanpage_id, year, posting_days, first_post_day, last_post_day, streak, longest_streak)"
                  " SELECT f, 2021, 365 - 37 * (f %% 4), date '2021-01-01', date '2021-12-31' - (f %% 5), (f %% 40), 40 + f %% 9"
                  " FROM generate_series(1, %s) f", [pages])
        c.execute("ANALYZE")
        c.execute("SELECT count(*) FROM fanpages_postingday")
        print(f"built {pages} Pages, {c.fetchone()[0]:,} posting days in {time.perf_counter() - t:.1f} s")


def bench_compliance():
    from datetime import date

    from loa.accounts.models import User
    from loa.fanpages import compliance

    admin = User(is_superuser=True, is_active=True)

    def run():
        items = compliance.unit_compliance(user=admin, capability="view", year=2021, today=date(2022, 1, 10))
        groups = compliance.by_upper_unit(items, today=date(2021, 12, 31))
        return len(items), len(groups)

    (n, g), best, median = timed(run, 3)
    print(f"compliance for {n:,} units, {g} upper unions: best {best * 1000:.0f} ms, median {median * 1000:.0f} ms")


def bench_unit_page():
    from django.test import Client
    from django.test.utils import setup_test_environment

    from loa.accounts.models import User

    setup_test_environment()
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_superuser": True, "is_staff": True})
    client = Client()
    client.force_login(admin)
    url = "/fanpages/unit/1001/?year=2021"
    assert client.get(url).status_code == 200
    _, best, median = timed(lambda: client.get(url), 20)
    print(f"one unit's page: best {best * 1000:.1f} ms, median {median * 1000:.1f} ms")


def bench_sync(n):
    from datetime import UTC, datetime, timedelta

    from loa.fanpages import sync
    from loa.fanpages.models import Fanpage, GraphLink
    from loa.integrations.facebook import Throttle
    from loa.integrations.standins.graph_standin import GraphStandin
    from django.conf import settings

    with GraphStandin() as graph:
        settings.FACEBOOK_GRAPH_URL, settings.FACEBOOK_GRAPH_VERSION = graph.url, graph.version
        graph.state.set_usage(app=60)
        GraphLink.objects.all().delete()
        now = datetime(2021, 12, 31, 12, tzinfo=UTC)
        links = []
        for fanpage in Fanpage.objects.order_by("id")[:n]:
            page = graph.state.add_page(name=fanpage.name, posts=[now - timedelta(days=d, hours=3) for d in range(0, 30, 2)])
            token = graph.state.add_token(pages={page.id})
            links.append(GraphLink(fanpage=fanpage, page_id=page.id, token=token, synced_through=now - timedelta(days=31)))
        GraphLink.objects.bulk_create(links)
        throttle = Throttle()
        start = time.perf_counter()
        report = sync.sync_all(now=now, throttle=throttle)
        elapsed = time.perf_counter() - start
        print(f"sync: {report} in {elapsed:.1f} s = {report.done / elapsed:.0f} Pages/s; "
              f"{len(graph.requests)} requests, highest usage reported {max(throttle.percent.values(), default=0)} %")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=130_000)
    parser.add_argument("--day-pages", type=int, default=130_000)
    parser.add_argument("--sync-pages", type=int, default=500)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run with DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0)
    build(args.pages, args.day_pages)
    bench_compliance()
    bench_unit_page()
    bench_sync(args.sync_pages)


if __name__ == "__main__":
    main()
