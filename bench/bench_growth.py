"""Benchmark: five years of national data (issue 17, "Growth"), on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loa_growth_bench .venv/bin/python bench/bench_growth.py

On the synthetic national tree of bench/common.py (130,000 CĐCS), fills five years (2022 to 2026) of
what grows without bound, server-side with set-based SQL (`INSERT … SELECT generate_series`, the
tables' indexes and constraints dropped during the load and built once after, then ANALYZE):

- a registered Page per CĐCS and its `PostingDay` rows: every day of 2022–2025 and of 2026 up to
  30/11, with gaps (each Page posts on 70–100 % of the days): **≈ 198 million page-days**, written day
  by day as a sync would (one day of every Page, then the next day), so a Page's days lie on as many
  table pages as they do in production; the `PostingYear` rollups exactly those of the days (the day
  pattern repeats every 20 Pages: worked out in Python for 20 Pages and copied);
- 1.3 million article submissions a year (**6.5 million**), their publications and quotas, the
  articles rollups rebuilt by the product's own `rollups.rebuild(year)`;
- a rubric per year (the seed letter's) and every CĐCS's `Score` for each year, computed by the
  product's `score_year`.

All of it is kept between runs (`--rebuild` builds it again): the first run takes about 20 minutes and
27 GB of disk, so give this benchmark a database of its own (it empties the Fanpage, articles and
scoring tables of the one it is given, as bench_fanpages and bench_scoring do). Then every page that reads these tables
is measured for the current year (2026) and a past year (2022), each figure in a process of its own
(`common.run_child`), with the machine's load printed beside it, and compared with its goal in
docs/performance.md.

Options: --units N (default 130000), --runs N (requests per page, default 20), --rebuild.
"""

import argparse
import json
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    ensure_database,
    load_average,
    measure,
    national_tree,
    page_timing,
    run_child,
    user_at,
    write_results,
)

YEARS = range(2022, 2027)
CURRENT, PAST = 2026, 2022
LAST_DAY = date(2026, 11, 30)  # the current year's data stops here: "today" is in December 2026
SUBMISSIONS_PER_YEAR = 1_300_000


def last_day(year):
    return min(date(year, 12, 31), LAST_DAY)


def posts_on(f, d, year):
    """Page number f (1-based) posts on day d (0-based) of `year` unless this holds: 100 % to 70 % of
    the days (the same expression as the SQL below)."""
    return (f * 7 + d * 13 + year) % 10 >= f % 4


def rollup_of(f, year):
    from loa.fanpages.posts import streaks

    first = date(year, 1, 1)
    posted = [first + timedelta(days=d) for d in range((last_day(year) - first).days + 1) if posts_on(f, d, year)]
    run, longest = streaks(posted)
    return len(posted), posted[0], posted[-1], run, longest


def sql(c, statement, params=None, label=None):
    started = time.perf_counter()
    c.execute(statement, params)
    if label:
        print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)


def strip_table(c, table, keep_primary_key=False):
    """Drop a table's constraints and indexes (the primary key too, unless other tables refer to it)
    for a bulk load; returns what put_back needs to build them again once."""
    c.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass"
        " AND contype = ANY(%s)",
        [table, ["u", "f"] if keep_primary_key else ["p", "u", "f"]],
    )
    constraints = c.fetchall()
    for name, _definition in constraints:
        c.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    c.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND NOT (%s AND indexname LIKE '%%_pkey')",
        [table, keep_primary_key],
    )
    indexes = c.fetchall()
    for name, _definition in indexes:
        c.execute(f'DROP INDEX "{name}"')
    return constraints, indexes


def put_back(c, table, stripped):
    constraints, indexes = stripped
    order = {"p": 0, "u": 1, "f": 2}
    for name, definition in sorted(constraints, key=lambda r: order.get(r[1][0].lower(), 3)):
        sql(c, f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}', label=f"{table}: {name}")
    for name, definition in indexes:
        if not any(name == n for n, _d in constraints):
            sql(c, definition, label=f"{table}: {name}")


def build(root, rebuild):
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM scoring_score WHERE year = %s", [CURRENT])
        if c.fetchone()[0] and not rebuild:
            print("reusing the five years of data")
            return None
        c.execute("SET maintenance_work_mem = '1GB'")
        c.execute("SET synchronous_commit = off")  # this benchmark's own database: a crash means --rebuild
        timings = {}
        started = time.perf_counter()
        sql(
            c,
            "TRUNCATE fanpages_postingday, fanpages_postingyear, fanpages_post, fanpages_likedeclaration,"
            " fanpages_campaignlink, fanpages_followersnapshot, fanpages_graphlink, fanpages_fanpageversion,"
            " fanpages_fanpage, articles_publication, articles_submissionversion, articles_submission_topics,"
            " articles_submission_channels, articles_photo, articles_comment, articles_creditclaim,"
            " articles_submission, articles_quota, articles_rollup, scoring_score, scoring_adjustment,"
            " scoring_level, scoring_criterion, scoring_rubric RESTART IDENTITY CASCADE",
        )
        c.execute(
            "CREATE TEMPORARY TABLE cdcs AS SELECT row_number() OVER (ORDER BY u.id) AS f, u.id, u.path, u.name,"
            " u.members_count FROM units_unit u JOIN units_unitkind k ON k.id = u.kind_id"
            " WHERE k.is_grassroots AND u.path LIKE %s",
            [root.path + "%"],
        )
        c.execute("SELECT count(*) FROM cdcs")
        pages = c.fetchone()[0]
        # Page number f = the CĐCS's rank by id; fanpage id = f.
        sql(
            c,
            "INSERT INTO fanpages_fanpage (id, unit_id, name, url, url_key, admin_name, admin_phone, other_phones, note,"
            " set_up_on, registered_at, updated_at, version)"
            " SELECT f, id, 'Trang ' || name, 'https://www.facebook.com/cdcs' || f, 'facebook.com/cdcs' || f,"
            " 'Quản trị', '+84912345678', '', '', NULL, timestamptz '2021-12-01 00:00+07', now(), 1 FROM cdcs",
            label=f"{pages:,} Pages",
        )
        c.execute("SELECT setval('fanpages_fanpage_id_seq', %s)", [pages])

        t = time.perf_counter()
        stripped = strip_table(c, "fanpages_postingday")
        for year in YEARS:
            first, end = date(year, 1, 1), last_day(year)
            month = first
            while month <= end:
                following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
                upto = min(following - timedelta(days=1), end)
                # Day by day (the outer series), every Page each day: the order a daily sync writes in.
                c.execute(
                    "INSERT INTO fanpages_postingday (fanpage_id, day, posts)"
                    " SELECT f, day, 1 + (f + d) %% 3"
                    " FROM generate_series(%s::date, %s::date, interval '1 day') AS day,"
                    " LATERAL (SELECT (day::date - %s::date) AS d) AS dd,"
                    " LATERAL generate_series(1, %s) AS f"
                    " WHERE (f * 7 + d * 13 + %s) %% 10 >= f %% 4",
                    [month, upto, first, pages, year],
                )
                month = following
            print(f"  posting days of {year}: {time.perf_counter() - t:.0f} s", flush=True)
        timings["posting_days_insert_s"] = round(time.perf_counter() - t)
        t = time.perf_counter()
        put_back(c, "fanpages_postingday", stripped)
        timings["posting_days_indexes_s"] = round(time.perf_counter() - t)
        sql(c, "VACUUM ANALYZE fanpages_postingday", label="VACUUM ANALYZE fanpages_postingday")

        t = time.perf_counter()
        for year in YEARS:
            values = ", ".join(
                "({}, {}, date '{}', date '{}', {}, {})".format(k, *rollup_of(k or 20, year)) for k in range(20)
            )
            c.execute(
                "INSERT INTO fanpages_postingyear (fanpage_id, year, posting_days, first_post_day, last_post_day,"
                " streak, longest_streak)"
                f" SELECT f.id, {year}, r.n, r.first, r.last, r.streak, r.longest FROM fanpages_fanpage f"
                f" JOIN (VALUES {values}) r(k, n, first, last, streak, longest) ON r.k = f.id % 20"
            )
        timings["posting_years_s"] = round(time.perf_counter() - t, 1)
        print(f"  PostingYear rollups: {timings['posting_years_s']} s", flush=True)

        t = time.perf_counter()
        _articles(c, pages)
        timings["submissions_s"] = round(time.perf_counter() - t)
    t = time.perf_counter()
    from loa.articles import rollups

    for year in YEARS:
        rollups.rebuild(year)
    timings["articles_rollups_s"] = round(time.perf_counter() - t)
    print(f"  articles rollups rebuilt: {timings['articles_rollups_s']} s", flush=True)
    with connection.cursor() as c:
        for table in ("fanpages_fanpage", "fanpages_postingyear", "articles_rollup", "articles_quota"):
            c.execute(f"VACUUM ANALYZE {table}")
    with connection.cursor() as c:
        c.execute("ANALYZE")  # every table, the year tree's placements included, as autovacuum would soon
    t = time.perf_counter()
    _scores(root)
    timings["scores_s"] = round(time.perf_counter() - t)
    timings["total_s"] = round(time.perf_counter() - started)
    print(f"built in {timings['total_s']} s: {timings}", flush=True)
    return timings


# A share out of 100 → state: the current year still has pieces on their way.
STATE_CASE = {
    "past": "CASE WHEN s %% 100 < 75 THEN 'published' WHEN s %% 100 < 85 THEN 'rejected'"
    " WHEN s %% 100 < 92 THEN 'returned' ELSE 'draft' END",
    "current": "CASE WHEN s %% 100 < 62 THEN 'published' WHEN s %% 100 < 70 THEN 'accepted'"
    " WHEN s %% 100 < 76 THEN 'in_review' WHEN s %% 100 < 82 THEN 'submitted' WHEN s %% 100 < 88 THEN 'returned'"
    " WHEN s %% 100 < 92 THEN 'rejected' ELSE 'draft' END",
}


def _articles(c, pages):
    from loa.articles.demo import channels

    chans = [ch.pk for ch in channels()[:2]]
    stripped = {
        t: strip_table(c, t, keep_primary_key=True)
        for t in ("articles_submission", "articles_publication", "articles_quota")
    }
    for year in YEARS:
        t = time.perf_counter()
        state = STATE_CASE["current" if year == CURRENT else "past"]
        # Unit: a pseudo-random CĐCS (s * 7919 mod the number of CĐCS); day: s spread over the year.
        c.execute(
            "INSERT INTO articles_submission (id, unit_id, unit_path, kind, title, title_search, body, body_text, authors,"
            " state, version, in_depth, exemplary, counted_year, reason, edit_session, created_at, updated_at,"
            " submitted_at, decided_at)"
            f" SELECT %s + s, u.id, u.path, CASE WHEN s %% 20 < 13 THEN 'news' ELSE 'article' END, 'Tin số ' || s,"
            f" 'tin so ' || s, '<p>Nội dung.</p>', 'Nội dung.', '', st, 3, s %% 10 = 0, s %% 5 = 0,"
            f" CASE WHEN st = 'published' THEN %s END, '', '', at, at, at, CASE WHEN st IN ('published', 'rejected')"
            f" THEN at + interval '2 days' END"
            f" FROM (SELECT s, {state} AS st,"
            f"   %s::timestamptz + (s %% (%s::date - %s::date)) * interval '1 day' + interval '3 hours' AS at"
            f"   FROM generate_series(1, %s) s) g"
            " JOIN cdcs u ON u.f = 1 + (g.s::bigint * 7919) %% %s",
            [
                (year - YEARS[0]) * SUBMISSIONS_PER_YEAR,
                year,
                f"{year}-01-02 00:00+07",
                last_day(year),
                date(year, 1, 2),
                SUBMISSIONS_PER_YEAR,
                pages,
            ],
        )
        c.execute(
            "INSERT INTO articles_publication (submission_id, channel_id, unit_path, url, url_key, published_on, created_at)"
            " SELECT s.id, %s, s.unit_path, 'https://ldld.example.vn/tin/' || s.id, 'ldld.example.vn/tin/' || s.id,"
            " (s.decided_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, s.decided_at"
            " FROM articles_submission s WHERE s.counted_year = %s",
            [chans[0], year],
        )
        c.execute(
            "INSERT INTO articles_quota (year, unit_id, kind, target, notice, prorated, note, updated_at, version)"
            " SELECT %s, id, kind, CASE WHEN members_count >= 100 THEN big ELSE small END, '812/TB-CĐVC', false, '',"
            " now(), 1 FROM cdcs, (VALUES ('news', 6, 4), ('article', 3, 2)) q(kind, big, small)",
            [year],
        )
        print(f"  submissions of {year}: {time.perf_counter() - t:.0f} s", flush=True)
    c.execute(
        "SELECT setval(pg_get_serial_sequence('articles_submission', 'id'), (SELECT max(id) FROM articles_submission))"
    )
    for table, parts in stripped.items():
        put_back(c, table, parts)
        sql(c, f"VACUUM ANALYZE {table}")


def _scores(root):
    from loa.scoring import examples
    from loa.scoring.engine import score_year

    admin = user_at("bench-national", root, "admin")
    for year in YEARS:
        t = time.perf_counter()
        rubric = examples.letter_2021(by=admin, unit=root, year=year, deadline=f"30/4/{year}")
        count = score_year(rubric)
        print(f"  scores of {year}: {count:,} units in {time.perf_counter() - t:.0f} s", flush=True)


# --- Measuring -------------------------------------------------------------------------------------

# (name, who, what it shows, its goal in docs/performance.md in ms (None: it has none; compared with
# its figure at one year instead), whether it depends on the year)
PAGES = [
    ("fanpages_table", "national", "Fanpage: province table, every CĐCS by upper union", 1000, True),
    ("fanpages_table_xlsx", "national", "Fanpage: the province table as xlsx", None, True),
    ("fanpages_silent", "national", "Fanpage: silent Pages (as of today)", 1000, False),
    ("fanpages_unit", "national", "Fanpage: one unit's page (calendar), the same unit", 50, True),
    ("fanpages_units", "national", "Fanpage: one unit's page, a different unit each request", 50, True),
    ("api_compliance", "province", "API: posting compliance of a province's units", None, True),
    ("api_unit", "national", "API: one unit's posting days", None, True),
    ("articles_table", "national", "Articles: progress table at the root", 300, True),
    ("articles_province", "national", "Articles: one province's table", 300, True),
    ("articles_unit", "national", "Articles: one CĐCS's page", 50, True),
    ("articles_csv", "national", "Articles: progress table as CSV", None, True),
    ("articles_list_officer", "officer", "Articles: a CĐCS officer's pieces", None, False),
    ("articles_list_province", "province", "Articles: a province staff's pieces", None, False),
    ("articles_queue", "national", "Articles: the review queue", None, False),
    ("scoring_unit", "officer", "Scoring: a unit's score page", 50, True),
    ("scoring_ranking", "national", "Scoring: ranking, first page at the root", None, True),
]


def _people():
    """The users and units the pages are measured with: the national admin, the admin of the
    largest province and the officer of a CĐCS with a Page (its fanpage id a fixed rank)."""
    from django.db.models import Count

    from loa.demo.synthetic import ROOT_CODE
    from loa.fanpages.models import Fanpage
    from loa.units.models import Unit

    root = Unit.objects.get(code=ROOT_CODE)
    province = Unit.objects.filter(parent=root).annotate(n=Count("children")).order_by("-n", "id").first()
    unit = Unit.objects.get(pk=Fanpage.objects.get(pk=64_321).unit_id)
    return {
        "root": root,
        "province": province,
        "unit": unit,
        "national": user_at("bench-national", root, "admin"),
        "province_user": user_at("bench-province", province, "admin"),
        "officer": user_at("bench-officer", unit, "officer"),
    }


def url_of(name, year, people):
    unit, province = people["unit"], people["province"]
    return {
        "fanpages_table": f"/fanpages/?year={year}",
        "fanpages_table_xlsx": f"/fanpages/?year={year}&format=xlsx",
        # The data stops at LAST_DAY: counting silence from there, not from today, finds the Pages
        # silent for 2 days or more by then, as on a day when every Page has synced.
        "fanpages_silent": f"/fanpages/silent/?days={(date.today() - LAST_DAY).days + 2}",
        "fanpages_unit": f"/fanpages/unit/{unit.pk}/?year={year}",
        "api_compliance": f"/api/v1/fanpages/compliance?year={year}",
        "api_unit": f"/api/v1/fanpages/units/{unit.pk}?year={year}",
        "articles_table": f"/articles/progress/?year={year}",
        "articles_province": f"/articles/progress/?year={year}&unit={province.pk}",
        "articles_unit": f"/articles/progress/units/{unit.pk}/?year={year}",
        "articles_csv": f"/articles/progress.csv?year={year}",
        "articles_list_officer": "/articles/",
        "articles_list_province": "/articles/",
        "articles_queue": "/articles/review/",
        "scoring_unit": f"/scoring/{year}/units/{unit.pk}/",
        "scoring_ranking": f"/scoring/{year}/",
    }[name]


def child(name, year, runs):
    """One figure, in this process (run by the parent through run_child): prints its JSON last."""
    import django

    django.setup()
    from django.test import Client

    from loa.fanpages.models import Fanpage

    people = _people()
    who = {"national": "national", "province": "province_user", "officer": "officer"}
    user = people[who[next(p[1] for p in PAGES if p[0] == name)]]
    client = Client()
    client.force_login(user)
    with page_timing():
        if name == "fanpages_units":
            # Every request another unit's calendar, never read before in this process: the Page's
            # days come from disk or the OS cache, not from the warm buffers of the request before.
            units = list(Fanpage.objects.filter(pk__in=range(7, 130_000, 1_301)).values_list("unit_id", flat=True))
            times = []
            for unit_id in units[: max(runs, 20)]:
                started = time.perf_counter()
                response = client.get(f"/fanpages/unit/{unit_id}/?year={year}")
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
            times.sort()
            result = {
                "median_ms": round(statistics.median(times), 1),
                "p90_ms": round(times[int(len(times) * 0.9) - 1], 1),
                "requests": len(times),
            }
        else:
            result = measure(client, url_of(name, year, people), runs)
            result.pop("response")
    print(json.dumps(result))


def sizes():
    """Rows and sizes of the tables that grow, in GB (heap, indexes)."""
    from django.db import connection

    tables = [
        "fanpages_postingday",
        "fanpages_postingyear",
        "articles_submission",
        "articles_publication",
        "articles_quota",
        "articles_rollup",
        "scoring_score",
    ]
    out = {}
    with connection.cursor() as c:
        for table in tables:
            c.execute(f"SELECT count(*), pg_table_size('{table}'), pg_indexes_size('{table}') FROM {table}")
            rows, heap, indexes = c.fetchone()
            out[table] = {"rows": rows, "table_gb": round(heap / 1e9, 2), "indexes_gb": round(indexes / 1e9, 2)}
            print(f"{table:25} {rows:>13,} rows  {heap / 1e9:6.2f} GB + indexes {indexes / 1e9:6.2f} GB", flush=True)
        c.execute("SELECT pg_database_size(current_database())")
        out["database_gb"] = round(c.fetchone()[0] / 1e9, 1)
    print(f"database: {out['database_gb']} GB", flush=True)
    return out


def score_run():
    """score_year of the current year with every unit's row changed (the heaviest run), in this process."""
    import django

    django.setup()
    from django.db import connection

    from loa.scoring.engine import score_year
    from loa.scoring.models import Rubric, Score

    Score.objects.filter(year=CURRENT).update(digest=None)
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE scoring_score")
    started = time.perf_counter()
    count = score_year(Rubric.objects.get(year=CURRENT))
    print(json.dumps({"seconds": round(time.perf_counter() - started, 1), "units": count}))


def prune_sample():
    """What the retention rule costs here: the deletes of `prune_posting_days` for the posts and days of
    2022 (horizon 1/1/2023), for 5 batches of 1,000 Pages spread over the ids, each rolled back so that
    the data stays as built; the whole year is extrapolated from them."""
    import django

    django.setup()
    from django.db import transaction

    from loa.fanpages import retention
    from loa.fanpages.models import Post, PostingDay

    class Rollback(Exception):
        pass

    times, rows = [], []
    for low in range(1, 130_000, 26_000):
        try:
            with transaction.atomic():
                started = time.perf_counter()
                n = retention._delete_before(Post, low, low + 999, date(PAST + 1, 1, 1))
                n += retention._delete_before(PostingDay, low, low + 999, date(PAST + 1, 1, 1))
                times.append(time.perf_counter() - started)
                rows.append(n)
                raise Rollback
        except Rollback:
            pass
    per_batch = statistics.median(times)
    print(
        json.dumps(
            {
                "batch_s": [round(t, 2) for t in times],
                "rows_per_batch": rows,
                "year_estimate_min": round(per_batch * 130 / 60, 1),
            }
        )
    )


def measure_all(runs, only):
    script = str(Path(__file__).resolve())
    results = []
    for name, _who, label, goal, by_year in PAGES:
        if only and name not in only:
            continue
        for year in (CURRENT, PAST) if by_year else (CURRENT,):
            before = load_average()
            r = run_child(script, ["--child", name, "--year", str(year), "--runs", str(runs)])
            r.update(name=name, label=label, year=year, goal_ms=goal, load_before=before, load_after=load_average())
            r["ok"] = goal is None or r["median_ms"] < goal
            results.append(r)
            queries = "/".join(map(str, r.get("queries", []))) or "-"
            print(
                f"{label:58} {year}  median {r['median_ms']:7.1f} ms  p90 {r['p90_ms']:7.1f} ms  {queries:>5} queries"
                f"  goal {f'{goal} ms' if goal else '—'} {'ok' if r['ok'] else 'MISSED'}  load {r['load_before']}",
                flush=True,
            )
    if not only or "prune" in only:
        before = load_average()
        r = run_child(script, ["--prune-sample"])
        r.update(name="prune", load_before=before, load_after=load_average(), ok=True)
        results.append(r)
        print(
            f"{'Retention: deleting 2022, 1,000 Pages a batch (rolled back)':58}       batches {r['batch_s']} s"
            f" for {r['rows_per_batch']} rows: the year ≈ {r['year_estimate_min']} min  load {before}",
            flush=True,
        )
    if not only or "score_year" in only:
        before = load_average()
        r = run_child(script, ["--score-run"])
        r.update(name="score_year", goal_s=15, load_before=before, load_after=load_average(), ok=r["seconds"] < 15)
        results.append(r)
        print(
            f"{'Scoring: score_year of ' + str(CURRENT) + ', every row changed':58}       {r['seconds']} s, "
            f"peak RSS {r['child_maxrss_mb']:.0f} MB  goal 15 s {'ok' if r['ok'] else 'MISSED'}  load {before}",
            flush=True,
        )
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=130_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated figure names (default: all)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--year", type=int, default=CURRENT, help=argparse.SUPPRESS)
    parser.add_argument("--score-run", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--prune-sample", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.year, args.runs)
    if args.score_run:
        return score_run()
    if args.prune_sample:
        return prune_sample()
    ensure_database()
    root = national_tree(args.units)
    print(f"load average before building: {load_average()}", flush=True)
    timings = build(root, args.rebuild)
    print(f"load average after building: {load_average()}", flush=True)
    results = {"build": timings, "sizes": sizes()}
    if args.build_only:
        write_results("growth", results)
        return 0
    results["figures"] = measure_all(args.runs, [n for n in args.only.split(",") if n])
    write_results("growth", results)
    missed = [f"{r['name']} {r.get('year', '')}" for r in results["figures"] if not r["ok"]]
    print("all goals met" if not missed else f"missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
