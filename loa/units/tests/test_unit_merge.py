"""Merging CĐCS A and B, into an existing unit or a new one: the counts, the closing, the history, the
dry run that writes nothing, and the requests refused."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from loa.audit.models import AuditEntry
from loa.units import restructure
from loa.units.models import Unit
from loa.units.services import unit_create

ON = date(2021, 7, 1)


@pytest.fixture
def c(tree, kinds):
    return unit_create(
        by=None,
        parent=tree["upper"],
        kind=kinds["cdcs"],
        code="CS-C",
        name="Công đoàn cơ sở Sở Y tế",
        members_count=10,
        staff_count=12,
    )


def _fresh(unit):
    return Unit.objects.get(pk=unit.pk)


def test_it_merges_into_an_existing_unit_summing_the_counts_and_closing_the_sources(tree, c, admin):
    plan = restructure.merge(by=admin, sources=[tree["a"], tree["b"]], target=c, on=ON)

    c = _fresh(c)
    assert (c.members_count, c.staff_count) == (370, 397)
    for key in ("a", "b"):
        unit = _fresh(tree[key])
        assert unit.active_to == date(2021, 6, 30)
        assert unit.name == tree[key].name  # its history stays under its own name
        assert AuditEntry.objects.filter(action="unit.merged_into", object_id=str(unit.pk)).exists()
    assert AuditEntry.objects.filter(action="unit.merged", object_id=str(c.pk)).exists()
    assert plan.targets[0]["members_count"] == 370
    assert "units" in plan.by_area() and "fanpages" in plan.by_area()


def test_it_merges_into_a_new_unit_with_the_counts_given(tree, kinds, admin):
    plan = restructure.merge(
        by=admin,
        sources=[tree["a"], tree["b"]],
        new_target={"code": "CS-AB", "name": "Công đoàn cơ sở Liên trường"},
        members_count=350,
        on=ON,
    )

    new = Unit.objects.get(code="CS-AB")
    assert new.parent_id == tree["upper"].pk and new.kind == kinds["cdcs"]
    assert new.active_from == ON
    assert (new.members_count, new.staff_count) == (350, 385)
    assert plan.targets[0]["id"] == new.pk


def test_a_dry_run_writes_nothing_and_says_what_applying_does(tree, c, admin):
    before = AuditEntry.objects.count()

    plan = restructure.plan_merge(
        by=admin, sources=[tree["a"], tree["b"]], new_target={"code": "CS-AB", "name": "Liên trường"}, on=ON
    )

    assert plan.dry_run and plan.targets[0]["id"] is None and plan.targets[0]["members_count"] == 360
    assert not Unit.objects.filter(code="CS-AB").exists()
    assert _fresh(tree["a"]).active_to is None
    assert AuditEntry.objects.count() == before
    applied = restructure.merge(
        by=admin, sources=[tree["a"], tree["b"]], new_target={"code": "CS-AB", "name": "Liên trường"}, on=ON
    )
    assert applied.by_area() == plan.by_area()


def test_the_children_of_a_source_go_under_the_target(tree, c, kinds, admin):
    part = unit_create(by=None, parent=tree["a"], kind=kinds["cdcs"], code="BP-1", name="Công đoàn bộ phận 1")

    restructure.merge(by=admin, sources=[tree["a"]], target=c, on=ON)

    assert _fresh(part).parent_id == c.pk and _fresh(part).path == f"{c.path}{part.pk}/"


def test_it_refuses_a_unit_merged_into_itself(tree, admin):
    with pytest.raises(ValidationError):
        restructure.merge(by=admin, sources=[tree["a"], tree["b"]], target=tree["a"], on=ON)


def test_it_refuses_a_target_inside_a_source(tree, admin):
    with pytest.raises(ValidationError):
        restructure.merge(by=admin, sources=[tree["upper"]], target=tree["a"], on=ON)


def test_it_refuses_a_date_before_a_units_start(tree, c, admin):
    a = _fresh(tree["a"])
    a.active_from = date(2021, 9, 1)
    a.save()
    with pytest.raises(ValidationError):
        restructure.merge(by=admin, sources=[a, tree["b"]], target=c, on=ON)
    assert _fresh(tree["b"]).active_to is None  # all or nothing


def test_it_refuses_a_unit_listed_twice(tree, c, admin):
    with pytest.raises(ValidationError):
        restructure.merge(by=admin, sources=[tree["a"], tree["a"]], target=c, on=ON)


def test_a_second_submit_is_refused(tree, c, admin):
    restructure.merge(by=admin, sources=[tree["a"], tree["b"]], target=c, on=ON)
    with pytest.raises(ValidationError):
        restructure.merge(by=admin, sources=[tree["a"], tree["b"]], target=c, on=ON)
    assert _fresh(c).members_count == 370


def test_it_refuses_a_unit_changed_since_it_was_read(tree, c, admin):
    from loa.core.versions import StaleVersion

    with pytest.raises(StaleVersion):
        restructure.merge(
            by=admin, sources=[tree["a"]], target=c, on=ON, expected_versions={tree["a"].pk: tree["a"].version + 5}
        )
