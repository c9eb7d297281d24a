"""Issue 11, item 1, in a phone's browser: the reminder's link files the report, and the account
page behind it asks for the password."""

import pytest

from loa.directives import onetap
from loa.directives.models import Assignment
from loa.directives.tests.factories import fanpage_letter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_one_tap_link_files_the_report_and_the_profile_asks_for_the_password(
    tree, admin, alice, live_server, phone, settings
):
    settings.SITE_URL = live_server.url
    _, task = fanpage_letter(tree, by=admin)
    _, link = onetap.create_link(user=alice, assignment=Assignment.objects.get(task=task, unit=tree["a"]))

    phone.goto(link)
    phone.wait_for_selector("#id_admin_phone")
    phone.fill("#id_url", "fb.com/cdcs.thpt.tpcb")
    phone.fill("#id_admin_name", "Hoàng Thị An")
    phone.fill("#id_admin_phone", "0912 345 678")
    phone.get_by_role("button", name="Gửi báo cáo").click()
    assert "Đã nhận báo cáo" in phone.locator("[data-testid=receipt]").inner_text()

    # Whoever holds the link tries the account page: the log-in page, naming alice, says why.
    phone.goto(live_server.url + "/accounts/profile/")
    phone.wait_for_selector("#id_password")
    assert "/accounts/login/" in phone.url
    assert "đăng nhập bằng mật khẩu" in phone.inner_text("main")
    assert phone.input_value("#id_username") == "alice"
    assert phone.locator("#id_email").count() == 0

    # Alice herself logs in with her password: the same session becomes a full one.
    phone.fill("#id_password", "pass-for-tests")
    phone.click("button[type=submit]")
    phone.wait_for_selector("#id_email")
    assert phone.input_value("#id_email") == "alice@example.vn"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
