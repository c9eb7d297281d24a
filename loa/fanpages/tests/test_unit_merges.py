"""A merge carries one Page over to the unit that carries on, with its posts; the others stay with
their closed units, as their history."""

from datetime import date

import pytest

from loa.fanpages.models import Fanpage
from loa.units import restructure
from loa.units.services import unit_create

ON = date(2021, 7, 1)


@pytest.fixture
def c(tree, kinds):
    return unit_create(by=None, parent=tree["upper"], kind=kinds["cdcs"], code="CS-C", name="Công đoàn cơ sở Sở Y tế")


def test_the_primary_page_is_carried_over_and_the_other_kept_as_history(tree, c, pages, admin):
    plan = restructure.merge(by=admin, sources=[tree["a"], tree["b"]], target=c, on=ON, primary_page=tree["b"])

    assert Fanpage.objects.get(pk=pages["b"].pk).unit_id == c.pk
    assert Fanpage.objects.get(pk=pages["a"].pk).unit_id == tree["a"].pk
    lines = plan.by_area()["fanpages"]
    assert len(lines) == 2 and "Trang CS-B" in lines[0]


def test_a_target_with_a_page_keeps_it(tree, pages, admin):
    restructure.merge(by=admin, sources=[tree["a"]], target=tree["b"], on=ON)

    assert Fanpage.objects.get(unit=tree["b"]).pk == pages["b"].pk
    assert Fanpage.objects.get(pk=pages["a"].pk).unit_id == tree["a"].pk


def test_a_split_gives_the_page_to_the_part_chosen(tree, pages, admin):
    restructure.split(
        by=admin,
        source=tree["a"],
        on=ON,
        parts=[{"new": {"code": "A1", "name": "Trường 1"}}, {"new": {"code": "A2", "name": "Trường 2"}}],
        choices={"fanpages": 1},
    )

    assert Fanpage.objects.get(pk=pages["a"].pk).unit.code == "A2"
