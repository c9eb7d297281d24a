import pytest
from django.urls import reverse

from conftest import _user

URL = reverse("accounts:user_list")


def _names(response):
    return {u.username for u in response.context["page"]}


def test_anonymous_is_sent_to_log_in(client, db):
    assert reverse("accounts:login") in client.get(URL).url


@pytest.mark.parametrize("who", ["bob", "editor", "leader"])
def test_users_without_user_rights_get_404(request, login, who):
    assert login(request.getfixturevalue(who)).get(URL).status_code == 404


def test_a_province_admin_sees_everyone_in_vietnamese_order(login, admin, alice, bob, teammate, editor):
    response = login(admin).get(URL)
    assert response.status_code == 200
    names = [u.display_name() for u in response.context["page"]]
    assert names == ["Bế Văn Bảo", "Đàm Thị Biên", "Hoàng Thị An", "Lương Văn Bình", "Nông Thị Quản Trị"]


def test_an_upper_admin_sees_only_users_inside_their_units(login, upper_admin, admin, alice, bob, editor):
    response = login(upper_admin).get(URL)
    assert _names(response) == {"upper_admin", "alice", "bob", "editor"}


def test_a_user_with_a_role_outside_is_not_managed_from_below(login, upper_admin, alice, tree):
    from loa.accounts.models import Role

    Role.objects.create(user=alice, unit=tree["province"], role="leader")
    assert "alice" not in _names(login(upper_admin).get(URL))


def test_search_ignores_accents_and_case(login, admin, alice, bob):
    client = login(admin)
    assert _names(client.get(URL, {"q": "hoang thi"})) == {"alice"}
    assert _names(client.get(URL, {"q": "BAO"})) == {"bob"}
    assert _names(client.get(URL, {"q": "bob@example"})) == {"bob"}


def test_filters_by_unit_subtree_and_role(login, admin, alice, bob, editor, tree):
    client = login(admin)
    assert _names(client.get(URL, {"unit": tree["a"].pk})) == {"alice"}
    assert _names(client.get(URL, {"unit": tree["upper"].pk})) == {"alice", "bob", "editor"}
    assert _names(client.get(URL, {"unit": tree["upper"].pk, "role": "officer"})) == {"alice", "bob"}


def test_a_unit_filter_outside_the_scope_is_404(login, upper_admin, tree):
    assert login(upper_admin).get(URL, {"unit": tree["province"].pk}).status_code == 404


def test_htmx_gets_only_the_results(login, admin, alice):
    response = login(admin).get(URL, {"q": "an"}, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert 'id="results"' in text and "<html" not in text


def test_the_list_takes_a_constant_number_of_queries(login, admin, tree, django_assert_max_num_queries):
    for i in range(30):
        _user(f"u{i}", tree["a"] if i % 2 else tree["b"], "officer", full_name=f"Người {i}")
    client = login(admin)
    with django_assert_max_num_queries(9):
        response = client.get(URL)
    assert len(response.context["page"]) == 31
