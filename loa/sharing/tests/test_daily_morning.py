"""The morning run: each officer gets ONE message a day listing the unit's items (by real SMTP, or
Zalo through the stand-in), a rerun sends nothing, items are asked once, two runs never work at once."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from loa.accounts.models import Role, User
from loa.notifications.delivery import deliver_due
from loa.notifications.models import Message
from loa.sharing import daily, services
from loa.sharing.models import Item, RunLease, Share, Tally
from loa.units.services import unit_create

DAY = date(2026, 12, 7)
TITLES = ("Nghị quyết Đại hội Công đoàn tỉnh", "Luật Công đoàn 2024 có hiệu lực", "Tháng Công nhân 2026")


def _items(tree, unit=None, starts_on=DAY, **kwargs):
    return [
        services.item_create(
            by=None,
            unit=unit or tree["province"],
            title=title,
            text="Mời đoàn viên cùng đọc và chia sẻ.",
            url=f"https://congdoancaobang.vn/tin/{n}",
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=3),
            **kwargs,
        )
        for n, title in enumerate(TITLES)
    ]


def _asked(unit):
    row = Tally.objects.filter(unit=unit, month=DAY.replace(day=1)).first()
    return row.asked if row else 0


def test_each_officer_gets_one_mail_a_day_listing_every_item_and_a_rerun_sends_nothing(
    tree, alice, teammate, bob, smtp_server, settings
):
    settings.SITE_URL = "https://loa.example.vn"
    _items(tree)
    report = daily.morning_run(day=DAY)
    assert report.queued == {"email": 3} and report.newly_asked == 12  # 4 units × 3 items
    deliver_due()
    mails = {m.rcpt_tos[0]: m for m in smtp_server.wait_for(3)}
    assert set(mails) == {"alice@example.vn", "teammate@example.vn", "bob@example.vn"}
    mail = mails["alice@example.vn"]
    assert "Trường THPT Thành phố Cao Bằng" in mail.subject and "3" in mail.subject
    assert mail.text.startswith("Kính gửi đồng chí Hoàng Thị An,")
    for title in TITLES:
        assert title in mail.text
    assert "(mới)" in mail.text
    assert mail.link("/sharing/t/") != mails["teammate@example.vn"].link("/sharing/t/")  # one link each
    assert set(Item.objects.values_list("asked_on", flat=True)) == {DAY}
    assert (_asked(tree["a"]), _asked(tree["upper"]), _asked(tree["province"])) == (3, 9, 12)

    again = daily.morning_run(day=DAY)
    assert again.queued == {} and again.newly_asked == 0
    assert Message.objects.count() == 3
    assert _asked(tree["province"]) == 12


def test_the_next_day_lists_yesterdays_unshared_items_and_leaves_out_shared_ones(tree, alice, settings):
    first, second, third = _items(tree)
    daily.morning_run(day=DAY)
    services.share_record(by=alice, item=first, unit=tree["a"], kind=Share.Kind.DECLARED)
    report = daily.morning_run(day=DAY + timedelta(days=1))
    assert report.newly_asked == 0 and report.queued == {"email": 1}
    body = Message.objects.get(dedupe_key__contains=(DAY + timedelta(days=1)).isoformat()).body
    assert first.title not in body
    assert second.title in body and third.title in body
    assert "chưa chia sẻ" in body
    # Nothing left to share: no message at all.
    for item in (second, third):
        services.share_record(by=alice, item=item, unit=tree["a"], kind=Share.Kind.DECLARED)
    assert daily.morning_run(day=DAY + timedelta(days=2)).queued == {}


def test_an_audience_narrowed_to_a_kind_is_asked_of_those_units_only(tree, kinds, alice, editor):
    Role.objects.create(
        user=User.objects.create_user("upper_officer", email="uo@example.vn"), unit=tree["upper"], role="officer"
    )
    _items(tree, kinds=[kinds["cdcs"]])
    report = daily.morning_run(day=DAY)
    assert report.units == 2 and report.newly_asked == 6
    assert set(Message.objects.values_list("recipient", flat=True)) == {"alice@example.vn"}
    assert (_asked(tree["a"]), _asked(tree["b"]), _asked(tree["upper"])) == (3, 3, 6)


def test_officers_on_zalo_get_the_message_there_with_the_link(tree, alice, zalo_standin, settings):
    from loa.integrations.zalo import ZaloClient, pkce_pair

    verifier, _ = pkce_pair()
    ZaloClient().exchange_code(
        zalo_standin.state.grant_code(oa_id="OA1", code_verifier=verifier), verifier, oa_id="OA1"
    )
    settings.ZALO_TEMPLATE_REMINDER = "401234"
    alice.phone = "+84912345678"
    alice.save()
    _items(tree)
    assert daily.morning_run(day=DAY).queued == {"zalo": 1}
    deliver_due()
    [zns] = zalo_standin.state.sent
    assert zns["phone"] == "84912345678"
    data = zns["template_data"]
    assert data["name"] == "Hoàng Thị An" and "3" in data["task"]
    assert "/sharing/t/" in data["link"]
    assert daily.morning_run(day=DAY).queued == {}
    deliver_due()
    assert len(zalo_standin.state.sent) == 1


def test_a_run_waits_for_no_one_while_another_holds_the_lease_and_a_dead_runs_lease_runs_out(tree, alice):
    _items(tree)
    token = daily.take_lease()
    busy = daily.morning_run(day=DAY)
    assert busy.busy and Message.objects.count() == 0
    assert Item.objects.filter(asked_on__isnull=False).count() == 0
    RunLease.objects.filter(token=token).update(expires_at=timezone.now() - timedelta(seconds=1))  # it died
    done = daily.morning_run(day=DAY)
    assert not done.busy and done.queued == {"email": 1}
    lease = RunLease.objects.get()
    assert lease.token == "" and lease.last_report["queued"] == {"email": 1}


def test_the_command_says_what_it_queued(tree, alice, capsys):
    _items(tree)
    call_command("send_share_digests", "--day", DAY.isoformat())
    assert "1 messages queued (1 email)" in capsys.readouterr().out


def test_the_run_takes_a_few_queries_whatever_the_number_of_units(tree, kinds, alice, django_assert_max_num_queries):
    _items(tree)
    for n in range(30):
        unit = unit_create(by=None, parent=tree["upper"], kind=kinds["cdcs"], code=f"CS-{n}", name=f"CĐCS số {n}")
        user = User.objects.create_user(f"officer{n}", email=f"officer{n}@example.vn")
        Role.objects.create(user=user, unit=unit, role="officer")
    with django_assert_max_num_queries(40):
        report = daily.morning_run(day=DAY)
    assert report.queued == {"email": 31}


def test_the_beat_schedule_runs_it_every_morning():
    from loa.sharing.schedule import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["sharing-send-share-digests"]
    assert entry["task"] == "loa.sharing.send_share_digests"
    assert entry["schedule"].hour == {6}


@pytest.mark.parametrize("count", [0])
def test_no_active_item_queues_nothing(tree, alice, count):
    assert daily.morning_run(day=DAY).queued == {}


def test_an_officer_of_two_units_gets_one_message_with_each_units_list_and_link(tree, alice, smtp_server, settings):
    settings.SITE_URL = "https://loa.example.vn"
    Role.objects.create(user=alice, unit=tree["b"], role="officer")
    first, *_rest = _items(tree)
    services.share_record(by=None, item=first, unit=tree["b"], kind=Share.Kind.DECLARED)
    assert daily.morning_run(day=DAY).queued == {"email": 1}
    deliver_due()
    [mail] = smtp_server.wait_for(1)
    assert "Trường THPT Thành phố Cao Bằng" in mail.text and "Bệnh viện Đa khoa tỉnh" in mail.text
    assert mail.text.count(first.title) == 1  # B shared it already
    links = [url for url in mail.links() if "/sharing/t/" in url]
    assert len(links) == 2
    units = {daily.read_link(url.rstrip("/").rsplit("/", 1)[-1])[1] for url in links}
    assert units == {tree["a"], tree["b"]}
    assert daily.morning_run(day=DAY).queued == {}
