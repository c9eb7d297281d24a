"""A merge or split carries the open tasks over: what A reported stays A's, what B had not done yet
goes to the unit that carries on, and the figures are what a recount finds."""

from datetime import date

import pytest

from loa.directives import rollups
from loa.directives.models import Assignment, Recipient, Rollup
from loa.directives.tests.factories import fanpage_letter
from loa.directives.tests.test_unit_moves import _report
from loa.units import restructure
from loa.units.services import unit_create

ON = date(2021, 4, 20)


@pytest.fixture
def c(tree, kinds):
    return unit_create(by=None, parent=tree["upper"], kind=kinds["cdcs"], code="CS-C", name="Công đoàn cơ sở Sở Y tế")


def _figures(task):
    return {r.unit_id: (r.parent_unit_id, r.expected, r.reported) for r in Rollup.objects.filter(task=task)}


def test_an_open_assignment_moves_and_a_reported_one_stays(tree, c, alice, admin):
    directive, task = fanpage_letter(tree)
    _report(task, tree["a"], alice)

    plan = restructure.merge(by=admin, sources=[tree["a"], tree["b"]], target=c, on=ON)

    assert Assignment.objects.get(task=task, unit=tree["a"]).reported
    moved = Assignment.objects.get(task=task, unit=c)
    assert moved.unit_path == c.path and not moved.reported
    assert not Assignment.objects.filter(task=task, unit=tree["b"]).exists()
    assert Recipient.objects.filter(directive=directive, unit=c).exists()
    assert any("Báo cáo kết quả" in line for line in plan.by_area()["directives"])
    figures = _figures(task)
    assert figures[tree["upper"].pk][1:] == (2, 1)
    rollups.rebuild(task)
    assert _figures(task) == figures


def test_a_target_with_the_same_task_keeps_its_own(tree, c, admin):
    _, task = fanpage_letter(tree, recipients=[tree["a"], c])

    plan = restructure.merge(by=admin, sources=[tree["a"]], target=c, on=ON)

    assert Assignment.objects.filter(task=task, unit=tree["a"]).exists()
    assert Assignment.objects.filter(task=task, unit=c).count() == 1
    assert len(plan.by_area()["directives"]) == 1  # "stays with it"


def test_a_split_gives_the_open_work_to_the_part_chosen(tree, kinds, admin):
    _, task = fanpage_letter(tree)

    restructure.split(
        by=admin,
        source=tree["b"],
        on=ON,
        parts=[{"new": {"code": "CS-B1", "name": "Bệnh viện 1"}}, {"new": {"code": "CS-B2", "name": "Bệnh viện 2"}}],
        choices={"directives": 1},
    )

    assert Assignment.objects.get(task=task, unit__code="CS-B2").state == Assignment.State.PENDING
    assert not Assignment.objects.filter(task=task, unit=tree["b"]).exists()
