"""The invitation and the role grant pick their unit by search: name and code, never a list of
every unit."""

from django.urls import reverse

from loa.accounts.models import Role, User
from loa.units.tests.picking import assert_offers_units_by_search, namesakes, picked_chip

INVITE = reverse("accounts:user_invite")


def _invitation(unit, **extra):
    return {
        "full_name": "Đinh Thị Mới",
        "email": "moi@example.vn",
        "unit": unit.pk if unit else "",
        "role": "officer",
        **extra,
    }


def test_the_invitation_picks_its_unit_by_search_among_600(
    password_login, admin, tree, kinds, django_assert_max_num_queries
):
    html = assert_offers_units_by_search(
        password_login(admin), INVITE, tree["upper"], kinds["cdcs"], django_assert_max_num_queries, 10
    )
    assert 'purpose": "users"' in html
    assert '<label for="id_unit"' in html and 'id="id_unit" name="unit_search"' in html


def test_an_invitation_at_one_of_two_namesakes_keeps_it_shown_with_its_code(password_login, admin, tree, kinds):
    _here, there = namesakes(tree, kinds)
    client = password_login(admin)
    response = client.post(INVITE, _invitation(there, email="not-an-address"))
    assert response.status_code == 400
    chip = picked_chip(response.content.decode())
    assert "KD-HA" in chip and "CĐGD Hòa An" in chip
    response = client.post(INVITE, _invitation(there))
    assert response.status_code == 302
    assert Role.objects.get(user=User.objects.get(email="moi@example.vn")).unit == there


def test_an_invitation_without_a_unit_says_how_to_choose_one(password_login, admin, tree):
    response = password_login(admin).post(INVITE, _invitation(None))
    assert response.status_code == 400
    assert "gõ một phần tên hoặc mã" in response.content.decode()
    assert not User.objects.filter(email="moi@example.vn").exists()


def test_a_role_is_granted_at_a_unit_picked_among_namesakes(password_login, admin, alice, tree, kinds):
    here, _there = namesakes(tree, kinds)
    client = password_login(admin)
    page = client.get(reverse("accounts:user_detail", args=[alice.pk])).content.decode()
    assert '<select name="unit"' not in page and 'name="unit_search"' in page
    response = client.post(reverse("accounts:role_grant", args=[alice.pk]), {"unit": here.pk, "role": "leader"})
    assert response.status_code == 302
    assert Role.objects.filter(user=alice, unit=here, role="leader").exists()


def test_a_hostile_unit_in_a_grant_is_404_never_500(password_login, admin, alice, tree):
    client = password_login(admin)
    for value in ("abc", "9" * 40):
        assert (
            client.post(reverse("accounts:role_grant", args=[alice.pk]), {"unit": value, "role": "leader"}).status_code
            == 404
        )
    assert not Role.objects.filter(user=alice, role="leader").exists()
