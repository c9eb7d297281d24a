"""Units that people cannot tell apart by their names, for the pickers' tests: two namesakes under
different parents, and a scope of hundreds of units."""

from loa.units.models import Unit
from loa.units.services import unit_create

NAMESAKE = "Công đoàn cơ sở Trường Tiểu học Kim Đồng"


def namesakes(tree, kinds):
    """Two CĐCS named NAMESAKE: KD-TP under the story tree's upper union (CĐVC), KD-HA under a
    second upper union, "Công đoàn Giáo dục huyện Hòa An" (short name "CĐGD Hòa An")."""
    other_upper = unit_create(
        by=None,
        parent=tree["province"],
        kind=kinds["upper"],
        code="CDGD-HA",
        name="Công đoàn Giáo dục huyện Hòa An",
        short_name="CĐGD Hòa An",
    )
    first = unit_create(by=None, parent=tree["upper"], kind=kinds["cdcs"], code="KD-TP", name=NAMESAKE)
    second = unit_create(by=None, parent=other_upper, kind=kinds["cdcs"], code="KD-HA", name=NAMESAKE)
    return first, second


def many_units(parent, kind, count, *, name="Công đoàn cơ sở Trường Mầm non Hoa Sen", code="MN"):
    """`count` units under `parent`, "<name> 1"…, in two bulk queries (the triggers of PostgreSQL's
    search rows run as for an import)."""
    units = [
        Unit(
            parent=parent,
            kind=kind,
            code=f"{code}-{i:04d}",
            name=f"{name} {i}",
            path="/pending/",
            depth=parent.depth + 1,
        )
        for i in range(1, count + 1)
    ]
    for unit in units:
        unit.refresh_derived()
    Unit.objects.bulk_create(units)
    for unit in units:
        unit.path = f"{parent.path}{unit.pk}/"
    Unit.objects.bulk_update(units, ["path"])
    return units
