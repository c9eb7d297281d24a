"""Issue 16, done when, as one story on a phone: an editor turns a published piece into an item; the
next morning an officer gets one message, taps Share (the share dialog's URL is right), pastes the
post's link; the unit's share rate and the province's table change, and the tracked link counts a
reader."""

from datetime import date
from urllib.parse import quote, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import browser_login
from loa.articles.tests.factories import channels, published
from loa.fanpages.models import Fanpage
from loa.notifications.delivery import deliver_due
from loa.sharing import clicks, daily, links
from loa.sharing.models import ClickDay, Item, Tally

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

POST = "https://www.facebook.com/cdcs.thpt.tpcb/posts/122168377616832251"
READER = "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile"


def test_from_a_publication_to_a_share_counted_in_the_provinces_table(
    phone, tree, alice, editor, admin, smtp_server, live_server, settings
):
    settings.SITE_URL = live_server.url
    chans = channels(editor=admin)
    piece = published(tree["a"], alice, admin, chans, title="Hội thi nấu ăn ngày 8/3", on=date(2026, 3, 10))
    Fanpage.objects.create(
        unit=tree["a"],
        name="CĐCS THPT TP Cao Bằng",
        url="https://www.facebook.com/cdcs.thpt.tpcb",
        url_key="https://www.facebook.com/cdcs.thpt.tpcb",
        admin_name="Hoàng Thị An",
        admin_phone="+84912345678",
    )

    # The editor, on a phone: the publication becomes an item in one tap, saved for the whole tree.
    browser_login(phone, "editor")
    phone.goto(phone.base_url + f"/articles/{piece.pk}/")
    phone.get_by_role("button", name="Đưa vào thông tin chia sẻ").click()
    phone.get_by_role("button", name="Lưu").click()
    phone.get_by_text("Đã lưu thông tin.").wait_for()
    item = Item.objects.get()
    phone.context.clear_cookies()

    # The next morning: one message to the officer, whatever the number of items.
    daily.morning_run(day=timezone.localdate())
    deliver_due()
    received = smtp_server.wait_for(2)  # the piece's publication notice, then the morning's one message
    [mail] = [m for m in received if "cần chia sẻ" in m.subject]
    assert mail.rcpt_tos == ["alice@example.vn"]
    assert item.title in mail.text

    # The officer, on a phone, not signed in: Share opens Facebook's dialog with the unit's tracked link.
    phone.goto(mail.link("/sharing/t/"))
    card = phone.locator(f"[data-testid=share-item][data-item='{item.pk}']")
    tracked = links.share_url(item, tree["a"])
    assert card.get_by_role("link", name="Chia sẻ lên Facebook").get_attribute("href") == (
        "https://www.facebook.com/sharer/sharer.php?u=" + quote(tracked, safe="")
    )
    card.get_by_label("Liên kết bài đăng (không bắt buộc)").fill(POST)
    card.get_by_role("button", name="Đã chia sẻ").click()
    phone.wait_for_selector(f"[data-testid=share-item][data-item='{item.pk}'] [data-testid=shared]")

    mine = Tally.objects.get(unit=tree["a"])
    assert (mine.asked, mine.shared, mine.on_time) == (1, 1, 1)

    # A reader follows the tracked link: sent on to the piece, and counted once the clicks are flushed.
    reader = Client(HTTP_USER_AGENT=READER, REMOTE_ADDR="203.113.1.7")
    answer = reader.get(urlsplit(tracked).path)
    assert answer.status_code == 302 and answer["Location"] == item.url
    clicks.flush()
    assert ClickDay.objects.get().clicks == 1

    # The province's table: the union's row (the union, CĐCS A and B were each asked the item) counts
    # A's share, on time, and the reader it brought.
    province = Client()
    province.force_login(admin)
    table = province.get(reverse("sharing:figures"), {"unit": tree["province"].pk})
    assert table.status_code == 200
    row = next(r for r in table.context["rows"] if r.unit.pk == tree["upper"].pk)
    assert (row.asked, row.shared, row.on_time, row.clicks) == (3, 1, 1, 1)
