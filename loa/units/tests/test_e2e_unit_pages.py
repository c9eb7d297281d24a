import pytest

from conftest import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_admin_on_a_phone_creates_a_unit_by_searching_for_its_parent(phone, admin, tree):
    browser_login(phone, "admin")
    phone.goto(phone.base_url + "/units/new/")
    phone.fill("input[name=parent_search]", "vien chuc")
    phone.get_by_role("button", name="Công đoàn Viên chức tỉnh Cao Bằng").click()
    phone.wait_for_selector("[data-testid=picked-parent]")
    phone.fill("#id_name", "Công đoàn cơ sở Trường Tiểu học Hợp Giang")
    phone.fill("#id_code", "CS-HG")
    phone.fill("#id_phone", "0912 345 678")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_role("button", name="Lưu").click()

    phone.wait_for_selector("h1:has-text('Trường Tiểu học Hợp Giang')")
    assert "Công đoàn Viên chức tỉnh Cao Bằng" in phone.locator("nav.small").inner_text()
    assert "Tạo đơn vị" in phone.locator("#history").inner_text()


def test_the_unit_list_filters_as_one_types_and_fits_a_phone(phone, admin, tree):
    browser_login(phone, "admin")
    phone.goto(phone.base_url + "/units/")
    phone.fill("#id_q", "benh vien")
    # A function, not an expression: Playwright evaluates an expression string with eval, which the CSP refuses.
    phone.wait_for_function("() => !document.querySelector('#results').innerText.includes('Trường THPT')")
    assert "Bệnh viện Đa khoa" in phone.locator("#results").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
