"""For the unit pickers' tests: units that people cannot tell apart by their names (two namesakes
under different parents), a scope of hundreds of units, and what a page with a picker shows."""

from django.urls import reverse

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


def assert_offers_units_by_search(client, url, parent, kind, assert_max_queries, max_queries, *, name="unit"):
    """GET `url` once 600 units of `kind` are under `parent`: the page offers a unit by the picker's
    search box, not a <select> of every unit (none of the 600 is named before one types), in at
    most `max_queries` queries (`assert_max_queries`: pytest-django's django_assert_max_num_queries)."""
    many_units(parent, kind, 600)
    with assert_max_queries(max_queries):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<select name="{name}"' not in html
    assert f'name="{name}_search"' in html and f'hx-get="{reverse("units:pick")}"' in html
    assert "MN-0300" not in html
    return html


def picked_chip(html, name="unit"):
    """The text of the picker's chosen unit, as the page shows it."""
    return html.split(f'data-testid="picked-{name}"')[1].split("</p>")[0]
