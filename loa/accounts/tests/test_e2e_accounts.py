import re

import pytest

from conftest import browser_login
from loa.notifications.models import Message

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_admin_invites_an_officer_who_sets_a_password_on_a_phone(phone, browser, admin, alice, tree, settings):
    browser_login(phone, "admin")
    phone.goto(phone.base_url + "/accounts/users/")
    assert phone.locator("[data-testid=user-row]").count() == 2
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.goto(phone.base_url + "/accounts/users/invite/")
    phone.fill("#id_full_name", "Đinh Thị Mới")
    phone.fill("#id_email", "moi@example.vn")
    phone.fill("#id_phone", "0912 345 678")
    phone.fill("#id_unit", "thpt thanh pho")  # the unit picker: part of the name, without accents
    phone.get_by_role("button", name="CS-A").click()
    phone.wait_for_selector("[data-testid=picked-unit]")
    phone.click("main button[type=submit]")
    phone.wait_for_url(re.compile(r"/accounts/users/\d+/$"))
    assert "Đinh Thị Mới" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    link = re.search(r"https?://\S+/accounts/invite/\S+/", Message.objects.get().body).group(0)
    path = link[len(settings.SITE_URL) :]
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="vi-VN")
    invitee = context.new_page()
    invitee.goto(phone.base_url + path)
    assert "Tên đăng nhập của bạn là" in invitee.content()
    invitee.fill("#id_new_password1", "Mật-khẩu-của-tôi-1")
    invitee.fill("#id_new_password2", "Mật-khẩu-của-tôi-1")
    invitee.click("main button[type=submit]")
    invitee.wait_for_url(phone.base_url + "/")
    assert invitee.locator("[data-testid=my-unit]").count() == 1
    context.close()
