"""Issuing a directive: a confirmation that says who is told what, then one message per officer."""

import pytest
from django.urls import reverse

from loa.directives.models import Assignment, Directive
from loa.directives.tests.factories import fanpage_letter
from loa.notifications.models import Message


@pytest.fixture
def draft(tree, admin, alice, teammate, bob):
    return fanpage_letter(tree, by=admin, issue=False)


def issue_url(directive):
    return reverse("directives:issue", args=[directive.pk])


def test_the_confirmation_says_how_many_units_and_officers_and_sends_nothing(draft, admin, login):
    directive, _ = draft
    page = login(admin).get(issue_url(directive)).content.decode()
    assert "Ban hành văn bản?" in page
    assert "Văn bản gửi 2 đơn vị" in page
    assert "Hoàng Thị An" in page and "alice@example.vn" in page and "bob@example.vn" in page
    assert "Ban hành và gửi 3 tin nhắn" in page
    directive.refresh_from_db()
    assert directive.status == Directive.Status.DRAFT
    assert not Message.objects.exists()


def test_the_confirmation_shows_the_message_each_officer_will_read(draft, admin, login):
    directive, _ = draft
    page = login(admin).get(issue_url(directive)).content.decode()
    assert "Kính gửi đồng chí" in page
    assert "Báo cáo kết quả thành lập Trang Fanpage" in page
    assert "(đường dẫn mở một chạm)" in page


def test_confirming_issues_and_queues_one_message_per_recipient_officer(draft, admin, login):
    directive, _task = draft
    response = login(admin).post(issue_url(directive), follow=True)
    assert "Đã xếp hàng 3 tin nhắn" in response.content.decode()
    directive.refresh_from_db()
    assert directive.status == Directive.Status.ISSUED
    messages = Message.objects.order_by("recipient")
    assert [m.recipient for m in messages] == ["alice@example.vn", "bob@example.vn", "teammate@example.vn"]
    for message in messages:
        assert message.body.startswith("Kính gửi đồng chí")
        assert "/directives/r/" in message.body  # the one-tap link
        assert message.subject.startswith("Văn bản mới: 45/CV-CĐVC")


def test_a_double_submit_issues_once_and_sends_each_message_once(draft, admin, login):
    directive, _ = draft
    client = login(admin)
    client.post(issue_url(directive))
    response = client.post(issue_url(directive), follow=True)
    assert "đã được ban hành" in response.content.decode()
    assert Message.objects.count() == 3


def test_outsiders_and_officers_cannot_see_or_confirm_the_issue(draft, bob, alice, leader, login, client):
    directive, _ = draft
    for user in (bob, alice, leader):
        c = login(user)
        assert c.get(issue_url(directive)).status_code == 404
        assert c.post(issue_url(directive)).status_code == 404
    directive.refresh_from_db()
    assert directive.status == Directive.Status.DRAFT
    assert not Message.objects.exists()


def test_a_unit_without_officers_is_told_at_its_contact_address(tree, admin, bob):
    from loa.directives import notices

    tree["a"].email = "cdcs.thpt@example.vn"
    tree["a"].save()
    directive, _ = fanpage_letter(tree, by=admin, issue=False)
    _, queued = notices.issue_and_notify(by=admin, directive=directive)
    assert queued == 2
    unit_mail = Message.objects.get(recipient="cdcs.thpt@example.vn")
    assert unit_mail.body.startswith("Kính gửi đồng chí phụ trách Công đoàn cơ sở Trường THPT")
    assert "/report/" in unit_mail.body  # no one-tap link without an officer: the form, behind log-in


def test_units_inactive_during_the_work_are_not_told(tree, admin, alice, bob):
    from datetime import date

    from loa.directives import notices

    tree["b"].active_to = date(2021, 1, 1)
    tree["b"].save()
    directive, _ = fanpage_letter(tree, by=admin, issue=False)
    _, queued = notices.issue_and_notify(by=admin, directive=directive)
    assert queued == 1
    assert not Message.objects.filter(recipient="bob@example.vn").exists()


def test_the_background_issue_says_how_many_messages_were_queued(draft, admin, login, settings):
    settings.ISSUE_INLINE_MAX_RECIPIENTS = 1
    directive, task = draft
    response = login(admin).post(issue_url(directive))
    job_page = login(admin).get(response["Location"]).content.decode()  # JOBS_BACKEND is inline in tests
    assert "Đã xếp hàng 3 tin nhắn" in job_page
    assert Assignment.objects.filter(task=task).count() == 2
    assert Message.objects.count() == 3


def test_a_draft_may_be_saved_without_a_number_but_not_issued(tree, admin, login):
    client = login(admin)
    response = client.post(
        reverse("directives:create"),
        {
            "issuing_unit": tree["upper"].pk,
            "number": "",
            "kind": "CV",
            "issued_on": "2021-04-05",
            "place": "Cao Bằng",
            "summary": "V/v thử",
            "body": "Nội dung",
            "signer_capacity": "TM. BAN THƯỜNG VỤ",
            "signer_title": "CHỦ TỊCH",
            "signer_name": "Ngọc Văn Phán",
        },
    )
    assert response.status_code == 302
    directive = Directive.objects.get(summary="V/v thử")
    assert directive.number == ""
    form_page = client.get(reverse("directives:edit", args=[directive.pk])).content.decode()
    assert "Có thể để trống khi soạn thảo; cần có khi ban hành văn bản." in form_page
    response = client.get(issue_url(directive), follow=True)
    assert "số, ký hiệu" in response.content.decode().lower()
