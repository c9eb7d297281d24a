"""A CĐCS moved from one upper union to another: its Page counts under the new union at once, and the
new union's admin sees it, the old one's no longer does."""

import pytest
from django.urls import reverse

from loa.accounts.capabilities import Capability
from loa.fanpages import compliance
from loa.units.services import unit_create, unit_move


@pytest.fixture
def other(tree, kinds):
    from conftest import _user

    unit = unit_create(by=None, parent=tree["province"], kind=kinds["upper"], code="CDYT", name="Công đoàn Ngành Y tế")
    return {"unit": unit, "admin": _user("admin_yt", unit, "admin", full_name="Lục Văn Y")}


@pytest.fixture
def upper_admin(tree):
    from conftest import _user

    return _user("admin_vc", tree["upper"], "admin", full_name="Đinh Thị Viên")


def _groups(user):
    groups = compliance.upper_unit_compliance(user=user, capability=Capability.VIEW, year=2021)
    return {g.unit.code: (g.units, g.with_page) for g in groups if g.unit is not None}


def test_the_page_counts_under_the_new_union_and_only_its_admin_sees_it(tree, other, upper_admin, admin, pages, login):
    assert _groups(admin)["CDVC"] == (2, 2)
    a = tree["a"]
    a.refresh_from_db()

    unit_move(by=None, unit=a, new_parent=other["unit"])

    groups = _groups(admin)
    assert groups["CDVC"] == (1, 1) and groups["CDYT"] == (1, 1)
    assert _groups(upper_admin) == {"CDVC": (1, 1)}
    page = reverse("fanpages:unit", args=[a.pk])
    assert login(other["admin"]).get(page).status_code == 200
    assert login(upper_admin).get(page).status_code == 404
