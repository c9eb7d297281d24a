"""Delivery through a real SMTP server (aiosmtpd on 127.0.0.1), as production sends it."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from loa.notifications.delivery import deliver_due
from loa.notifications.models import Message
from loa.notifications.outbox import enqueue_email

pytestmark = pytest.mark.django_db

SUBJECT = "Nhắc nộp báo cáo Fanpage: Công đoàn cơ sở Trường THPT Thành phố Cao Bằng"
TEXT = "Đồng chí vui lòng cập nhật số bài đăng tháng 4 trước ngày 05/5/2021. Trân trọng cảm ơn!"


def _queue(to="an.hoang@example.vn", **extra):
    return enqueue_email(
        to=to,
        subject=SUBJECT,
        template="notifications/email/notice",
        context={"name": "Hoàng Thị An", "text": TEXT, "link": "http://loa.example.vn/units/7/?tab=fanpage"},
        **extra,
    )


def test_a_queued_message_arrives_with_its_vietnamese_subject_and_text_intact(smtp_server, tree):
    message = _queue(unit=tree["a"])

    assert deliver_due(limit=10) == 1

    mail = smtp_server.wait_for(1)[0]
    assert mail.rcpt_tos == ["an.hoang@example.vn"]
    assert mail.subject == SUBJECT
    headers = (
        mail.raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode("ascii")
    )  # headers are plain ASCII on the wire…
    assert "=?utf-8?" in headers.lower()  # …with the subject RFC 2047 encoded
    assert "Kính gửi đồng chí Hoàng Thị An," in mail.text
    assert TEXT in mail.text
    assert TEXT in mail.html
    assert mail.link("/units/7/") == "http://loa.example.vn/units/7/?tab=fanpage"
    assert mail.header("Auto-Submitted") == "auto-generated"
    assert mail.header("X-Loa-Message") == str(message.pk)
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert message.claimed_by == ""


def test_a_message_without_html_goes_out_as_plain_text(smtp_server):
    Message.objects.create(channel="email", recipient="x@example.vn", template="t", subject="Thử", body="Chỉ có chữ")

    deliver_due()

    mail = smtp_server.wait_for(1)[0]
    assert mail.text.strip() == "Chỉ có chữ"
    assert mail.html == ""


def test_one_run_sends_many_messages_over_one_connection(smtp_server):
    for i in range(5):
        Message.objects.create(channel="email", recipient=f"u{i}@example.vn", template="t", subject=f"Số {i}", body="…")

    assert deliver_due(limit=3) == 3
    assert deliver_due(limit=3) == 2
    assert deliver_due(limit=3) == 0

    assert sorted(m.rcpt_tos[0] for m in smtp_server.wait_for(5)) == [f"u{i}@example.vn" for i in range(5)]


def test_when_the_server_is_down_messages_wait_with_the_error_recorded_and_nothing_is_lost(smtp_server, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 300
    first, second = _queue(), _queue(to="binh@example.vn")
    smtp_server.stop()

    before = timezone.now()
    assert deliver_due() == 0

    for message in (first, second):
        message.refresh_from_db()
        assert message.status == Message.Status.QUEUED
        assert message.attempts == 1
        assert "Connection refused" in message.last_error or "ConnectionRefused" in message.last_error
        assert message.next_attempt_at >= before + timedelta(seconds=299)
    # Not due yet: a run now does nothing.
    assert deliver_due() == 0
    assert Message.objects.get(pk=first.pk).attempts == 1

    # The server is back and the time has come: both arrive, once.
    smtp_server.start()
    Message.objects.update(next_attempt_at=timezone.now())
    assert deliver_due() == 2
    assert sorted(m.rcpt_tos[0] for m in smtp_server.wait_for(2)) == ["an.hoang@example.vn", "binh@example.vn"]
    first.refresh_from_db()
    assert (first.status, first.attempts, first.last_error) == (Message.Status.SENT, 2, "")


def test_a_refused_recipient_fails_at_once_and_the_others_still_go(smtp_server):
    smtp_server.refuse("khong-ton-tai@example.vn")
    bad, good = _queue(to="khong-ton-tai@example.vn"), _queue(to="an.hoang@example.vn")

    assert deliver_due() == 1

    bad.refresh_from_db()
    assert bad.status == Message.Status.FAILED
    assert bad.attempts == 1
    assert "550" in bad.last_error and "User unknown" in bad.last_error
    assert [m.rcpt_tos for m in smtp_server.wait_for(1)] == [["an.hoang@example.vn"]]
    good.refresh_from_db()
    assert good.status == Message.Status.SENT


def test_a_temporarily_refused_recipient_is_retried(smtp_server):
    smtp_server.refuse("day@example.vn", "450 4.2.1 Mailbox busy, try later")
    message = _queue(to="day@example.vn")

    deliver_due()

    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED
    assert "450" in message.last_error


def test_after_the_last_attempt_a_message_fails(smtp_server, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = _queue()
    smtp_server.stop()

    for _ in range(3):
        Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        deliver_due()

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.attempts == 3
    assert message.last_error


def test_the_smtp_password_never_reaches_the_message_or_the_log(smtp_server, settings, caplog):
    smtp_server.password = "the-right-one"
    settings.EMAIL_HOST_USER = "loa"
    settings.EMAIL_HOST_PASSWORD = "s3cret-wrong"
    message = _queue()

    with caplog.at_level(logging.DEBUG):
        deliver_due()

    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED
    assert "535" in message.last_error  # authentication failed, said plainly
    assert "s3cret" not in message.last_error
    assert "s3cret" not in caplog.text
    assert smtp_server.messages == []


def test_with_the_right_password_the_message_goes_out(smtp_server, settings):
    smtp_server.password = "the-right-one"
    settings.EMAIL_HOST_USER = "loa"
    settings.EMAIL_HOST_PASSWORD = "the-right-one"
    _queue()

    assert deliver_due() == 1
    smtp_server.wait_for(1)


def test_a_password_smtp_cannot_encode_keeps_messages_waiting(smtp_server, settings):
    smtp_server.password = "the-right-one"
    settings.EMAIL_HOST_USER = "loa"
    settings.EMAIL_HOST_PASSWORD = "Mật-khẩu"
    message = _queue()

    deliver_due()

    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED
    assert "UnicodeEncodeError" in message.last_error
    assert "Mật-khẩu" not in message.last_error
