"""On a phone: the officer logs today's post and declares Likes; too many Likes are refused."""

import pytest
from django.utils import timezone

from conftest import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_officer_logs_today_s_post_and_declares_likes_on_a_phone(phone, pages, alice, tree):
    browser_login(phone, "alice")
    phone.goto(phone.base_url + "/fanpages/")
    assert phone.locator("#rate").inner_text().strip() in ("0%", "—")
    phone.fill("#id_link", "https://www.facebook.com/cdcsa/posts/122168377616832251")
    phone.click("#log-post button[type=submit]")
    today = f"{timezone.localdate():%d/%m/%Y}: 1 bài đăng"
    phone.locator('rect[data-posts="1"]', has_text=today).wait_for(state="attached")
    assert phone.locator("#streak").inner_text().strip() == "1"
    phone.fill("#id_count", "61")
    phone.click("#likes button[type=submit]")
    error = phone.locator(".msg-error").inner_text()
    assert "61" in error and "60" in error
    assert phone.locator("#like-rate").inner_text().strip() == "—"
    phone.fill("#id_count", "45")
    phone.click("#likes button[type=submit]")
    phone.wait_for_selector(".msg-success")
    assert phone.locator("#like-rate").inner_text().strip() == "75%"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
