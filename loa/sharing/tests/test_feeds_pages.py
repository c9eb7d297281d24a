"""The feeds pages: an upper unit's admins add, list and pause its feeds; its editors approve an
entry (an item, source=feed) or dismiss it. Outsiders get 404 everywhere."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from loa.audit.models import AuditEntry
from loa.sharing.models import Feed, FeedEntry, Item


@pytest.fixture
def feed(tree):
    return Feed.objects.create(unit=tree["upper"], name="Công đoàn Việt Nam", url="https://congdoan.vn/rss")


@pytest.fixture
def entry(feed):
    return FeedEntry.objects.create(
        feed=feed,
        guid="cdvn-1",
        link="https://congdoan.vn/tin/1",
        title="Luật Công đoàn 2024 có hiệu lực",
        summary="Từ ngày 1/7/2025.\nNhiều điểm mới.",
    )


def test_an_admin_adds_a_feed_for_the_unit_and_sees_it_listed(login, upper_admin, tree):
    client = login(upper_admin)
    page = client.get(reverse("sharing:feeds"))
    assert reverse("sharing:feed_create", args=[tree["upper"].pk]) in page.content.decode()

    response = client.post(
        reverse("sharing:feed_create", args=[tree["upper"].pk]),
        {"name": "Cổng thông tin Tổng LĐLĐ", "url": "https://congdoan.vn/rss"},
    )
    assert response.status_code == 302
    feed = Feed.objects.get()
    assert (feed.unit, feed.url, feed.active) == (tree["upper"], "https://congdoan.vn/rss", True)
    assert AuditEntry.objects.filter(action="sharing.feed.created").exists()
    assert "Cổng thông tin Tổng LĐLĐ" in client.get(reverse("sharing:feeds")).content.decode()

    again = client.post(
        reverse("sharing:feed_create", args=[tree["upper"].pk]), {"name": "Lần hai", "url": "https://congdoan.vn/rss"}
    )
    assert again.status_code == 200 and "Đơn vị đã có nguồn tin này rồi." in again.content.decode()
    bad = client.post(
        reverse("sharing:feed_create", args=[tree["upper"].pk]), {"name": "X", "url": "javascript:alert(1)"}
    )
    assert bad.status_code == 200 and Feed.objects.count() == 1


def test_a_feed_is_paused_and_read_again(login, upper_admin, feed):
    client = login(upper_admin)
    client.post(reverse("sharing:feed_toggle", args=[feed.pk]), {"active": "0"})
    feed.refresh_from_db()
    assert not feed.active
    assert "tạm dừng" in client.get(reverse("sharing:feeds")).content.decode()
    client.post(reverse("sharing:feed_toggle", args=[feed.pk]), {"active": "1"})
    feed.refresh_from_db()
    assert feed.active
    assert client.post(reverse("sharing:feed_toggle", args=[feed.pk]), {"active": "maybe"}).status_code == 404


def test_the_last_error_of_a_feed_is_shown(login, upper_admin, feed):
    feed.last_error = "Trang web trả lời lỗi 500."
    feed.save()
    assert "Trang web trả lời lỗi 500." in login(upper_admin).get(reverse("sharing:feeds")).content.decode()


def test_a_grassroots_union_has_no_feeds(login, admin, tree):
    assert login(admin).get(reverse("sharing:feed_create", args=[tree["a"].pk])).status_code == 404


def test_an_editor_approves_an_entry_into_an_item_of_the_feeds_unit(login, editor, entry, tree):
    client = login(editor)
    queue = client.get(reverse("sharing:feed_entries")).content.decode()
    assert "Luật Công đoàn 2024 có hiệu lực" in queue

    form = client.get(reverse("sharing:feed_entry_approve", args=[entry.pk]))
    today = timezone.localdate()
    assert form.context["form"].initial["title"] == entry.title
    assert form.context["form"].initial["ends_on"] == today + timedelta(days=2)  # SHARING_FEED_ITEM_DAYS = 3

    response = client.post(
        reverse("sharing:feed_entry_approve", args=[entry.pk]),
        {
            "title": "Luật Công đoàn 2024: những điểm mới",
            "text": "Mời đoàn viên tìm hiểu.",
            "url": entry.link,
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=4)).isoformat(),
        },
    )
    assert response.status_code == 302
    item = Item.objects.get()
    assert (item.unit, item.source, item.status, item.title, item.url, item.created_by) == (
        tree["upper"],
        Item.Source.FEED,
        Item.Status.ACTIVE,
        "Luật Công đoàn 2024: những điểm mới",
        entry.link,
        editor,
    )
    entry.refresh_from_db()
    assert (entry.status, entry.item) == (FeedEntry.Status.APPROVED, item)
    assert "Luật Công đoàn 2024 có hiệu lực" not in client.get(reverse("sharing:feed_entries")).content.decode()

    # Approving twice (a second tab) makes no second item.
    twice = client.get(reverse("sharing:feed_entry_approve", args=[entry.pk]))
    assert twice.status_code == 302 and Item.objects.count() == 1


def test_hostile_days_are_refused_in_vietnamese(login, editor, entry):
    client = login(editor)
    response = client.post(
        reverse("sharing:feed_entry_approve", args=[entry.pk]),
        {"title": "T", "url": entry.link, "starts_on": "2026-12-10", "ends_on": "2026-12-01"},
    )
    assert response.status_code == 200
    assert "Ngày kết thúc không được trước ngày bắt đầu." in response.content.decode()
    assert not Item.objects.exists()
    garbage = client.post(reverse("sharing:feed_entry_approve", args=[entry.pk]), {"starts_on": "x" * 5000})
    assert garbage.status_code == 200 and not Item.objects.exists()


def test_an_entry_is_dismissed_once(login, editor, entry):
    client = login(editor)
    client.post(reverse("sharing:feed_entry_dismiss", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.status == FeedEntry.Status.DISMISSED and not Item.objects.exists()
    again = client.post(reverse("sharing:feed_entry_dismiss", args=[entry.pk]), follow=True)
    assert "Tin này đã được duyệt hoặc bỏ qua rồi." in again.content.decode()
    assert AuditEntry.objects.filter(action="sharing.entry.dismissed").count() == 1


def test_outsiders_get_404_on_every_feeds_page(client, login, other, bob, editor, leader, feed, entry, tree):
    pages = [
        ("get", reverse("sharing:feed_create", args=[tree["upper"].pk]), {}),
        ("post", reverse("sharing:feed_toggle", args=[feed.pk]), {"active": "0"}),
        ("get", reverse("sharing:feed_entry_approve", args=[entry.pk]), {}),
        ("post", reverse("sharing:feed_entry_approve", args=[entry.pk]), {"title": "x"}),
        ("post", reverse("sharing:feed_entry_dismiss", args=[entry.pk]), {}),
    ]
    for user in (other["admin"], bob, leader):
        c = login(user)
        for method, url, data in pages:
            assert getattr(c, method)(url, data).status_code == 404, (user, url)
    # The lists show nothing of another tree, and are no page at all for those who may not use them.
    c = login(other["admin"])
    assert "Công đoàn Việt Nam" not in c.get(reverse("sharing:feeds")).content.decode()
    assert "Luật Công đoàn" not in c.get(reverse("sharing:feed_entries")).content.decode()
    for user in (bob, leader):
        c = login(user)
        assert c.get(reverse("sharing:feeds")).status_code == 404
        assert c.get(reverse("sharing:feed_entries")).status_code == 404
    # An editor approves but does not manage the feeds.
    c = login(editor)
    assert c.get(reverse("sharing:feeds")).status_code == 404
    assert c.post(reverse("sharing:feed_toggle", args=[feed.pk]), {"active": "0"}).status_code == 404
    feed.refresh_from_db()
    entry.refresh_from_db()
    assert feed.active and entry.status == FeedEntry.Status.PENDING
    client.logout()
    assert client.get(reverse("sharing:feed_entries")).status_code == 302  # to the log-in page


def test_the_lists_take_a_bounded_number_of_queries(login, upper_admin, tree, django_assert_max_num_queries):
    feeds = [Feed(unit=tree["upper"], name=f"Nguồn {i}", url=f"https://site{i}.vn/rss") for i in range(30)]
    Feed.objects.bulk_create(feeds)
    FeedEntry.objects.bulk_create(
        FeedEntry(feed=f, guid=f"g{j}", link=f"https://site.vn/{f.pk}/{j}", title=f"Tin {j}", published_at=None)
        for f in Feed.objects.all()
        for j in range(3)
    )
    client = login(upper_admin)
    client.get(reverse("sharing:feeds"))  # warm the session
    with django_assert_max_num_queries(10):
        page = client.get(reverse("sharing:feeds"))
    assert page.content.decode().count('data-testid="feed-') == 30
    with django_assert_max_num_queries(10):
        queue = client.get(reverse("sharing:feed_entries"))
    assert queue.content.decode().count('data-testid="entry-') == 50  # one page


def test_default_days_follow_the_setting(settings):
    from loa.sharing import feeds

    settings.SHARING_FEED_ITEM_DAYS = 1
    assert feeds.default_days(date(2026, 12, 7)) == (date(2026, 12, 7), date(2026, 12, 7))
