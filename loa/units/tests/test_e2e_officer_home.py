import pytest

from conftest import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_officer_logs_in_on_a_phone_and_sees_their_unit(phone, alice, bob):
    browser_login(phone, "alice")
    card = phone.locator("[data-testid=my-unit]")
    assert "Trường THPT Thành phố Cao Bằng" in card.inner_text()
    assert "Bệnh viện" not in phone.content()
    # Nothing overflows the phone's width.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
