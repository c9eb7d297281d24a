#!/usr/bin/env python
"""Sharing: the share-rate tables at national scale, on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres loa_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loa_bench .venv/bin/python bench/bench_share_rates.py
    (--units N for another tree size, --runs N requests per page, --rebuild for a fresh tree)

The synthetic national tree (bench/common.py, 130,000 CĐCS by default) gets a year of monthly
`Tally` rows: each CĐCS's own figures (about three items asked a day, most shared, some late, some
declared, a few clicks), summed up the tree as `loa/sharing/tally.py` keeps them, written with COPY
(one row per unit and month, about 1.6 million). Then each case is timed in a process of its own
(a fresh interpreter, cold Django caches, warm database), through Django's test client (the whole
view: queries, template, response):

- the share-rate table of the whole country (the root's children, its own row and the average),
  target < 1 s; and the table of the upper unit with the most children;
- one CĐCS's page (its rate against its parent's and the root's, month by month), target < 50 ms;
- for comparison, the scoring's read of both measures for every CĐCS (`selectors.year_figures`);
- for each page, the selectors' reads alone (`selectors_median_ms`), without request and template.

The machine's load is printed before and after; results go to bench/out/share_rates.json.
"""

import random
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, ensure_database, measure, national_tree, page_timing, print_load, user_at, write_results

CASES = ("country", "widest", "unit", "measures")


def year_of_data():
    from django.utils import timezone

    return timezone.localdate().year - 1  # a whole past year: twelve months


def seed_tallies(year):
    """A year of monthly tallies for every unit of the tree, own figures summed up (COPY)."""
    from django.db import connection

    from loa.sharing.models import Tally

    if Tally.objects.filter(month=date(year, 12, 1)).exists():
        print(f"tallies of {year} already there: {Tally.objects.filter(month__year=year).count():,} rows")
        return
    from loa.units.models import Unit

    units = list(Unit.objects.values_list("id", "parent_id", "depth", "kind__is_grassroots"))
    units.sort(key=lambda u: -u[2])  # deepest first: each unit adds its subtree to its parent
    rng = random.Random(2021)
    started = time.perf_counter()
    with connection.cursor() as cur:
        for month in range(1, 13):
            first = date(year, month, 1)
            sums = {}
            for unit_id, _parent, _depth, grassroots in units:
                if grassroots:
                    asked = rng.randrange(60, 93)
                    shared = int(asked * rng.choice((0.2, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0)))
                    on_time = int(shared * rng.choice((0.6, 0.8, 0.9, 1.0)))
                    declared = int(shared * rng.choice((0, 0.1, 0.3, 0.6)))
                    sums[unit_id] = [asked, shared, on_time, declared, shared * rng.randrange(0, 6)]
                else:
                    sums.setdefault(unit_id, [0, 0, 0, 0, 0])
            for unit_id, parent_id, _depth, _g in units:
                if parent_id is not None:
                    above = sums.setdefault(parent_id, [0, 0, 0, 0, 0])
                    mine = sums[unit_id]
                    for i in range(5):
                        above[i] += mine[i]
            with cur.cursor.copy(
                "COPY sharing_tally (unit_id, parent_unit_id, month, asked, shared, on_time, declared, clicks) "
                "FROM STDIN"
            ) as copy:
                for unit_id, parent_id, _depth, _g in units:
                    copy.write_row((unit_id, parent_id, first, *sums[unit_id]))
        cur.execute("VACUUM ANALYZE sharing_tally")
    print(
        f"wrote {Tally.objects.filter(month__year=year).count():,} tally rows in {time.perf_counter() - started:.1f} s"
    )


def run_case(case, runs):
    """One case, in this process: its timings as a dict."""
    from django.test import Client

    from loa.units.models import Unit

    root = national_tree_root()
    year = year_of_data()
    if case == "measures":
        from loa.sharing.selectors import year_figures

        units = Unit.objects.filter(kind__is_grassroots=True)
        times = []
        for _ in range(max(3, runs // 5)):
            started = time.perf_counter()
            found = year_figures(units, year)
            times.append((time.perf_counter() - started) * 1000)
        return {"case": case, "units": len(found), "median_ms": round(statistics.median(times), 1)}
    user = user_at("bench_share_admin", root, "admin")
    client = Client()
    client.force_login(user)
    if case == "country":
        node = root
        url = f"/sharing/figures/?unit={root.pk}&year={year}"
    elif case == "widest":
        from django.db.models import Count

        node = Unit.objects.annotate(n=Count("children")).order_by("-n").first()
        url = f"/sharing/figures/?unit={node.pk}&year={year}&sort=-rate"
    else:
        node = (
            Unit.objects.filter(kind__is_grassroots=True, path__startswith=root.path).order_by("-depth", "id").first()
        )
        url = f"/sharing/figures/unit/{node.pk}/?year={year}"
    with page_timing():
        result = measure(client, url, runs)
    rows = len(result["response"].context.get("rows") or [])
    # The figures' reads alone (the selectors the page calls), without the request and the template.
    from loa.sharing import selectors

    read = []
    for _ in range(runs):
        started = time.perf_counter()
        if case == "unit":
            selectors.unit_comparison(node, year)
            selectors.monthly(node, year)
        else:
            selectors.children_table(node, year)
        read.append((time.perf_counter() - started) * 1000)
    return {
        "case": case,
        "unit": node.name,
        "children": node.children.count(),
        "rows": rows,
        "median_ms": result["median_ms"],
        "p90_ms": result["p90_ms"],
        "queries": result["queries"],
        "selectors_median_ms": round(statistics.median(read), 1),
    }


def national_tree_root():
    from loa.demo.synthetic import ROOT_CODE
    from loa.units.models import Unit

    return Unit.objects.get(code=ROOT_CODE)


def main():
    import argparse

    parser = argparse.ArgumentParser(description="Share-rate tables at national scale")
    parser.add_argument("--units", type=int, default=130_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--case", choices=CASES, help="(internal) time one case in this process")
    args = parser.parse_args()
    ensure_database()
    if args.case:
        import django

        django.setup()
        import json

        print("RESULT " + json.dumps(run_case(args.case, args.runs), ensure_ascii=False))
        return
    national_tree(args.units, args.rebuild)
    year = year_of_data()
    seed_tallies(year)
    results = {"year": year, "load_before": print_load("before"), "cases": []}
    for case in CASES:
        out = subprocess.run(
            [sys.executable, __file__, "--case", case, "--runs", str(args.runs)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
        import json

        found = json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])
        print(found)
        results["cases"].append(found)
    results["load_after"] = print_load("after")
    print("written to", write_results("share_rates", results))


if __name__ == "__main__":
    main()
