"""Two pages edit the same unit: the second to save sees the first one's values beside its own,
keeps what it typed, and chooses; nothing is silently overwritten."""

import pytest

from conftest import browser_login
from loa.units.models import Unit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_two_pages_edit_the_same_unit_and_the_second_chooses_with_both_versions_in_view(desktop, phone, admin, tree):
    url = f"/units/{tree['a'].pk}/edit/"
    browser_login(desktop, "admin")
    browser_login(phone, "admin")
    desktop.goto(desktop.base_url + url)
    phone.goto(phone.base_url + url)  # the same admin, on a phone, opens the same form

    desktop.fill("#id_members_count", "64")
    desktop.get_by_role("button", name="Lưu").click()
    desktop.wait_for_url(lambda u: u.endswith(f"/units/{tree['a'].pk}/"))

    phone.fill("#id_members_count", "70")
    phone.fill("#id_address", "Số 1 Hoàng Đình Giong")
    phone.get_by_role("button", name="Lưu").click()

    conflict = phone.get_by_test_id("conflict")
    conflict.wait_for()
    assert "Số đoàn viên" in conflict.inner_text()
    row = conflict.locator("tr[data-field=members_count]")
    assert row.get_by_test_id("theirs").inner_text() == "64" and row.get_by_test_id("yours").inner_text() == "70"
    assert phone.input_value("#id_members_count") == "70"  # what was typed on the phone is still there
    assert phone.input_value("#id_address") == "Số 1 Hoàng Đình Giong"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert Unit.objects.get(pk=tree["a"].pk).members_count == 64  # nothing saved over the desktop's change

    phone.get_by_role("button", name="Lưu").click()  # a deliberate "keep mine"
    phone.wait_for_url(lambda u: u.endswith(f"/units/{tree['a'].pk}/"))
    unit = Unit.objects.get(pk=tree["a"].pk)
    assert (unit.members_count, unit.address, unit.version) == (70, "Số 1 Hoàng Đình Giong", 3)
