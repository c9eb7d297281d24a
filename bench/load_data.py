"""The load test's data (bench/load.py runs this in a process of its own, before the stack starts).

On the synthetic national tree (130,000 CĐCS, bench/common.py):
- the deadline day of a Fanpage report directive issued to every CĐCS: its deadline is tonight,
  every CĐCS has filed but `--missing` of them (those the morning reminder run is for), each of the
  missing ones with an officer who has an e-mail address (the reminder carries their one-tap link);
- the users the load test signs in as, one password for all: officers at CĐCS that have filed (they
  correct their report and send articles), editors, province admins and leaders over those CĐCS;
- this year's ranking for the leaders: the seed letter's rubric, every CĐCS scored.

The directive is issued afresh on every run, so that each run starts from the same morning; the
outbox and reminders of earlier runs are removed. Prints one JSON line: the users, the task, the
units, for the locust file.

    DATABASE_URL=… .venv/bin/python bench/load_data.py --missing 26000 --password …
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ensure_database, issue_fanpage_report, national_tree

NUMBER = "LOAD/CV-TLĐ"
# The provinces whose CĐCS the signed-in users work at (the synthetic tree's codes): two big ones
# and two small ones, so that province-wide pages are measured at both sizes.
PROVINCES = ("02", "01", "08", "13")
OFFICERS_PER_PROVINCE = 50


def say(text):
    print(text, file=sys.stderr, flush=True)


def scoring_year(root, admin):
    """This year's ranking: the seed letter's rubric (loa.scoring.examples), every CĐCS scored on
    this year's data (the deadline day's directive among it)."""
    from django.utils import timezone

    from loa.scoring import examples
    from loa.scoring.engine import score_year
    from loa.scoring.models import Rubric, Score

    year = timezone.localdate().year
    rubric = Rubric.objects.filter(year=year).first() or examples.letter_2021(by=admin, unit=root, year=year)
    if not Score.objects.filter(year=year).exists():
        started = time.perf_counter()
        score_year(rubric)
        say(f"scored {year} in {time.perf_counter() - started:.0f} s")
    return year


def deadline_day(root, admin, missing):
    """The directive issued afresh with tonight's deadline; every CĐCS filed but `missing` of them.
    Returns (task, the missing units' ids)."""
    from datetime import datetime
    from datetime import time as dtime

    from django.db import connection
    from django.utils import timezone

    from loa.directives import rollups
    from loa.directives.models import Assignment, Directive, Report, Task
    from loa.notifications.models import Message

    started = time.perf_counter()
    Directive.objects.filter(number=NUMBER).delete()
    Message.objects.all().delete()  # this benchmark's own database: earlier runs' outbox
    with connection.cursor() as cur:
        cur.execute("DELETE FROM notifications_reminder")
    tonight = timezone.make_aware(datetime.combine(timezone.localdate(), dtime(23, 59)))
    task = issue_fanpage_report(root, admin, number=NUMBER, deadline=tonight)
    say(f"issued to {Assignment.objects.filter(task=task).count():,} CĐCS in {time.perf_counter() - started:.0f} s")

    # The missing units: spread over the whole country (every k-th assignment by id).
    ids = list(Assignment.objects.filter(task=task).order_by("id").values_list("id", "unit_id"))
    step = max(1, len(ids) // max(missing, 1))
    missing_rows = ids[::step][:missing]
    missing_ids = {aid for aid, _ in missing_rows}
    filed = [(aid, uid) for aid, uid in ids if aid not in missing_ids]
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE directives_assignment SET first_reported_at = now() - interval '1 day', last_reported_at = now()"
            " - interval '1 day', on_time = true, state = 'on_time' WHERE task_id = %s AND NOT (id = ANY(%s))",
            [task.pk, list(missing_ids)],
        )
    now = timezone.now()
    Report.objects.bulk_create(
        [
            Report(
                assignment_id=aid,
                version=1,
                submitted_at=now,
                data={
                    "name": f"Công đoàn cơ sở số {uid}",
                    "url": f"https://www.facebook.com/cdcs.{uid}",
                    "admin_name": "Nguyễn Thị Hằng",
                    "admin_phone": "+84912345678",
                    "note": "",
                },
            )
            for aid, uid in filed
        ],
        batch_size=5000,
    )
    rollups.rebuild(task)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE directives_assignment, directives_rollup, directives_report")
    say(f"the deadline day's morning: {len(filed):,} filed, {len(missing_rows):,} missing")
    return Task.objects.get(pk=task.pk), [uid for _, uid in missing_rows]


def bench_users(root, task, missing_units, password):
    """The users: officers of the missing CĐCS (reminded by e-mail) and the signed-in users of the mix."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from loa.accounts.models import Role, User
    from loa.articles.models import Channel
    from loa.directives.models import Assignment
    from loa.units.models import Unit

    hashed = make_password(password)  # one hash for every bench user: Argon2 once, not 30,000 times
    started = time.perf_counter()
    with transaction.atomic():
        User.objects.filter(username__startswith="load-").delete()
        people = []
        for uid in missing_units:
            people.append((f"load-missing-{uid}", uid, "officer"))
        mix = {"officer": [], "editor": [], "admin": [], "leader": []}
        for code in PROVINCES:
            province = Unit.objects.get(code=f"{root.code}-{code}")
            filed = (
                Assignment.objects.filter(
                    task=task, unit_path__startswith=province.path, first_reported_at__isnull=False
                )
                .order_by("unit_sort")
                .values_list("unit_id", flat=True)[:OFFICERS_PER_PROVINCE]
            )
            for uid in filed:
                mix["officer"].append((f"load-officer-{uid}", uid))
            for role in ("editor", "admin", "leader"):
                for n in range(3):
                    mix[role].append((f"load-{role}-{code}-{n}", province.pk))
        for role, rows in mix.items():
            people.extend((name, uid, role) for name, uid in rows)
        users = User.objects.bulk_create(
            [
                User(username=name, email=f"{name}@example.vn", full_name=f"Cán bộ {name}", password=hashed)
                for name, _uid, _role in people
            ],
            batch_size=5000,
        )
        Role.objects.bulk_create(
            [Role(user=user, unit_id=uid, role=role) for user, (_n, uid, role) in zip(users, people, strict=True)],
            batch_size=5000,
        )
        # The channel the officers' articles are for, its editors the bench editors.
        channel, _ = Channel.objects.get_or_create(
            name="Cổng thông tin Công đoàn Việt Nam", defaults={"domains": "congdoan.vn", "kind": "web"}
        )
        channel.editors.set([u for u, (_n, _uid, role) in zip(users, people, strict=True) if role == "editor"])
    say(f"{len(people):,} bench users in {time.perf_counter() - started:.0f} s")
    return {role: [{"username": name, "unit": uid} for name, uid in rows] for role, rows in mix.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=130_000)
    parser.add_argument("--missing", type=int, default=26_000)
    parser.add_argument("--password", required=True)
    args = parser.parse_args()
    ensure_database()
    root = national_tree(args.units)
    from common import user_at

    admin = user_at("bench-load-national", root, "admin")
    task, missing_units = deadline_day(root, admin, args.missing)
    year = scoring_year(root, admin)
    users = bench_users(root, task, missing_units, args.password)
    print(json.dumps({"task": task.pk, "year": year, "users": users, "missing": len(missing_units)}))


if __name__ == "__main__":
    main()
