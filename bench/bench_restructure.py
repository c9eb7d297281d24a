"""Restructuring at national scale (issue 15, part 5), on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loa_bench .venv/bin/python bench/bench_restructure.py

On the synthetic national tree (130,000 CĐCS, built once by common.national_tree), measures:
1. `units.services.unit_move` of the province union whose subtree holds the number of CĐCS
   nearest to --move-cdcs (default 5,000) to under another province union (as the 2025 merges of
   provinces did);
2. `units.remap.check`, the dry run of that mapping (3.), checked and run in a transaction rolled back;
3. `units.remap.restructuring_apply` of a mapping of --mapping-rows (default 10,000) rows, each
   moving one CĐCS to an upper union of another province (the rows go into a planned
   Restructuring directly: `read_mapping` refuses more than remap.MAX_ROWS rows in one file).
Each step runs in a subprocess of its own (its peak RSS and CPU are its own, as in
bench_unit_import), inside a transaction that is rolled back at the end, so that the tree stays as
built and the benchmark can run again; the time is that of the service call, query count
included. Prints a markdown table with the machine's load; writes bench/out/restructure.json.
--profile STEP prints the cProfile of one step's run instead (cumulative, top 40).
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ensure_database, load_average, national_tree, run_child, write_results

STEPS = ("move", "check", "mapping")


class Rollback(Exception):
    pass


def _admin():
    from loa.accounts.models import User

    user, _ = User.objects.get_or_create(
        username="bench-restructure", defaults={"is_superuser": True, "is_staff": True}
    )
    return user


def _province_near(root, target):
    """The province union with the number of CĐCS under it nearest to `target`, and another one."""
    from loa.units.models import Unit

    provinces = list(Unit.objects.filter(parent=root).order_by("code"))
    counts = {p.pk: Unit.objects.filter(path__startswith=p.path, kind__is_grassroots=True).count() for p in provinces}
    moved = min(provinces, key=lambda p: abs(counts[p.pk] - target))
    other = next(p for p in provinces if p.pk != moved.pk)
    return moved, other, counts[moved.pk]


def _mapping_rows(root, rows):
    """`rows` CĐCS, each to an upper union of the next province (round robin), as MapRow dicts."""
    from django.utils import timezone

    from loa.units.models import Unit
    from loa.units.remap import MOVE, MapRow

    today = timezone.localdate()
    uppers = {}
    for code in Unit.objects.filter(depth=root.depth + 2, path__startswith=root.path).values_list("code", flat=True):
        uppers.setdefault(code.rsplit("-", 1)[0], []).append(code)
    provinces = sorted(uppers)
    cdcs = Unit.objects.filter(
        path__startswith=root.path, kind__is_grassroots=True, active_to__isnull=True, active_from__isnull=True
    ).order_by("code")
    # Spread over the whole tree: every n-th CĐCS.
    total = cdcs.count()
    step = max(1, total // rows)
    codes = list(cdcs.values_list("code", flat=True)[: step * rows : step])[:rows]
    out = []
    for number, code in enumerate(codes, start=2):
        province = code.split("-")[1]
        i = provinces.index(f"{root.code}-{province}")
        other = uppers[provinces[(i + 1) % len(provinces)]]
        new = other[number % len(other)]
        out.append(MapRow(row=number, old=code, new=new, action=MOVE, on=today).as_dict())
    return out


def child(step, units, move_cdcs, mapping_rows, profile=False):
    from django.db import connection, transaction

    root = national_tree(units)
    from loa.units import remap, services
    from loa.units.models import Restructuring, Unit

    by = _admin()
    result = {"step": step}
    if step == "move":
        unit, parent, n = _province_near(root, move_cdcs)
        result.update(unit=unit.code, new_parent=parent.code, cdcs=n)
        result["subtree_units"] = Unit.objects.filter(path__startswith=unit.path).count()

        def call():
            services.unit_move(by=by, unit=unit, new_parent=parent)
    elif step == "check":
        from loa.units.remap import MapRow

        rows = _mapping_rows(root, mapping_rows)
        result.update(rows=len(rows))

        def call():
            outcome = remap.check([MapRow.from_dict(r) for r in rows], by=by)
            assert outcome.ok, outcome.problems[:3]
    else:
        rows = _mapping_rows(root, mapping_rows)
        result.update(rows=len(rows))
        record = Restructuring.objects.create(
            created_by=by, file_name="bench.csv", status=Restructuring.Status.PLANNED, rows=rows, plan=[]
        )

        def call():
            remap.restructuring_apply(by=by, restructuring=record)

    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        try:
            with transaction.atomic():
                started = time.perf_counter()
                profiler.runcall(call)
                result["seconds"] = time.perf_counter() - started
                raise Rollback
        except Rollback:
            pass
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        return result
    try:
        with transaction.atomic():
            # A counter, not CaptureQueriesContext: that keeps at most 9,000 queries.
            count = [0]

            def counter(execute, sql, params, many, context):
                count[0] += 1
                return execute(sql, params, many, context)

            with connection.execute_wrapper(counter):
                started = time.perf_counter()
                call()
                result["seconds"] = time.perf_counter() - started
            result["queries"] = count[0]
            raise Rollback
    except Rollback:
        pass
    if step == "mapping":
        Restructuring.objects.filter(pk=record.pk).delete()
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=130_000)
    parser.add_argument("--move-cdcs", type=int, default=5_000)
    parser.add_argument("--mapping-rows", type=int, default=10_000)
    parser.add_argument("--child", choices=STEPS)
    parser.add_argument("--profile", choices=STEPS)
    args = parser.parse_args()
    if args.child or args.profile:
        step = args.child or args.profile
        print(json.dumps(child(step, args.units, args.move_cdcs, args.mapping_rows, profile=bool(args.profile))))
        return
    ensure_database()
    national_tree(args.units)
    from django.db import connection

    connection.close()
    common = ["--units", str(args.units), "--move-cdcs", str(args.move_cdcs), "--mapping-rows", str(args.mapping_rows)]
    results = {"load_before": load_average()}
    for step in STEPS:
        results[step] = run_child(__file__, ["--child", step, *common])
    results["load_after"] = load_average()
    print(f"\nload average {results['load_before']} before, {results['load_after']} after ({os.cpu_count()} cores)\n")
    print("| step | size | time (s) | queries | peak RSS (MB) | process CPU (s) | under 60 s |")
    print("|---|---|---:|---:|---:|---:|---|")
    move, check, mapping = results["move"], results["check"], results["mapping"]
    rows = [
        (
            f"unit_move of {move['unit']} under {move['new_parent']}",
            f"{move['cdcs']:,} CĐCS ({move['subtree_units']:,} units)",
            move,
        ),
        ("check (the dry run) of a mapping", f"{check['rows']:,} moves of CĐCS", check),
        ("restructuring_apply of a mapping", f"{mapping['rows']:,} moves of CĐCS", mapping),
    ]
    for name, size, r in rows:
        print(
            f"| {name} | {size} | {r['seconds']:.1f} | {r['queries']:,} | {r['child_maxrss_mb']:.0f} | "
            f"{r['child_cpu_seconds']:.1f} | {'yes' if r['seconds'] < 60 else 'no'} |"
        )
    print(f"\nwritten to {write_results('restructure', results)}")


if __name__ == "__main__":
    main()
