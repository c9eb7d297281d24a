import threading
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection

from loa.directives import services
from loa.directives.models import Assignment
from loa.directives.reminders import reminder_kind, send_reminders
from loa.directives.tests.factories import GOOD_PAGE, fanpage_letter
from loa.notifications.models import Message


@pytest.fixture
def letter(tree, admin, alice, teammate, bob):
    return fanpage_letter(tree, by=admin)


@pytest.mark.parametrize(
    "day, kind",
    [
        (date(2021, 4, 22), "before"),  # 7 days before the last day, 29/4
        (date(2021, 4, 27), "before"),  # 2 days before
        (date(2021, 4, 28), None),
        (date(2021, 4, 29), "today"),  # a deadline of 30/4 00:00 means 29/4 is the last day
        (date(2021, 4, 30), None),
        (date(2021, 5, 2), "overdue"),  # then every 3 days after
        (date(2021, 5, 5), "overdue"),
        (date(2021, 5, 6), None),
    ],
)
def test_the_schedule_follows_the_task(letter, day, kind):
    _, task = letter
    assert reminder_kind(task, day) == kind


def test_only_units_that_have_not_reported_are_reminded(letter, tree, alice):
    _, task = letter
    services.report_submit(by=alice, assignment=Assignment.objects.get(task=task, unit=tree["a"]), data=GOOD_PAGE)
    assert send_reminders(day=date(2021, 4, 27)) == 1
    message = Message.objects.get()
    assert message.recipient == "bob@example.vn"
    assert "Bệnh viện" in message.subject
    assert "/directives/r/" in message.body


def test_each_officer_of_a_pending_unit_gets_one_reminder(letter):
    assert send_reminders(day=date(2021, 4, 27)) == 3  # alice and teammate for A, bob for B
    assert sorted(Message.objects.values_list("recipient", flat=True)) == [
        "alice@example.vn",
        "bob@example.vn",
        "teammate@example.vn",
    ]


def test_a_second_run_on_the_same_day_sends_nothing_more(letter):
    send_reminders(day=date(2021, 4, 27))
    assert send_reminders(day=date(2021, 4, 27)) == 0
    assert Message.objects.count() == 3


def test_a_returned_report_is_reminded_again(letter, tree, alice, admin):
    _, task = letter
    a = Assignment.objects.get(task=task, unit=tree["a"])
    services.report_submit(by=alice, assignment=a, data=GOOD_PAGE)
    services.report_return(by=admin, assignment=a, reason="Sai tên")
    send_reminders(day=date(2021, 4, 27))
    body = Message.objects.get(recipient="alice@example.vn").body
    assert "trả lại" in body or "returned" in body


def test_the_command_queues_reminders(letter, capsys):
    call_command("send_reminders", "--day", "2021-04-29")
    assert Message.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_runs_started_together_send_each_message_once(tree, admin, alice, teammate, bob):
    fanpage_letter(tree, by=admin)
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            send_reminders(day=date(2021, 4, 27))
        except Exception as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Message.objects.count() == 3
    assert Message.objects.values("recipient").distinct().count() == 3


def test_with_a_zalo_template_officers_with_a_phone_get_zalo_and_fall_back_to_email(
    letter, tree, alice, bob, settings, zalo_standin
):
    from loa.integrations.zalo import ZaloClient, pkce_pair
    from loa.notifications.delivery import deliver_due

    verifier, _ = pkce_pair()
    ZaloClient().exchange_code(
        zalo_standin.state.grant_code(oa_id="OA1", code_verifier=verifier), verifier, oa_id="OA1"
    )
    settings.ZALO_TEMPLATE_REMINDER = "401234"
    alice.phone, bob.phone = "+84912345678", "+84987654321"
    alice.save(), bob.save()
    zalo_standin.state.no_zalo_phones.add("84987654321")  # bob has no Zalo account

    send_reminders(day=date(2021, 4, 27))
    deliver_due()

    sent = {m["phone"]: m for m in zalo_standin.state.sent}
    assert set(sent) == {"84912345678"}
    assert sent["84912345678"]["template_data"]["unit"].startswith("Công đoàn cơ sở Trường THPT")
    assert sent["84912345678"]["template_data"]["name"] == "Hoàng Thị An"
    assert "/directives/r/" in sent["84912345678"]["template_data"]["link"]
    bob_zalo = Message.objects.get(channel="zalo", recipient="+84987654321")
    assert bob_zalo.status == "failed"
    fallback = Message.objects.get(channel="email", recipient="bob@example.vn")
    assert "Bệnh viện" in fallback.subject and "/directives/r/" in fallback.body
    deliver_due()  # the fallback joins the queue and leaves with the next run
    fallback.refresh_from_db()
    assert fallback.status == "sent"
    # teammate has no phone: e-mail only
    assert Message.objects.filter(channel="email", recipient="teammate@example.vn", status="sent").count() == 1
