"""On a phone, the user list follows a unit found by typing part of its name without accents,
together with the role filter."""

import pytest

from conftest import _user, browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_user_list_on_a_phone_follows_a_unit_picked_by_search(phone, admin, alice, bob, tree):
    _user("leader_b", tree["b"], "leader", full_name="Hà Văn Lãnh")
    browser_login(phone, "admin")
    phone.goto(phone.base_url + "/accounts/users/")
    phone.fill("#id_unit", "benh vien da khoa")
    phone.get_by_role("button", name="CS-B").click()
    phone.wait_for_function("() => document.querySelectorAll('[data-testid=user-row]').length === 2")
    names = phone.locator("#results").inner_text()
    assert "Bế Văn Bảo" in names and "Hà Văn Lãnh" in names and "Hoàng Thị An" not in names
    phone.select_option("select[name=role]", "leader")
    phone.wait_for_function("() => document.querySelectorAll('[data-testid=user-row]').length === 1")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
