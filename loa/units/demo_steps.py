"""Demo, optional (`manage.py demo --restructure-2025`): the 2025 reorganisation applied from a mapping
file. The provincial public employees' union (CĐVC) is dissolved, its CĐCS spread over three other
upper unions, and two of its schools merged (the vocational college into the teachers' college). The
table is written as a csv with a title block, read by the import framework and applied as one
`Restructuring`, as a province would do it from the page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q

from loa.units import remap
from loa.units.models import Restructuring, Unit

FILE_NAME = "sap-xep-to-chuc-2025.csv"
DISSOLVED = "CDVC"
MERGED = ("CDVC-30", "CDVC-28")  # Trường Cao đẳng Nghề → Trường Cao đẳng Sư phạm
# Schools go to the education union; the other units alternate between the city's and Hòa An's.
SCHOOLS_TO = "CDN-GD"
OTHERS_TO = ("LDLD-TPCB", "LDLD-HA")


def table_2025(on: date) -> list[tuple[str, str, str, date]]:
    """The mapping table's rows (old code, new code, form, from): one row per unit under CĐVC."""
    upper = Unit.objects.get(code=DISSOLVED)
    children = Unit.objects.filter(parent=upper).filter(Q(active_to__isnull=True) | Q(active_to__gte=on))
    rows: list[tuple[str, str, str, date]] = []
    others = 0
    for child in children.order_by("code"):
        if child.code == MERGED[0]:
            rows.append((child.code, MERGED[1], "Sáp nhập", on))
        elif "Trường" in child.name:
            rows.append((child.code, SCHOOLS_TO, "Chuyển", on))
        else:
            rows.append((child.code, OTHERS_TO[others % 2], "Chuyển", on))
            others += 1
    rows.append((DISSOLVED, "", "Giải thể", on))
    return rows


def restructure_2025(ctx: Any) -> None:
    if not ctx.extra.get("restructure_2025"):
        return
    if Restructuring.objects.filter(file_name=FILE_NAME, status=Restructuring.Status.APPLIED).exists():
        return
    on = ctx.calendar.today.replace(day=1)
    data = remap.mapping_csv(table_2025(on), title="BẢNG SẮP XẾP, TỔ CHỨC LẠI CÔNG ĐOÀN CƠ SỞ NĂM 2025")
    admin = ctx.users["admin"]
    record = remap.restructuring_plan(by=admin, upload=data, file_name=FILE_NAME)
    if record.status != Restructuring.Status.PLANNED:
        raise RuntimeError(f"the 2025 table does not check: {record.problems[:5]}")
    remap.restructuring_apply(by=admin, restructuring=record)
    ctx.log(f"Restructuring #{record.pk}: {len(record.rows)} rows applied from {FILE_NAME}.")
    ctx.reload()


STEPS = [(950, "the 2025 restructuring (demo --restructure-2025)", restructure_2025)]
