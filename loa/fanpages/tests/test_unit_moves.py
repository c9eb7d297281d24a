"""A CĐCS moved from one upper union to another: its Page counts under the new union at once, and the
new union's admin sees it, the old one's no longer does."""

from django.urls import reverse

from loa.accounts.capabilities import Capability
from loa.fanpages import compliance
from loa.units.services import unit_move


def _groups(user, tree="today"):
    groups = compliance.upper_unit_compliance(user=user, capability=Capability.VIEW, year=2021, tree=tree)
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


def test_a_past_year_counts_the_page_under_the_union_it_had_that_year(tree, other, upper_admin, admin, bob, pages):
    a = tree["a"]
    a.refresh_from_db()
    unit_move(by=None, unit=a, new_parent=other["unit"])  # today: 2021 is a past year

    assert _groups(admin, "year") == {"CDVC": (2, 2)}
    # The union it left reads its 2021 figures by 2021's tree; the new one reads them either way (who
    # sees what follows today's tree), grouped under the union A had in 2021 by default.
    assert _groups(upper_admin, "year") == {"CDVC": (2, 2)}
    assert _groups(other["admin"], "year") == {"CDVC": (1, 1)}
    assert _groups(other["admin"], "today") == {"CDYT": (1, 1)}
    assert _groups(bob, "year") == _groups(bob, "today") == {"CDVC": (1, 1)}  # his own CĐCS only


def test_the_overview_and_its_export_switch_between_the_trees(tree, other, admin, pages, login):
    a = tree["a"]
    a.refresh_from_db()
    unit_move(by=None, unit=a, new_parent=other["unit"])
    client = login(admin)

    page = client.get(reverse("fanpages:index"), {"year": 2021})
    assert {g.unit.code: g.units for g in page.context["groups"]} == {"CDVC": 2}
    assert 'data-testid="tree-switch"' in page.content.decode()
    page = client.get(reverse("fanpages:index"), {"year": 2021, "tree": "today"})
    assert {g.unit.code: g.units for g in page.context["groups"]} == {"CDVC": 1, "CDYT": 1}
    assert "tree=today&format=xlsx" in page.content.decode()
    export = client.get(reverse("fanpages:index"), {"year": 2021, "tree": "today", "format": "xlsx"})
    assert export.status_code == 200
