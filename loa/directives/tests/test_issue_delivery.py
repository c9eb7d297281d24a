"""Issuing a directive, end to end: the officers' messages leave through a real SMTP server and the
Zalo stand-in, and read as the confirmation page previewed them."""

import pytest

from loa.directives import notices
from loa.directives.tests.factories import fanpage_letter
from loa.integrations.zalo import ZaloClient, pkce_pair
from loa.notifications.delivery import deliver_due
from loa.notifications.models import Message


@pytest.fixture
def zalo_ready(zalo_standin, settings):
    verifier, _ = pkce_pair()
    ZaloClient().exchange_code(
        zalo_standin.state.grant_code(oa_id="OA1", code_verifier=verifier), verifier, oa_id="OA1"
    )
    settings.ZALO_TEMPLATE_REMINDER = "401234"
    return zalo_standin


def test_issued_messages_reach_officers_by_smtp_and_zalo_as_previewed(
    tree, admin, alice, teammate, bob, smtp_server, zalo_ready
):
    alice.phone = "+84912345678"
    alice.save()
    directive, task = fanpage_letter(tree, by=admin, issue=False)
    plan = notices.issue_preview(directive)
    samples = {s.channel: s for s in plan.samples}
    assert plan.channels == {"zalo": 1, "email": 2}

    _, queued = notices.issue_and_notify(by=admin, directive=directive)
    assert queued == 3
    deliver_due()

    # Zalo: alice, with her name and a one-tap link, as the approved template reads it.
    [zns] = zalo_ready.state.sent
    assert zns["phone"] == "84912345678"
    data = zns["template_data"]
    assert data["name"] == "Hoàng Thị An" and data["task"] == task.title
    assert "/directives/r/" in data["link"]
    assert samples["zalo"].to == "0912 345 678"
    from loa.notifications import zalo_messages

    with_link = zalo_messages.text(data)
    assert with_link.startswith("Kính gửi đồng chí Hoàng Thị An,")
    assert with_link.replace(data["link"], "(đường dẫn mở một chạm)") == samples["zalo"].text

    # E-mail: teammate and bob, each with their own one-tap link.
    mails = {m.rcpt_tos[0]: m for m in smtp_server.wait_for(2)}
    assert set(mails) == {"teammate@example.vn", "bob@example.vn"}
    bob_mail = mails["bob@example.vn"]
    assert bob_mail.subject == Message.objects.get(recipient="bob@example.vn").subject
    assert bob_mail.text.startswith("Kính gửi đồng chí Bế Văn Bảo,")
    link = bob_mail.link("/directives/r/")
    assert link != mails["teammate@example.vn"].link("/directives/r/")
    sample = samples["email"]  # the preview's e-mail is its first recipient's
    previewed = mails[sample.to]
    assert previewed.subject == sample.subject
    assert (
        previewed.text.strip().replace(previewed.link("/directives/r/"), "(đường dẫn mở một chạm)")
        == sample.text.strip()
    )
    assert Message.objects.filter(status="sent").count() == 3
