import pytest

from conftest import browser_login
from loa.notifications.models import Message

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_admin_sends_a_failed_message_again_from_a_phone(phone, admin, tree):
    message = Message.objects.create(
        channel="email",
        recipient="hoang.an@example.vn",
        template="t",
        unit=tree["a"],
        status="failed",
        attempts=5,
        subject="Nhắc nộp báo cáo Fanpage tháng 4",
        last_error="SMTP 421 4.7.0 Try again later, closing connection",
    )
    browser_login(phone, "admin")

    phone.goto(phone.base_url + "/notifications/?status=failed")
    row = phone.locator(f"[data-testid=message-{message.pk}]")
    assert "Nhắc nộp báo cáo Fanpage tháng 4" in row.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    row.get_by_role("button", name="Gửi lại").click()

    phone.wait_for_selector(".messages")
    assert "đã được đưa lại vào hàng chờ gửi" in phone.locator(".messages").inner_text()
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED
