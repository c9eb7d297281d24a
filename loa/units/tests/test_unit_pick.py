import pytest
from django.urls import reverse

from loa.units.tests.conftest import assert_login_redirect
from loa.units.tests.picking import NAMESAKE, many_units, namesakes, picked_chip
from loa.units.views import PICK_LIMIT

URL = reverse("units:pick")


def test_a_search_without_accents_offers_matching_units(login, admin, tree):
    html = (
        login(admin)
        .get(URL, {"name": "parent", "purpose": "manage", "parent_search": "cong doan truong"})
        .content.decode()
    )
    assert "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng" in html
    assert "Bệnh viện" not in html
    assert f"pick={tree['a'].pk}" in html


def test_picking_a_unit_returns_the_widget_with_it_chosen(login, admin, tree):
    html = login(admin).get(URL, {"name": "parent", "purpose": "manage", "pick": tree["a"].pk}).content.decode()
    assert f'name="parent" value="{tree["a"].pk}"' in html
    assert 'data-testid="picked-parent"' in html


def test_the_viewer_picks_only_among_the_units_they_see(login, bob, tree):
    client = login(bob)
    html = client.get(URL, {"name": "under", "purpose": "view", "under_search": "cong doan"}).content.decode()
    assert "Bệnh viện" in html and "Trường THPT" not in html
    assert client.get(URL, {"name": "under", "purpose": "view", "pick": tree["a"].pk}).status_code == 404


def test_someone_who_manages_nothing_gets_404_for_the_managers_picker(login, bob, tree):
    assert login(bob).get(URL, {"name": "parent", "purpose": "manage", "parent_search": "cong"}).status_code == 404


def test_anonymous_is_sent_to_log_in(client, tree):
    assert_login_redirect(client.get(URL, {"name": "parent", "purpose": "manage"}))


# --- Name and code: namesakes told apart --------------------------------------------------------


def test_two_namesakes_are_told_apart_by_code_and_parent_in_the_results(login, admin, tree, kinds):
    here, there = namesakes(tree, kinds)
    html = login(admin).get(URL, {"name": "unit", "purpose": "view", "unit_search": "kim dong"}).content.decode()
    assert html.count(NAMESAKE) == 2
    for unit, parent in ((here, tree["upper"].name), (there, "CĐGD Hòa An")):
        assert f'<span class="unit-code">{unit.code}</span> <span class="unit-parent">· {parent}</span>' in html
        assert f"pick={unit.pk}" in html


def test_the_chosen_unit_shows_its_code_and_parent(login, admin, tree, kinds):
    _here, there = namesakes(tree, kinds)
    html = login(admin).get(URL, {"name": "unit", "purpose": "view", "pick": there.pk}).content.decode()
    chip = picked_chip(html)
    assert NAMESAKE in chip and "KD-HA" in chip and "CĐGD Hòa An" in chip


def test_a_unit_picked_or_cleared_tells_its_form_and_keeps_its_label(login, admin, tree):
    client = login(admin)
    for pick in (tree["a"].pk, ""):
        html = client.get(URL, {"name": "unit", "purpose": "audit", "pick": pick}).content.decode()
        assert "data-unit-picked" in html  # loa.js sends `unit-picked` up to a filter form
        assert 'id="id_unit" name="unit_search"' in html  # the form's <label for="id_unit">


def test_the_user_and_audit_pickers_offer_the_units_where_one_holds_that_right(login, admin, alice, tree):
    admin_html = (
        login(admin).get(URL, {"name": "unit", "purpose": "users", "unit_search": "cong doan"}).content.decode()
    )
    assert "CS-A" in admin_html and "CS-B" in admin_html
    client = login(alice)
    assert client.get(URL, {"name": "unit", "purpose": "users", "unit_search": "cong doan"}).status_code == 404
    assert client.get(URL, {"name": "unit", "purpose": "audit", "pick": tree["a"].pk}).status_code == 404


@pytest.mark.parametrize("value", ["abc", "9" * 40, "-1", "1.5", "1 OR 1=1"])
def test_a_hostile_pick_is_404_never_500(login, admin, tree, value):
    assert login(admin).get(URL, {"name": "unit", "purpose": "view", "pick": value}).status_code == 404


@pytest.mark.parametrize("name", ["", "unit-x", "a" * 41, "unit\u00a0"])
def test_a_hostile_field_name_is_404(login, admin, tree, name):
    assert login(admin).get(URL, {"name": name, "purpose": "view", f"{name}_search": "cong"}).status_code == 404


def test_a_search_takes_a_bounded_number_of_queries_among_600_namesakes(
    login, admin, tree, kinds, django_assert_max_num_queries
):
    many_units(tree["upper"], kinds["cdcs"], 600)
    client = login(admin)
    with django_assert_max_num_queries(8):
        html = client.get(URL, {"name": "unit", "purpose": "view", "unit_search": "mam non hoa sen"}).content.decode()
    assert html.count("<li>") == PICK_LIMIT
    assert "MN-0001" in html and tree["upper"].name in html
    assert "hãy gõ thêm tên" in html
