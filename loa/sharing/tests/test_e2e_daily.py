"""Issue 16, done when (the daily part): the next morning an officer gets one message, opens its
link on a phone, taps Share (the share dialog's URL is right), pastes the post's link, and the
unit's share rate changes."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from loa.fanpages.models import Fanpage, Post
from loa.notifications.delivery import deliver_due
from loa.sharing import daily, links, services
from loa.sharing.models import Share, Tally

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

POST = "https://www.facebook.com/cdcs.thpt.tpcb/posts/122168377616832251"


def test_an_officer_shares_todays_items_from_the_morning_mail_on_a_phone(
    tree, alice, smtp_server, live_server, phone, settings
):
    settings.SITE_URL = live_server.url
    today = timezone.localdate()
    first, second = (
        services.item_create(
            by=None,
            unit=tree["province"],
            title=title,
            text="Mời đoàn viên cùng đọc và chia sẻ.",
            url=url,
            starts_on=today,
            ends_on=today + timedelta(days=2),
        )
        for title, url in (
            ("Nghị quyết Đại hội Công đoàn tỉnh", "https://congdoancaobang.vn/tin/nghi-quyet?id=7&lang=vi"),
            ("Luật Công đoàn 2024", "https://congdoancaobang.vn/tin/luat-cong-doan"),
        )
    )
    Fanpage.objects.create(
        unit=tree["a"],
        name="CĐCS THPT TP Cao Bằng",
        url="https://www.facebook.com/cdcs.thpt.tpcb",
        url_key="https://www.facebook.com/cdcs.thpt.tpcb",
        admin_name="Hoàng Thị An",
        admin_phone="+84912345678",
    )

    daily.morning_run(day=today)
    deliver_due()
    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["alice@example.vn"]
    assert first.title in mail.text and second.title in mail.text
    link = mail.link("/sharing/t/")
    rate = Tally.objects.get(unit=tree["a"])
    assert (rate.asked, rate.shared) == (2, 0)

    phone.goto(link)
    card = phone.locator(f"[data-testid=share-item][data-item='{first.pk}']")
    share = card.get_by_role("link", name="Chia sẻ lên Facebook")
    tracked = links.share_url(first, tree["a"])  # the unit's tracked link of the item
    expected = "https://www.facebook.com/sharer/sharer.php?u=" + quote(tracked, safe="")
    assert share.get_attribute("href") == expected
    assert card.get_by_role("button", name="Sao chép nội dung").is_visible()
    assert tracked in card.locator("textarea").input_value()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    card.get_by_label("Liên kết bài đăng (không bắt buộc)").fill(POST)
    card.get_by_role("button", name="Đã chia sẻ").click()
    phone.wait_for_selector(f"[data-testid=share-item][data-item='{first.pk}'] [data-testid=shared]")
    assert "Trang của đơn vị" in phone.locator(".messages").inner_text()
    # The second item: a bare "Đã chia sẻ", shown as declared.
    second_card = phone.locator(f"[data-testid=share-item][data-item='{second.pk}']")
    second_card.get_by_role("button", name="Đã chia sẻ").click()
    phone.wait_for_selector(f"[data-testid=share-item][data-item='{second.pk}'] [data-testid=shared]")
    assert "tự khai" in phone.locator(f"[data-testid=share-item][data-item='{second.pk}']").inner_text()
    assert "Đã chia sẻ hết" in phone.inner_text("main")

    rate = Tally.objects.get(unit=tree["a"])
    assert (rate.asked, rate.shared, rate.on_time, rate.declared) == (2, 2, 2, 1)
    assert Share.objects.get(item=first).post_url == POST
    assert Post.objects.get().post_key == "122168377616832251"
