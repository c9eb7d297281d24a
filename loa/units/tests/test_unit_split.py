"""Splitting CĐCS B into two parts: the members divided, the parts existing or new, the source closed,
and the requests refused."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from loa.audit.models import AuditEntry
from loa.units import restructure
from loa.units.models import Unit

ON = date(2021, 7, 1)
PARTS = [{"new": {"code": "CS-B1", "name": "Khối khám bệnh"}}, {"new": {"code": "CS-B2", "name": "Khối điều trị"}}]


def test_it_splits_into_new_units_dividing_the_members(tree, admin):
    plan = restructure.split(by=admin, source=tree["b"], on=ON, parts=PARTS)

    b1, b2 = Unit.objects.get(code="CS-B1"), Unit.objects.get(code="CS-B2")
    assert (b1.members_count, b2.members_count) == (150, 150)
    assert (b1.staff_count, b2.staff_count) == (160, 160)
    assert b1.parent_id == tree["upper"].pk and b1.active_from == ON
    assert Unit.objects.get(pk=tree["b"].pk).active_to == date(2021, 6, 30)
    assert AuditEntry.objects.filter(action="unit.split", object_id=str(tree["b"].pk)).exists()
    assert [t["code"] for t in plan.targets] == ["CS-B1", "CS-B2"]


def test_it_splits_into_an_existing_unit_with_the_members_given(tree, admin):
    parts = [{"unit": tree["a"], "members_count": 100, "staff_count": 110}, {**PARTS[0], "members_count": 200}]

    restructure.split(by=admin, source=tree["b"], on=ON, parts=parts)

    assert Unit.objects.get(pk=tree["a"].pk).members_count == 160
    assert Unit.objects.get(code="CS-B1").members_count == 200


def test_a_dry_run_writes_nothing(tree, admin):
    plan = restructure.plan_split(by=admin, source=tree["b"], on=ON, parts=PARTS)

    assert plan.dry_run and [t["id"] for t in plan.targets] == [None, None]
    assert not Unit.objects.filter(code__in=["CS-B1", "CS-B2"]).exists()
    assert Unit.objects.get(pk=tree["b"].pk).active_to is None


def test_it_refuses_a_unit_split_into_itself(tree, admin):
    with pytest.raises(ValidationError):
        restructure.split(by=admin, source=tree["b"], on=ON, parts=[{"unit": tree["b"]}, PARTS[0]])


def test_it_refuses_a_single_part_and_members_given_for_some_parts_only(tree, admin):
    with pytest.raises(ValidationError):
        restructure.split(by=admin, source=tree["b"], on=ON, parts=PARTS[:1])
    with pytest.raises(ValidationError):
        restructure.split(by=admin, source=tree["b"], on=ON, parts=[{**PARTS[0], "members_count": 5}, PARTS[1]])


def test_it_refuses_an_area_given_to_no_part(tree, admin):
    with pytest.raises(ValidationError):
        restructure.split(by=admin, source=tree["b"], on=ON, parts=PARTS, choices={"fanpages": 2})


def test_a_second_submit_is_refused(tree, admin):
    restructure.split(by=admin, source=tree["b"], on=ON, parts=PARTS)
    with pytest.raises(ValidationError):
        restructure.split(
            by=admin,
            source=tree["b"],
            on=ON,
            parts=[{"new": {"code": "X1", "name": "X1"}}, {"new": {"code": "X2", "name": "X2"}}],
        )
