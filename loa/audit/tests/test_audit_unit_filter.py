"""The audit list filtered by a unit picked by search (name and code), never a list of every unit."""

import re

import pytest
from django.urls import reverse

from conftest import _user
from loa.audit.models import AuditEntry
from loa.units.services import unit_update
from loa.units.tests.picking import NAMESAKE, assert_offers_units_by_search, namesakes, picked_chip

URL = reverse("audit:list")
PICK = reverse("units:pick")


@pytest.fixture
def upper_admin(tree):
    return _user("upper_admin", tree["upper"], "admin", full_name="Triệu Văn Cấp")


def _objects(response):
    return [(e.action, e.unit.code if e.unit else "") for e in response.context["entries"]]


def test_the_unit_filter_is_a_search_box_not_a_list_of_600_units(
    login, admin, tree, kinds, django_assert_max_num_queries
):
    assert_offers_units_by_search(login(admin), URL, tree["upper"], kinds["cdcs"], django_assert_max_num_queries, 8)


def test_a_unit_found_without_accents_filters_the_list(login, admin, tree, kinds):
    _here, there = namesakes(tree, kinds)
    unit_update(by=admin, unit=there, members_count=25)
    client = login(admin)
    results = client.get(PICK, {"name": "unit", "purpose": "audit", "unit_search": "kim dong"}).content.decode()
    assert "KD-TP" in results and "KD-HA" in results  # the two namesakes, told apart by their codes
    assert f"pick={there.pk}" in results

    response = client.get(URL, {"unit": there.pk})
    assert {code for _action, code in _objects(response)} == {"KD-HA"}
    assert {action for action, _code in _objects(response)} == {"unit.created", "unit.updated"}
    chip = picked_chip(response.content.decode())
    assert NAMESAKE in chip and "KD-HA" in chip and "CĐGD Hòa An" in chip


def test_the_unit_filter_keeps_the_other_filters_and_the_pager(login, admin, tree):
    for i in range(55):
        unit_update(by=admin, unit=tree["a"], members_count=100 + i)
    unit_update(by=admin, unit=tree["b"], members_count=7)
    client = login(admin)
    response = client.get(URL, {"unit": tree["a"].pk, "action": "unit.", "actor": "nong thi"})
    assert response.context["page"].paginator.count == 55
    assert {code for _action, code in _objects(response)} == {"CS-A"}
    html = response.content.decode()
    next_link = re.search(r'href="\?([^"]*page=2[^"]*)"', html).group(1).replace("&amp;", "&")
    assert f"unit={tree['a'].pk}" in next_link and "action=unit." in next_link and "actor=nong+thi" in next_link
    second = client.get(f"{URL}?{next_link}")
    assert len(second.context["entries"]) == 5
    assert {code for _action, code in _objects(second)} == {"CS-A"}


def test_htmx_after_a_pick_gets_the_filtered_results_only(login, admin, tree):
    unit_update(by=admin, unit=tree["b"], members_count=7)
    text = login(admin).get(URL, {"unit": tree["b"].pk, "unit_search": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="results"' in text and "<html" not in text
    assert "CS-B" in text and "CS-A" not in text


def test_a_unit_outside_the_scope_is_404_and_never_named(login, upper_admin, tree, kinds):
    _here, there = namesakes(tree, kinds)  # KD-HA is under another upper union
    client = login(upper_admin)
    for unit in (tree["province"], there):
        response = client.get(URL, {"unit": unit.pk})
        assert response.status_code == 404
        assert unit.code not in response.content.decode()
    assert client.get(PICK, {"name": "unit", "purpose": "audit", "pick": there.pk}).status_code == 404
    results = client.get(PICK, {"name": "unit", "purpose": "audit", "unit_search": "kim dong"}).content.decode()
    assert "KD-TP" in results and "KD-HA" not in results


@pytest.mark.parametrize("value", ["abc", "9" * 40, "-5", "1.0", "\x00"])
def test_a_hostile_unit_value_is_404_never_500(login, admin, tree, value):
    response = login(admin).get(URL, {"unit": value})
    assert response.status_code in (200, 404)
    if value.strip("\x00"):
        assert response.status_code == 404


def test_entries_name_their_unit_with_its_code(login, admin, tree, kinds):
    namesakes(tree, kinds)
    html = login(admin).get(URL, {"action": "unit."}).content.decode()
    assert '<span class="unit-code">KD-TP</span>' in html and '<span class="unit-code">KD-HA</span>' in html
    assert AuditEntry.objects.filter(unit__code__in=["KD-TP", "KD-HA"]).count() == 2
