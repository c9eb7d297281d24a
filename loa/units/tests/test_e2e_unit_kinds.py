import pytest

from conftest import browser_login
from loa.units.models import UnitKind

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TAP_TARGETS_TOO_SMALL = """() => [...document.querySelectorAll('main button, main a.btn')]
    .filter((el) => { const r = el.getBoundingClientRect(); return r.width && (r.height < 44 || r.width < 44); })
    .map((el) => el.outerHTML)"""


def test_an_admin_on_a_phone_orders_retires_and_adds_kinds(phone, admin, tree, kinds):
    browser_login(phone, "admin")
    phone.goto(phone.base_url + "/units/")
    phone.click("[data-testid=kinds-link]")
    phone.wait_for_selector("h1:has-text('Loại đơn vị')")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.evaluate(TAP_TARGETS_TOO_SMALL) == []

    phone.get_by_role("button", name="Đưa Công đoàn cơ sở lên trên").click()
    phone.wait_for_load_state()
    assert list(UnitKind.objects.values_list("code", flat=True)) == ["ldld-tinh", "cdcs", "cd-cap-tren"]

    phone.locator("[data-testid=kind-cd-cap-tren]").get_by_role("button", name="Ngừng dùng").click()
    phone.wait_for_selector("text=ngừng dùng từ")

    phone.get_by_role("link", name="＋ Thêm loại đơn vị").click()
    phone.fill("#id_name", "Công đoàn khu công nghiệp")
    phone.fill("#id_code", "cd-kcn")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_role("button", name="Lưu").click()
    phone.wait_for_selector("text=Đã thêm loại đơn vị “Công đoàn khu công nghiệp”.")
    assert UnitKind.objects.get(code="cd-kcn").order == 4
