"""On a phone, the audit list is filtered by a unit found by typing part of its name without
accents, and two namesakes are told apart by their codes."""

import pytest

from conftest import browser_login
from loa.units.services import unit_update
from loa.units.tests.picking import namesakes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TAP_TARGETS_TOO_SMALL = """() => [...document.querySelectorAll('.unit-picker button')]
    .filter((el) => { const r = el.getBoundingClientRect(); return r.width && (r.height < 44 || r.width < 44); })
    .map((el) => el.outerHTML)"""


def test_an_admin_on_a_phone_filters_the_audit_by_a_unit_typed_without_accents(phone, admin, tree, kinds):
    here, there = namesakes(tree, kinds)
    unit_update(by=admin, unit=there, members_count=25)
    unit_update(by=admin, unit=tree["a"], members_count=61)
    browser_login(phone, "admin")
    phone.goto(phone.base_url + "/audit/")
    assert phone.locator("[data-testid=audit-row]").count() > 3

    phone.fill("#id_unit", "kim dong")
    results = phone.locator(".picker-list button")
    results.first.wait_for()
    assert results.count() == 2
    assert "KD-TP" in results.nth(0).inner_text() + results.nth(1).inner_text()
    assert phone.evaluate(TAP_TARGETS_TOO_SMALL) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.get_by_role("button", name="KD-HA").click()
    phone.wait_for_selector("[data-testid=picked-unit]")
    assert "KD-HA" in phone.locator("[data-testid=picked-unit]").inner_text()
    # The list follows the pick at once, without a tap on "Lọc".
    phone.wait_for_function("() => document.querySelectorAll('[data-testid=audit-row]').length === 2")
    rows = phone.locator("#results").inner_text()
    assert "KD-HA" in rows and "KD-TP" not in rows and "CS-A" not in rows
    assert f"unit={there.pk}" in phone.url  # kept in the address: reload, share, page on
    assert phone.evaluate(TAP_TARGETS_TOO_SMALL) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.get_by_role("button", name="Bỏ chọn").click()
    phone.wait_for_function("() => document.querySelectorAll('[data-testid=audit-row]').length > 3")
    del here
