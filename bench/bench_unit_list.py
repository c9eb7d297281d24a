"""Benchmark: the unit list with a search, over a national tree of 130,000 CĐCS.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loa_bench .venv/bin/python bench/bench_unit_list.py

Builds the synthetic tree once (kept between runs when it has the requested size), then asks
/units/ for a few searches as a national admin, a province admin and an upper-union leader:
median and 90th percentile over RUNS requests through Django's test client (middleware, session,
view, template), and the number of SQL queries of each request. Runs with DEBUG off.
The machine's load is printed before, after and with each figure.
Goal (issue 17): under 20 ms median for every search and scope (50 ms before).
Options: --units N (default 130000), --runs N (default 30), --rebuild.
"""

import sys

from common import load_average, measure, page_timing, print_load, tree_benchmark, user_at, write_results

GOAL_MS = 20  # issue 17 (50 ms before, issue 2)
QUERIES = [
    ("cong doan truong", "cong doan truong"),
    ("truong tieu hoc", "truong tieu hoc"),
    ("a rare name", "tan loc"),
    ("a code", "TLD-08-003-0012"),
    ("no search, first page", ""),
    ("no search, page 100", None),
]


def bench_users(root):
    from loa.units.models import Unit

    big = Unit.objects.get(code=f"{root.code}-02")  # Thành phố Hồ Chí Minh, the largest
    small = Unit.objects.get(code=f"{root.code}-08")  # Cao Bằng
    upper = Unit.objects.filter(parent=Unit.objects.get(code=f"{root.code}-01")).order_by("code")[4]
    users = {}
    for username, unit, role, label in [
        (
            "bench-province-big",
            big,
            "admin",
            f"province admin, {big.short_name} ({Unit.objects.subtree(big).count():,})",
        ),
        (
            "bench-province",
            small,
            "admin",
            f"province admin, {small.short_name} ({Unit.objects.subtree(small).count():,})",
        ),
        ("bench-upper", upper, "leader", f"commune union leader ({Unit.objects.subtree(upper).count():,})"),
        ("bench-national", root, "admin", f"national admin ({Unit.objects.subtree(root).count():,})"),
    ]:
        users[label] = user_at(username, unit, role)
    return users


def main():
    args, root = tree_benchmark(__doc__.splitlines()[0])

    from urllib.parse import urlencode

    from django.test import Client

    results = []
    load_before = print_load("before")
    with page_timing():
        for who, user in bench_users(root).items():
            client = Client()
            client.force_login(user)
            for label, q in QUERIES:
                url = "/units/?" + (urlencode({"q": q}) if q is not None else "page=100")
                r = measure(client, url, args.runs)
                page = r.pop("response").context["page"]
                r["found"] = page.paginator.count
                results.append({"user": who, "search": label, "url": url, **r})
                ok = "ok" if r["median_ms"] < GOAL_MS else "SLOW"
                print(
                    f"{who:42} {label:22} {r['median_ms']:7.1f} ms (p90 {r['p90_ms']:6.1f})"
                    f"  {'/'.join(map(str, r['queries']))} queries  {r['found'] if r['found'] is not None else '':>8}  {ok}"
                    f"  (load {load_average()})",
                    flush=True,
                )
    load_after = print_load("after")
    write_results("unit_list", {"load_before": load_before, "load_after": load_after, "pages": results})
    slow = [r for r in results if r["median_ms"] >= GOAL_MS]
    print(f"{len(results) - len(slow)}/{len(results)} under {GOAL_MS} ms median; results in bench/out/unit_list.json")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
