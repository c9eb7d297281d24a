""" "Nhắc ngay": a preview of who gets what, then the send, once a day whoever asks."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from loa.accounts.models import Role, User
from loa.audit.models import AuditEntry
from loa.directives import notices, reminders, services
from loa.directives.models import Assignment, Directive
from loa.directives.tests.factories import GOOD_PAGE, fanpage_letter
from loa.notifications.models import Message, Reminder
from loa.units.services import unit_create


@pytest.fixture
def letter(tree, admin, alice, teammate, bob):
    return fanpage_letter(tree, by=admin)


def remind_url(task):
    return reverse("directives:remind", args=[task.pk])


def test_the_preview_lists_the_units_that_have_not_reported_with_their_officers_and_channel(
    letter, tree, alice, admin, login
):
    _, task = letter
    services.report_submit(by=alice, assignment=Assignment.objects.get(task=task, unit=tree["b"]), data=GOOD_PAGE)
    page = login(admin).get(remind_url(task)).content.decode()
    assert "Hoàng Thị An" in page and "Lương Văn Bình" in page
    assert "Bế Văn Bảo" not in page  # B has reported
    assert "Gửi ngay 2 tin nhắn" in page
    assert "Kính gửi đồng chí" in page
    assert not Message.objects.exists()


def test_sending_queues_one_reminder_per_officer_of_the_units_still_owing(letter, tree, alice, admin, login):
    _, task = letter
    services.report_submit(by=alice, assignment=Assignment.objects.get(task=task, unit=tree["b"]), data=GOOD_PAGE)
    response = login(admin).post(remind_url(task), follow=True)
    assert "Đã nhắc 1 đơn vị: 2 tin nhắn" in response.content.decode()
    assert sorted(Message.objects.values_list("recipient", flat=True)) == ["alice@example.vn", "teammate@example.vn"]
    assert all("/directives/r/" in m.body for m in Message.objects.all())
    entry = AuditEntry.objects.get(action="directive.task.reminded")
    assert entry.actor == admin


def test_pressing_twice_sends_nothing_more(letter, admin, login):
    _, task = letter
    client = login(admin)
    client.post(remind_url(task))
    response = client.post(remind_url(task), follow=True)
    assert "đều đã được nhắc hôm nay" in response.content.decode()
    assert Message.objects.count() == 3


def test_after_the_scheduled_run_nhac_ngay_resends_nothing_that_day(letter, admin, tree):
    _, task = letter
    day = date(2021, 4, 27)  # on the schedule (2 days before the last day)
    assert reminders.send_reminders(day=day) == 3
    assert reminders.remind_now(by=admin, task=task, node=tree["upper"], day=day) == (0, 0)
    assert Message.objects.count() == 3


def test_after_nhac_ngay_the_scheduled_run_skips_those_units_that_day(letter, admin, tree):
    _, task = letter
    day = date(2021, 4, 27)
    assert reminders.remind_now(by=admin, task=task, node=tree["upper"], day=day) == (2, 3)
    assert reminders.send_reminders(day=day) == 0
    assert reminders.send_reminders(day=date(2021, 4, 29)) == 3  # the next scheduled day reminds again


def test_the_preview_marks_units_reminded_today_and_counts_only_the_rest(letter, admin, tree):
    _, task = letter
    day = date(2021, 4, 27)
    reminders.remind_now(by=admin, task=task, node=tree["a"], day=day)
    plan = reminders.remind_now_preview(user=admin, task=task, node=tree["upper"], day=day)
    assert plan.already == {tree["a"].pk}
    assert plan.messages == 1  # bob only


def test_issuing_then_nhac_ngay_sends_exactly_one_more_to_the_missing_units_only(tree, admin, alice, teammate, bob):
    directive, task = fanpage_letter(tree, by=admin, issue=False)
    _, queued = notices.issue_and_notify(by=admin, directive=directive)
    assert queued == 3
    services.report_submit(by=alice, assignment=Assignment.objects.get(task=task, unit=tree["a"]), data=GOOD_PAGE)
    assert reminders.remind_now(by=admin, task=task, node=tree["upper"]) == (1, 1)
    assert Message.objects.filter(recipient="bob@example.vn").count() == 2
    assert Message.objects.filter(recipient="alice@example.vn").count() == 1


def test_what_the_preview_shows_is_what_is_sent(letter, admin, tree):
    _, task = letter
    plan = reminders.remind_now_preview(user=admin, task=task, node=tree["b"])
    [sample] = plan.samples
    reminders.remind_now(by=admin, task=task, node=tree["b"])
    sent = Message.objects.get()
    link = next(line for line in sent.body.splitlines() if "/directives/r/" in line)
    assert sent.subject == sample.subject
    assert sent.body.replace(link, "(đường dẫn mở một chạm)") == sample.text


def test_outsiders_officers_and_leaders_cannot_preview_or_send(letter, bob, alice, leader, login):
    _, task = letter
    for user in (bob, alice, leader):
        c = login(user)
        assert c.get(remind_url(task)).status_code == 404
        assert c.post(remind_url(task)).status_code == 404
    assert not Message.objects.exists()
    assert not Reminder.objects.exists()


def test_a_unit_out_of_the_admins_reach_is_a_404(letter, admin, login, tree, kinds):
    _, task = letter
    other = unit_create(
        by=None, parent=None, kind=kinds["province"], code="LDLD-HG", name="Liên đoàn Lao động tỉnh Hà Giang"
    )
    response = login(admin).get(remind_url(task) + f"?unit={other.pk}")
    assert response.status_code == 404


def test_each_row_shows_when_the_unit_was_last_reminded_and_its_officers_phones(letter, admin, alice, login, tree):
    _, task = letter
    alice.phone = "+84912345678"
    alice.save()
    reminders.remind_now(by=admin, task=task, node=tree["a"])
    page = login(admin).get(reverse("directives:tracking", args=[task.pk])).content.decode()
    assert 'href="tel:+84912345678"' in page
    assert 'href="https://zalo.me/0912345678"' in page
    today = timezone.localtime().strftime("%d/%m/%Y")
    assert re.search(rf"Đã nhắc lúc \d\d:\d\d {today} — E-mail", page)
    assert "Chưa được nhắc" in page  # B
    detail = login(admin).get(reverse("directives:assignment", args=[task.pk, tree["a"].pk])).content.decode()
    assert "Đã nhắc lúc" in detail and 'href="tel:+84912345678"' in detail and "E-mail" in detail


def _tracking_queries(client, task):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("directives:tracking", args=[task.pk])).status_code == 200
    return len(ctx.captured_queries)


def _letter_to(tree, admin, kinds, count):
    units = []
    for n in range(count):
        unit = unit_create(
            by=None, parent=tree["upper"], kind=kinds["cdcs"], code=f"CS-{count}-{n}", name=f"Công đoàn cơ sở số {n}"
        )
        user = User.objects.create_user(
            username=f"o{count}-{n}", email=f"o{count}-{n}@example.vn", phone="+84912345678", full_name=f"Cán bộ {n}"
        )
        Role.objects.create(user=user, unit=unit, role="officer")
        units.append(unit)
    Directive.objects.update(number=f"{count}/CV-CĐVC")  # the factory gives every letter the same number
    _directive, task = fanpage_letter(tree, by=admin, recipients=units)
    reminders.remind_now(by=admin, task=task, node=tree["upper"])
    return task


def test_the_tracking_page_reads_officers_and_reminders_in_the_same_number_of_queries_for_5_or_40_units(
    tree, admin, kinds, login
):
    client = login(admin)
    few = _tracking_queries(client, _letter_to(tree, admin, kinds, 5))
    many = _tracking_queries(client, _letter_to(tree, admin, kinds, 40))
    assert few == many


@pytest.mark.parametrize("unit", ["abc", "99999999999999999999999999", "-1", "1.5"])
def test_a_malformed_unit_is_a_404_and_sends_nothing(letter, admin, login, unit):
    _, task = letter
    client = login(admin)
    assert client.get(remind_url(task), {"unit": unit}).status_code == 404
    assert client.post(remind_url(task), {"unit": unit}).status_code == 404
    assert not Message.objects.exists()


def test_control_characters_in_the_unit_are_dropped_at_the_door_leaving_the_issuer(letter, admin, login, tree):
    _, task = letter
    page = login(admin).get(remind_url(task), {"unit": "\x00"}).content.decode()
    assert "Gửi ngay 3 tin nhắn" in page
    assert not Message.objects.exists()
