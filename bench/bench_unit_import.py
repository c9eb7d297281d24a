"""Import 130,000 units from one xlsx with Loa's importer and with django-import-export.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loa_bench .venv/bin/python bench/bench_unit_import.py

Every import runs in a subprocess of its own, so that its peak memory (ru_maxrss of the child)
and its CPU time are its own: Loa's first import (an emptied unit table: 130,000 creates), Loa's
second import of the same file (130,000 units found by code, nothing to change), then
django-import-export on an emptied table again. django-import-export saves row by row; it gets a
time limit (--iex-seconds) and is measured on the first rows of the same file (the same tablib
Dataset, sliced), and its rate is extrapolated to the whole file; the table says so.
Prints a markdown table with the machine's load average before and after; writes
bench/out/unit_import.json.

Goals (issue 17; issue 2 before: 30 s and 10×): the first import of the 130,000 rows in under 15 s,
at least 50 times faster than django-import-export, with peak memory under 500 MB. Exits 1 on a miss.
"""

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

from common import ROOT, ensure_database, print_load, run_child, write_results

IMPORT_GOAL_S = 15
FACTOR_GOAL = 50
MEMORY_GOAL_MB = 500

WORDS = [
    "Trường",
    "Tiểu học",
    "Trung học cơ sở",
    "Mầm non",
    "Bệnh viện",
    "Trạm Y tế",
    "Ủy ban nhân dân",
    "Sở",
    "Phòng",
    "Hợp Giang",
    "Sông Bằng",
    "Đề Thám",
    "Hòa Chung",
    "Ngọc Xuân",
    "Quảng Uyên",
    "Trùng Khánh",
    "Bảo Lạc",
    "Nguyên Bình",
    "Thạch An",
    "Hà Quảng",
    "Đông Khê",
    "Xuân Trường",
    "Lũng Nặm",
    "Phục Hòa",
]
SURNAMES = ["Nông", "Hoàng", "Lương", "Bế", "Đàm", "Ngọc", "Lý", "Triệu", "Nguyễn", "Phạm"]


def generate(path, rows, bump=0):
    """A province > 13 district unions > 130 upper unions > CĐCS, parents before children.
    bump: added to every CĐCS's member count (the same file otherwise), for a re-import that updates."""
    from openpyxl import Workbook

    _setup_django()
    from loa.units.importing import COLUMNS

    def upper_row(code, name, short_name, kind, parent):
        """A unit above the CĐCS: no members, staff or contact of its own."""
        return [code, name, short_name, kind, parent, 0, 0, "", "", "", "", "", ""]

    rnd = random.Random(42)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Đơn vị")
    sheet.append([column.label for column in COLUMNS.columns])
    sheet.append(upper_row("BENCH", "Liên đoàn Lao động tỉnh (bench)", "LĐLĐ", "ldld-tinh", ""))
    count = 1
    districts = [f"H{d:02d}" for d in range(13)]
    for code in districts:
        name = f"Liên đoàn Lao động huyện {WORDS[9 + int(code[1:]) % 15]} {code}"
        sheet.append(upper_row(code, name, "", "cd-cap-tren", "BENCH"))
        count += 1
    uppers = [f"{d}-U{u:02d}" for d in districts for u in range(10)]
    for code in uppers:
        sheet.append(upper_row(code, f"Công đoàn ngành {rnd.choice(WORDS)} {code}", "", "cd-cap-tren", code[:3]))
        count += 1
    i = 0
    while count < rows:
        parent = uppers[i % len(uppers)]
        name = f"Công đoàn cơ sở {rnd.choice(WORDS[:9])} {rnd.choice(WORDS[9:])} số {i}"
        members = rnd.randint(5, 400) + bump
        phone = f"{rnd.choice(('091', '098', '097', '090', '086', '083'))}{rnd.randint(1_000_000, 9_999_999)}"
        start = datetime.date(2015 + i % 10, 1 + i % 12, 1 + i % 28)
        sheet.append(
            [
                f"CS{i:06d}",
                name,
                f"CĐCS {i}",
                "cdcs",
                parent,
                members,
                members + rnd.randint(0, 30),
                f"Số {i % 300} đường {rnd.choice(WORDS[9:])}, Cao Bằng",
                f"{rnd.choice(SURNAMES)} Văn {i % 97}",
                phone,
                f"cdcs{i}@example.vn",
                start,
                "",
            ]
        )
        count += 1
        i += 1
    book.save(path)


def _setup_django():
    import django

    django.setup()


def _reset():
    """Empty the unit table (and what points at it) and make sure the kinds exist."""
    from django.db import connection

    from loa.units.models import UnitKind

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "TRUNCATE units_unit, units_unitsearchrow, audit_auditentry, accounts_role, jobs_job RESTART IDENTITY CASCADE"
            )
        else:
            for table in ("audit_auditentry", "accounts_role", "jobs_job", "units_unit"):
                cursor.execute(f"DELETE FROM {table}")
    for order, (code, name) in enumerate(
        [("ldld-tinh", "LĐLĐ tỉnh"), ("cd-cap-tren", "Công đoàn cấp trên"), ("cdcs", "Công đoàn cơ sở")]
    ):
        UnitKind.objects.update_or_create(
            code=code, defaults={"name": name, "order": order, "is_grassroots": code == "cdcs"}
        )


def _superuser():
    from loa.accounts.models import User

    user, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_superuser": True, "is_staff": True})
    if not user.is_superuser:
        user.is_superuser = True
        user.save()
    return user


def child_loa(path, again=False):
    """The first import on an emptied table, or (again) a file once more on what the previous import left."""
    _setup_django()
    if not again:
        _reset()
    from loa.units.importing import import_units
    from loa.units.models import Unit

    user = _superuser()
    data = Path(path).read_bytes()
    started = time.perf_counter()
    outcome = import_units(data, by=user, commit=True, filename=Path(path).name)
    elapsed = time.perf_counter() - started
    assert not outcome.errors, outcome.errors[:5]
    if again:
        assert outcome.created == 0, outcome.as_dict()
    else:
        assert Unit.objects.count() == outcome.created == outcome.rows
    return {
        "rows": outcome.rows,
        "seconds": elapsed,
        "created": outcome.created,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
    }


def child_iex(path, seconds):
    _setup_django()
    _reset()
    import tablib
    from import_export import fields, resources, widgets

    from loa.units.models import Unit, UnitKind
    from loa.units.services import AUDITED_FIELDS, _place

    class UnitResource(resources.ModelResource):
        code = fields.Field(attribute="code", column_name="Mã đơn vị")
        name = fields.Field(attribute="name", column_name="Tên đơn vị")
        short_name = fields.Field(attribute="short_name", column_name="Tên viết tắt")
        kind = fields.Field(attribute="kind", column_name="Loại", widget=widgets.ForeignKeyWidget(UnitKind, "code"))
        parent = fields.Field(
            attribute="parent", column_name="Mã đơn vị cấp trên", widget=widgets.ForeignKeyWidget(Unit, "code")
        )
        members_count = fields.Field(
            attribute="members_count", column_name="Số đoàn viên", widget=widgets.IntegerWidget()
        )
        staff_count = fields.Field(attribute="staff_count", column_name="Số CCVCLĐ", widget=widgets.IntegerWidget())
        address = fields.Field(attribute="address", column_name="Địa chỉ")
        contact_name = fields.Field(attribute="contact_name", column_name="Người liên hệ")
        phone = fields.Field(attribute="phone", column_name="Điện thoại")
        email = fields.Field(attribute="email", column_name="Email")
        active_from = fields.Field(attribute="active_from", column_name="Hoạt động từ", widget=widgets.DateWidget())
        active_to = fields.Field(attribute="active_to", column_name="Hoạt động đến", widget=widgets.DateWidget())

        class Meta:
            model = Unit
            import_id_fields = ("code",)
            fields = AUDITED_FIELDS
            use_transactions = True
            skip_diff = True

        def before_save_instance(self, instance, row, **kwargs):
            for name in ("short_name", "address", "contact_name", "phone", "email"):
                if getattr(instance, name) is None:  # empty cells arrive as None
                    setattr(instance, name, "")
            if not instance.path:
                instance.path = "/pending/"

        def after_save_instance(self, instance, row, **kwargs):
            # The same materialised path Loa keeps, so both importers produce the same rows.
            _place(instance, instance.parent)
            instance.save(update_fields=["path", "depth"])

    started = time.perf_counter()
    with open(path, "rb") as handle:
        dataset = tablib.Dataset().load(handle, format="xlsx")
    load_seconds = time.perf_counter() - started
    total = len(dataset)
    # Import in slices until the time limit; each slice commits, like chunked imports do.
    done, chunk = 0, 2000
    import_started = time.perf_counter()
    while done < total and time.perf_counter() - import_started < seconds:
        part = tablib.Dataset(*dataset[done : done + chunk], headers=dataset.headers)
        result = UnitResource().import_data(part, raise_errors=True)
        assert not result.has_errors()
        done += len(part)
    import_seconds = time.perf_counter() - import_started
    assert Unit.objects.count() == done
    return {
        "rows": total,
        "rows_done": done,
        "load_seconds": load_seconds,
        "import_seconds": import_seconds,
        "seconds": load_seconds + import_seconds * total / done if done else None,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=130_000)
    parser.add_argument("--file", default=str(ROOT / "var" / "bench-units-130k.xlsx"))
    parser.add_argument("--iex-seconds", type=float, default=120.0)
    parser.add_argument("--child", choices=["loa", "loa-again", "iex"])
    parser.add_argument("--skip-iex", action="store_true")
    args = parser.parse_args()
    if args.child in ("loa", "loa-again"):
        print(json.dumps(child_loa(args.file, again=args.child == "loa-again")))
        return
    if args.child == "iex":
        print(json.dumps(child_iex(args.file, args.iex_seconds)))
        return

    path = Path(args.file)
    changed = path.with_name(f"{path.stem}-changed{path.suffix}")
    path.parent.mkdir(parents=True, exist_ok=True)
    for target, bump in ((path, 0), (changed, 1)):
        if not target.exists():
            t = time.perf_counter()
            generate(target, args.rows, bump)
            print(
                f"generated {target} ({target.stat().st_size / 1048576:.1f} MB) in {time.perf_counter() - t:.1f} s",
                file=sys.stderr,
            )
    ensure_database()
    _setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    connection.close()
    load_before = print_load("before")
    loa = run_child(__file__, ["--child", "loa", "--file", str(path)])
    again = run_child(__file__, ["--child", "loa-again", "--file", str(path)])
    updates = run_child(__file__, ["--child", "loa-again", "--file", str(changed)])
    rows = [
        (
            "Loa: first import (all new)",
            loa["rows"],
            loa["rows"],
            loa["seconds"],
            loa["child_maxrss_mb"],
            loa["child_cpu_seconds"],
            "whole file",
        ),
        (
            "Loa: same file again (all unchanged)",
            again["rows"],
            again["rows"],
            again["seconds"],
            again["child_maxrss_mb"],
            again["child_cpu_seconds"],
            "whole file",
        ),
        (
            f"Loa: changed file ({updates['updated']:,} member counts changed)",
            updates["rows"],
            updates["rows"],
            updates["seconds"],
            updates["child_maxrss_mb"],
            updates["child_cpu_seconds"],
            "whole file",
        ),
    ]
    iex = None
    if not args.skip_iex:
        iex = run_child(__file__, ["--child", "iex", "--file", str(path), "--iex-seconds", str(args.iex_seconds)])
        how = (
            "whole file"
            if iex["rows_done"] == iex["rows"]
            else f"first {iex['rows_done']:,} rows in {iex['import_seconds']:.0f} s (+ {iex['load_seconds']:.1f} s to load the file), "
            f"extrapolated at {iex['rows_done'] / iex['import_seconds']:.0f} rows/s"
        )
        rows.append(
            (
                "django-import-export 4.4.3",
                iex["rows"],
                iex["rows_done"],
                iex["seconds"],
                iex["child_maxrss_mb"],
                iex["child_cpu_seconds"],
                how,
            )
        )
    load_after = print_load("after")
    print(
        f"\nDatabase: {vendor}; file: {path.name} ({path.stat().st_size / 1048576:.1f} MB); "
        f"load average {load_before} before, {load_after} after ({os.cpu_count()} cores)\n"
    )
    print("| importer | rows in file | rows imported | time for the file (s) | peak RSS (MB) | process CPU (s) | how |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, total, done, seconds, rss, cpu, how in rows:
        print(f"| {name} | {total:,} | {done:,} | {seconds:.1f} | {rss:.0f} | {cpu:.1f} | {how} |")
    missed = []
    if loa["seconds"] >= IMPORT_GOAL_S:
        missed.append(f"first import {loa['seconds']:.1f} s (goal < {IMPORT_GOAL_S} s)")
    if max(loa["child_maxrss_mb"], again["child_maxrss_mb"], updates["child_maxrss_mb"]) >= MEMORY_GOAL_MB:
        missed.append(f"peak memory over {MEMORY_GOAL_MB} MB")
    if iex:
        factor = iex["seconds"] / loa["seconds"]
        print(f"\nLoa is {factor:.0f}× faster than django-import-export (first import; goal ≥ {FACTOR_GOAL}×).")
        if factor < FACTOR_GOAL:
            missed.append(f"{factor:.0f}× django-import-export (goal ≥ {FACTOR_GOAL}×)")
    print("missed: " + "; ".join(missed) if missed else f"goals met (first import < {IMPORT_GOAL_S} s, memory)")
    write_results(
        "unit_import",
        {
            "database": vendor,
            "load_before": load_before,
            "load_after": load_after,
            "loa": loa,
            "loa_again": again,
            "loa_changed": updates,
            "iex": iex,
            "missed": missed,
        },
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
