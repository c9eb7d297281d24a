"""On a phone: the admin issues a directive through its confirmation, then reminds the units that
have not reported from the tracking page; neither page scrolls sideways."""

import os

import pytest

from conftest import browser_login
from loa.directives.tests.factories import fanpage_letter
from loa.notifications.models import Message

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("LOA_SCREENSHOTS")  # a folder to keep the pages as pictures, when set


def _fits(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_admin_issues_through_the_confirmation_then_reminds_now(tree, admin, alice, teammate, bob, phone):
    alice.phone = "+84912345678"
    alice.save()
    directive, task = fanpage_letter(tree, by=admin, issue=False)
    browser_login(phone, "admin")

    phone.goto(f"{phone.base_url}/directives/{directive.pk}/")
    phone.click("text=Ban hành văn bản")
    phone.wait_for_selector("text=Ban hành văn bản?")
    assert "Kính gửi đồng chí" in phone.inner_text("main")
    _fits(phone, "issue-confirm")
    phone.click("button:has-text('Ban hành và gửi 3 tin nhắn')")
    phone.wait_for_selector("text=Đã xếp hàng 3 tin nhắn")
    assert Message.objects.count() == 3

    phone.goto(f"{phone.base_url}/directives/tasks/{task.pk}/tracking/")
    phone.click("[data-testid=remind-now]")
    phone.wait_for_selector("text=Gửi ngay 3 tin nhắn")
    _fits(phone, "remind-preview")
    phone.click("button:has-text('Gửi ngay 3 tin nhắn')")
    phone.wait_for_selector("text=Đã nhắc 2 đơn vị")
    assert phone.locator("a[href='tel:+84912345678']").count() == 1
    assert phone.locator("a[href='https://zalo.me/0912345678']").count() == 1
    _fits(phone, "tracking")
    assert Message.objects.count() == 6
