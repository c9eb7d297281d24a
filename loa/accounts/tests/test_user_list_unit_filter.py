"""The user list filtered by a unit picked by search (name and code), never a list of every unit."""

import re

import pytest
from django.urls import reverse

from conftest import _user
from loa.units.tests.picking import NAMESAKE, assert_offers_units_by_search, namesakes, picked_chip

URL = reverse("accounts:user_list")
PICK = reverse("units:pick")


def _names(response):
    return {u.username for u in response.context["page"]}


@pytest.fixture
def namesake_officers(tree, kinds):
    here, there = namesakes(tree, kinds)
    return here, there, _user("kd_tp", here, "officer", full_name="Lý Thị Thành"), _user("kd_ha", there, "officer")


def test_the_unit_filter_is_a_search_box_not_a_list_of_600_units(
    login, admin, tree, kinds, django_assert_max_num_queries
):
    assert_offers_units_by_search(login(admin), URL, tree["upper"], kinds["cdcs"], django_assert_max_num_queries, 8)


def test_a_unit_found_without_accents_filters_the_list(login, admin, namesake_officers):
    here, there, _kd_tp, _kd_ha = namesake_officers
    client = login(admin)
    results = client.get(PICK, {"name": "unit", "purpose": "users", "unit_search": "kim dong"}).content.decode()
    assert results.count(NAMESAKE) == 2 and "KD-TP" in results and "KD-HA" in results
    assert f"pick={here.pk}" in results and f"pick={there.pk}" in results

    response = client.get(URL, {"unit": there.pk})
    assert _names(response) == {"kd_ha"}
    chip = picked_chip(response.content.decode())
    assert "KD-HA" in chip and "CĐGD Hòa An" in chip


def test_the_unit_filter_keeps_the_role_status_and_pager(login, admin, alice, bob, tree, django_assert_max_num_queries):
    for i in range(52):
        _user(f"officer{i:02d}", tree["a"], "officer", full_name=f"Cán bộ {i:02d}")
    _user("leader_a", tree["a"], "leader")
    client = login(admin)
    with django_assert_max_num_queries(10):
        response = client.get(URL, {"unit": tree["a"].pk, "role": "officer", "status": "active"})
    assert response.context["page"].paginator.count == 53  # alice and the 52
    html = response.content.decode()
    next_link = re.search(r'href="\?([^"]*page=2[^"]*)"', html).group(1).replace("&amp;", "&")
    assert f"unit={tree['a'].pk}" in next_link and "role=officer" in next_link and "status=active" in next_link
    second = client.get(f"{URL}?{next_link}")
    assert len(second.context["page"]) == 3
    assert "leader_a" not in _names(second) and "bob" not in _names(second)


def test_a_unit_outside_the_scope_is_404_and_never_named(login, namesake_officers, tree):
    _here, there, _kd_tp, _kd_ha = namesake_officers
    upper_admin = _user("upper_admin", tree["upper"], "admin")
    client = login(upper_admin)
    for unit in (tree["province"], there):
        response = client.get(URL, {"unit": unit.pk})
        assert response.status_code == 404
        assert unit.code not in response.content.decode()
    results = client.get(PICK, {"name": "unit", "purpose": "users", "unit_search": "kim dong"}).content.decode()
    assert "KD-TP" in results and "KD-HA" not in results


@pytest.mark.parametrize("value", ["abc", "9" * 40, "-5", "1e3"])
def test_a_hostile_unit_value_is_404_never_500(login, admin, tree, value):
    assert login(admin).get(URL, {"unit": value}).status_code == 404
