"""The sharing morning run at national scale (issue 16, part 3), on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loa_bench_daily .venv/bin/python bench/bench_share_digest.py

On the synthetic national tree (130,000 CĐCS, built once by common.national_tree) with one officer
per CĐCS (created in bulk at set-up, kept between runs) and --items items (default 3) curated at the
root for the whole tree, measures `loa.sharing.daily.morning_run`:
1. `first`: the first run of a day: every item asked of every unit (`Item.asked_on`, the tallies of
   133,035 units and their ancestors), and one message per officer queued (130,000 e-mails);
2. `rerun`: the same day again: nothing new asked, nothing queued (the dedupe keys);
3. `next_day`: the next day: nothing new asked, every officer's message with yesterday's items.
Goal: the first run queues every digest in under 5 minutes. Each step runs in a process of its own
(its peak RSS and CPU are its own); the set-up step resets what a previous run wrote (the items'
asked_on, the tallies, the digests in the outbox). Prints a markdown table with the machine's load;
writes bench/out/share_digest.json.
"""

import argparse
import json
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ensure_database, load_average, national_tree, run_child, write_results

STEPS = ("first", "rerun", "next_day")
DAY = date(2026, 12, 7)


def setup(units, items):
    """One officer per CĐCS (bulk, once), --items items at the root, and a clean slate."""
    from django.db import transaction

    from loa.accounts.models import Role, User
    from loa.demo.synthetic import ROOT_CODE
    from loa.notifications.models import Message
    from loa.sharing import services
    from loa.sharing.models import Item, RunLease, Share, Tally
    from loa.units.models import Unit

    root = Unit.objects.get(code=ROOT_CODE)
    started = time.perf_counter()
    have = set(
        Role.objects.filter(role="officer", user__username__startswith="bench-officer-").values_list(
            "unit_id", flat=True
        )
    )
    cdcs = list(Unit.objects.subtree(root).filter(kind__is_grassroots=True).values_list("pk", flat=True))
    missing = [pk for pk in cdcs if pk not in have]
    with transaction.atomic():
        users = [
            User(
                username=f"bench-officer-{pk}",
                email=f"cdcs{pk}@bench.loa.example.vn",
                full_name=f"Cán bộ {pk}",
                password="!",
            )
            for pk in missing
        ]
        User.objects.bulk_create(users, batch_size=5000, ignore_conflicts=True)
        ids = dict(User.objects.filter(username__startswith="bench-officer-").values_list("username", "pk"))
        Role.objects.bulk_create(
            [Role(user_id=ids[f"bench-officer-{pk}"], unit_id=pk, role="officer") for pk in missing],
            batch_size=5000,
        )
    officers_seconds = time.perf_counter() - started
    with transaction.atomic():
        Message.objects.filter(dedupe_key__startswith="share-digest:").delete()
        Share.objects.all().delete()
        Tally.objects.all().delete()
        RunLease.objects.all().delete()
        Item.objects.all().delete()
        for n in range(items):
            services.item_create(
                by=None,
                unit=root,
                title=f"Tin chính thống số {n + 1}: Nghị quyết về chính sách, pháp luật",
                text="Mời các CĐCS chia sẻ lên Trang của đơn vị.",
                url=f"https://congdoan.vn/tin/{n + 1}",
                starts_on=DAY,
                ends_on=DAY + timedelta(days=5),
            )
    return {"officers_created": len(missing), "officers": len(cdcs), "officers_seconds": round(officers_seconds, 1)}


def child(step, units, items):
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from loa.notifications.models import Message
    from loa.sharing.daily import morning_run

    if step == "setup":
        return setup(units, items)
    day = DAY + timedelta(days=1) if step == "next_day" else DAY
    before = Message.objects.filter(dedupe_key__startswith="share-digest:").count()
    phases = []
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        report = morning_run(day=day, say=lambda text: phases.append(f"{time.perf_counter() - started:.1f} s: {text}"))
        seconds = time.perf_counter() - started
    after = Message.objects.filter(dedupe_key__startswith="share-digest:").count()
    return {
        "seconds": round(seconds, 1),
        "queries": len(ctx.captured_queries),
        "report": report.as_dict(),
        "messages_in_outbox": after - before,
        "phases": phases,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=130_000)
    parser.add_argument("--items", type=int, default=3)
    parser.add_argument("--child", choices=("setup", *STEPS))
    parser.add_argument("--steps", default=",".join(STEPS), help="which runs to measure, e.g. first")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.units, args.items), default=str))
        return
    ensure_database()
    national_tree(args.units)
    from django.db import connection

    connection.close()
    common = ["--units", str(args.units), "--items", str(args.items)]
    results = {"setup": run_child(__file__, ["--child", "setup", *common]), "load_before": load_average()}
    steps = [s for s in args.steps.split(",") if s in STEPS]
    for step in steps:
        results[step] = run_child(__file__, ["--child", step, *common])
        print(f"{step}: {results[step]['seconds']} s, load {load_average()}", flush=True)
        for phase in results[step]["phases"]:
            print(f"    {phase}")
    results["load_after"] = load_average()
    print(f"\nset-up: {results['setup']}")
    print(f"load average {results['load_before']} before, {results['load_after']} after ({os.cpu_count()} cores)\n")
    print(
        "| run | units asked | new asks | messages queued | time (s) | queries | peak RSS (MB) | process CPU (s) | < 5 min |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for step in steps:
        r = results[step]
        rep = r["report"]
        queued = sum(rep["queued"].values())
        print(
            f"| {step} | {rep['units']:,} | {rep['newly_asked']:,} | {queued:,} | {r['seconds']:.1f} | "
            f"{r['queries']:,} | {r['child_maxrss_mb']:.0f} | {r['child_cpu_seconds']:.1f} | "
            f"{'yes' if r['seconds'] < 300 else 'no'} |"
        )
    print(f"\nwritten to {write_results('share_digest', results)}")


if __name__ == "__main__":
    main()
