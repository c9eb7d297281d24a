"""The annual classification at national scale, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loa_scoring_bench .venv/bin/python bench/bench_scoring.py

Builds the synthetic national tree (130,000 CĐCS) once, then seeds, with INSERT … SELECT over the
units, the rollups the measures read (not the raw rows): a Fanpage report assignment per CĐCS (on
time, late or missing), a Page and its PostingYear, the articles' Rollup rows for news items and
articles, and a Like declaration. Then measures:
1. scoring every CĐCS of 2021 with the seed letter's rubric (target < 15 s, peak memory < 1 GB): the
   year's first run (no rows), runs where every unit's row changed, runs over unchanged data;
2. one unit's score page through the test client (running score; target < 50 ms);
3. the ranking's first page for the admin at the root, its lagging units and one province's units of
   one level, and its export of every unit with its reason.
"""

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ensure_database, measure, national_tree, page_timing, print_load, user_at, write_results

YEAR = 2021


def seed(root):
    from django.db import transaction

    with transaction.atomic():
        _seed(root)


def _seed(root):
    from django.db import connection

    from loa.directives.tests.factories import fanpage_task_rows
    from loa.scoring.models import Rubric

    if Rubric.objects.filter(year=YEAR).exists():
        print("reusing the seeded rollups")
        return
    started = time.perf_counter()
    with connection.cursor() as c:  # this benchmark's own database: start the seeded tables afresh
        c.execute(
            "TRUNCATE directives_assignment, directives_rollup, directives_task, directives_directive, fanpages_postingyear,"
            " fanpages_likedeclaration, fanpages_fanpage, articles_rollup, scoring_score CASCADE"
        )
    task = fanpage_task_rows(root, YEAR)
    grassroots = " FROM units_unit u JOIN units_unitkind k ON k.id = u.kind_id WHERE k.is_grassroots AND u.path LIKE %s"
    like = root.path + "%"
    with connection.cursor() as c:
        c.execute(
            "INSERT INTO directives_assignment (task_id, unit_id, unit_path, unit_sort, expected, state, first_reported_at,"
            " last_reported_at, on_time)"
            " SELECT %s, u.id, u.path, u.name_sort, true,"
            "  CASE WHEN u.id %% 10 < 7 THEN 'on_time' WHEN u.id %% 10 < 9 THEN 'late' ELSE 'pending' END,"
            "  CASE WHEN u.id %% 10 < 7 THEN timestamptz '2021-04-20 08:00+07' WHEN u.id %% 10 < 9 THEN timestamptz '2021-05-05 08:00+07' END,"
            "  CASE WHEN u.id %% 10 < 7 THEN timestamptz '2021-04-20 08:00+07' WHEN u.id %% 10 < 9 THEN timestamptz '2021-05-05 08:00+07' END,"
            "  u.id %% 10 < 7" + grassroots,
            [task.pk, like],
        )
        c.execute(
            "INSERT INTO fanpages_fanpage (unit_id, name, url, url_key, admin_name, admin_phone, note, set_up_on, registered_at, updated_at)"
            " SELECT u.id, u.name, 'https://www.facebook.com/cdcs' || u.id, 'facebook.com/cdcs' || u.id, 'Quản trị',"
            " '+84912345678', '', NULL, timestamptz '2020-12-01 00:00+07', now()" + grassroots + " AND u.id %% 13 <> 0",
            [like],
        )
        c.execute(
            "INSERT INTO fanpages_postingyear (fanpage_id, year, posting_days, first_post_day, last_post_day, streak, longest_streak)"
            " SELECT f.id, 2021, 120 + (f.unit_id * 7) %% 246, date '2021-01-01', date '2021-12-31', 3, 20 FROM fanpages_fanpage f"
            " JOIN units_unit u ON u.id = f.unit_id WHERE u.path LIKE %s",
            [like],
        )
        for kind, target in (("news", 4), ("article", 2)):
            c.execute(
                "INSERT INTO articles_rollup (unit_id, parent_unit_id, year, kind, own_target, own_counted, own_in_depth, own_exemplary,"
                " target, counted, in_depth, exemplary, over, with_quota, met)"
                " SELECT u.id, u.parent_id, 2021, %s, %s, (u.id * 3) %% (%s + 3), (u.id %% 5 = 0)::int, (u.id %% 4 = 0)::int,"
                " 0, 0, 0, 0, 0, 0, 0" + grassroots,
                [kind, target, target, like],
            )
        c.execute(
            "INSERT INTO fanpages_likedeclaration (unit_id, day, count, members_count, screenshot, declared_at)"
            " SELECT u.id, date '2021-06-01' + (u.id %% 150)::int, (u.members_count * ((u.id * 11) %% 101)) / 100, u.members_count,"
            " '', now()" + grassroots,
            [like],
        )
        c.execute("ANALYZE")
    print(f"seeded the rollups in {time.perf_counter() - started:.1f} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=130_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    ensure_database()
    root = national_tree(args.units)
    from django.db import connection
    from django.test import Client

    from loa.scoring import examples
    from loa.scoring.engine import score_year
    from loa.scoring.models import Rubric, Score
    from loa.units.models import Unit

    admin = user_at("bench-admin", root, "admin")
    load_before = print_load("before")
    seed(root)
    rubric = Rubric.objects.filter(year=YEAR).first() or examples.letter_2021(by=admin, unit=root, year=YEAR)
    Rubric.objects.filter(pk=rubric.pk).update(frozen_at=None)
    rubric.refresh_from_db()

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def timed(label, prepare=None, runs=3):
        times = []
        for _ in range(runs):
            if prepare:
                prepare()
            started = time.perf_counter()
            count = score_year(rubric)
            times.append(time.perf_counter() - started)
        print(
            f"score_year, {label}: {count:,} units, best {min(times):.2f} s, runs {[round(t, 2) for t in times]}",
            flush=True,
        )
        return count, [round(t, 2) for t in times]

    def vacuum():  # as autovacuum would between runs: the dead rows of the run before are gone
        with connection.cursor() as c:
            c.execute("VACUUM ANALYZE scoring_score")

    def no_rows():
        Score.objects.filter(year=YEAR).delete()
        vacuum()

    def every_row_changed():
        Score.objects.filter(year=YEAR).update(digest=None)
        vacuum()

    # The year's first run (no rows yet: one COPY), a run where every row changed (each row
    # updated) and re-runs over unchanged data (nothing written).
    count, first = timed("first run of the year (no rows yet)", no_rows)
    _count, changed = timed("every row changed", every_row_changed)
    _count, unchanged = timed("unchanged data", vacuum)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak_mb:.0f} MB (before: {rss_before / 1024:.0f} MB)")

    results = {
        "units": count,
        "score_year_first_s": first,
        "score_year_all_changed_s": changed,
        "score_year_unchanged_s": unchanged,
        "peak_rss_mb": round(peak_mb),
    }
    unit = Unit.objects.get(
        pk=Score.objects.filter(year=YEAR, level_name="Hoàn thành nhiệm vụ").values_list("unit_id", flat=True).first()
    )
    officer = user_at("bench-officer", unit, "officer")
    with page_timing():
        client = Client()
        client.force_login(officer)
        page = measure(client, f"/scoring/{YEAR}/units/{unit.pk}/", args.runs)
        print(f"unit score page: median {page['median_ms']} ms, p90 {page['p90_ms']} ms, queries {page['queries']}")
        client.force_login(admin)
        ranking = measure(client, f"/scoring/{YEAR}/", max(5, args.runs // 3))
        print(
            f"ranking, first page at the root: median {ranking['median_ms']} ms, p90 {ranking['p90_ms']} ms, queries {ranking['queries']}"
        )
        # The lagging units, lowest first; one province's units of one level.
        lagging = measure(client, f"/scoring/{YEAR}/?level=lagging&sort=total", max(5, args.runs // 3))
        print(
            f"ranking, the lagging units at the root: median {lagging['median_ms']} ms, p90 {lagging['p90_ms']} ms, "
            f"queries {lagging['queries']}"
        )
        province = Unit.objects.filter(parent=root).order_by("id").first()
        level = rubric.levels.order_by("min_total").first()
        filtered = measure(client, f"/scoring/{YEAR}/?unit={province.pk}&level={level.pk}", max(5, args.runs // 3))
        print(
            f"ranking, one province's units of one level: median {filtered['median_ms']} ms, p90 {filtered['p90_ms']} ms, "
            f"queries {filtered['queries']}"
        )
        started = time.perf_counter()
        response = client.get(f"/scoring/{YEAR}/ranking.xlsx")
        size = sum(len(chunk) for chunk in response.streaming_content) if response.streaming else len(response.content)
        export_s = round(time.perf_counter() - started, 1)
        print(f"ranking export, every unit with its reason (xlsx): {export_s} s, {size / 1e6:.1f} MB")
    results["unit_page"] = {k: v for k, v in page.items() if k != "response"}
    results["ranking"] = {k: v for k, v in ranking.items() if k != "response"}
    results["ranking_lagging"] = {k: v for k, v in lagging.items() if k != "response"}
    results["ranking_filtered"] = {k: v for k, v in filtered.items() if k != "response"}
    results["ranking_export_s"] = export_s
    results["load"] = {"before": load_before, "after": print_load("after")}
    print("written to", write_results("scoring", results))


if __name__ == "__main__":
    main()
