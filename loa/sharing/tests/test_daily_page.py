"""Today's list on a phone: the message's link opens it without signing in and cannot do anything
else; "Đã chia sẻ" with or without the post's link, checked as for posts; hostile input."""

from datetime import date, timedelta
from urllib.parse import quote, urlsplit

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import iri_to_uri

from loa.accounts.models import Role
from loa.fanpages.models import Fanpage, Post, PostingDay
from loa.sharing import daily, links, services
from loa.sharing.models import Share, Tally

PAGE = "https://www.facebook.com/cdcs.thpt.tpcb"
POST = "https://www.facebook.com/cdcs.thpt.tpcb/posts/122168377616832251"


@pytest.fixture
def items(tree):
    today = timezone.localdate()
    return [
        services.item_create(
            by=None,
            unit=tree["province"],
            title=title,
            text="Mời đoàn viên cùng đọc.",
            url=f"https://congdoancaobang.vn/tin/{n}?a=1&b=đ",
            starts_on=today,
            ends_on=today + timedelta(days=3),
        )
        for n, title in enumerate(("Nghị quyết Đại hội", "Luật Công đoàn 2024"))
    ]


@pytest.fixture
def page_a(tree):
    return Fanpage.objects.create(
        unit=tree["a"],
        name="CĐCS THPT TP Cao Bằng",
        url=PAGE,
        url_key=PAGE.lower(),
        admin_name="An",
        admin_phone="+84912345678",
    )


def _link(user, unit):
    return reverse("sharing:link", args=[daily.link_token(user, unit)])


def _mark_url(user, unit, item):
    return reverse("sharing:link_mark", args=[daily.link_token(user, unit), item.pk])


def test_the_link_opens_the_units_list_without_signing_in(client, tree, alice, items, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client.get(_link(alice, tree["a"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trường THPT Thành phố Cao Bằng" in html and "Nghị quyết Đại hội" in html
    # The dialog shares the unit's tracked link of the item, which leads readers to the item's address.
    tracked = links.share_url(items[0], tree["a"])
    sharer = "https://www.facebook.com/sharer/sharer.php?u=" + quote(tracked, safe="")
    assert sharer.replace("&", "&amp;") in html
    assert client.get(urlsplit(tracked).path)["Location"] == iri_to_uri(items[0].url)
    assert "Chia sẻ lên Facebook" in html and "Sao chép nội dung" in html and "<textarea" in html
    assert "_auth_user_id" not in client.session  # nobody signed in
    assert client.get(reverse("accounts:profile")).status_code == 302  # the account stays shut


def test_a_changed_expired_or_stale_link_opens_nothing(client, tree, alice, bob, items, monkeypatch):
    token = daily.link_token(alice, tree["a"])
    assert client.get(reverse("sharing:link", args=[token[:-2] + "xx"])).status_code == 404
    forged = signing.dumps({"u": bob.pk, "n": tree["a"].pk, "k": "0"}, salt="other")
    assert client.get(reverse("sharing:link", args=[forged])).status_code == 404
    # Bob's own link, signed, cannot be turned to another unit: the unit is inside the signature.
    bob_token = daily.link_token(bob, tree["b"])
    assert client.get(reverse("sharing:link", args=[bob_token])).status_code == 200
    # A signed link naming a unit the officer does not report for (say an old link after a move).
    stale = daily.link_token(bob, tree["a"])
    assert client.get(reverse("sharing:link", args=[stale])).status_code == 404
    # Expired after LINK_DAYS.
    later = timezone.now().timestamp() + (daily.LINK_DAYS + 1) * 86400
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.get(reverse("sharing:link", args=[token]))
    assert response.status_code == 410 and "hết hạn" in response.content.decode()


def test_a_new_password_or_a_lost_role_ends_the_link(client, tree, alice, items):
    token = daily.link_token(alice, tree["a"])
    alice.set_password("a-new-password-2026")
    alice.save()
    assert client.get(reverse("sharing:link", args=[token])).status_code == 404
    token = daily.link_token(alice, tree["a"])
    assert client.get(reverse("sharing:link", args=[token])).status_code == 200
    Role.objects.filter(user=alice).delete()
    alice.__dict__.pop("_loa_scope", None)
    assert client.get(reverse("sharing:link", args=[token])).status_code == 404


def test_marking_shared_without_the_link_is_declared_and_a_second_time_says_so(client, tree, alice, items):
    url = _mark_url(alice, tree["a"], items[0])
    response = client.post(url, {"post_link": ""}, follow=True)
    assert "tự khai" in response.content.decode()
    share = Share.objects.get()
    assert share.kind == "declared" and share.by == alice and share.unit == tree["a"]
    again = client.post(url, {"post_link": ""})
    assert again.status_code == 400 and "đã chia sẻ tin này" in again.content.decode()
    assert Share.objects.count() == 1
    assert Tally.objects.get(unit=tree["a"]).declared == 1


def test_a_post_link_on_the_units_page_is_credited_and_counts_as_a_posting_day_once(client, tree, alice, items, page_a):
    response = client.post(_mark_url(alice, tree["a"], items[0]), {"post_link": POST}, follow=True)
    assert "Đã chia sẻ" in response.content.decode()
    share = Share.objects.get()
    assert share.kind == "link" and share.post_key == "122168377616832251" and share.post.fanpage == page_a
    assert Post.objects.get().source == "hand"
    assert PostingDay.objects.get(fanpage=page_a).posts == 1
    # The same post for the second item: refused, nothing written.
    refused = client.post(_mark_url(alice, tree["a"], items[1]), {"post_link": POST})
    assert refused.status_code == 400 and "đã được ghi cho một tin khác" in refused.content.decode()
    assert Share.objects.count() == 1 and Post.objects.count() == 1


@pytest.mark.parametrize(
    ("link", "says"),
    [
        ("https://www.facebook.com/another.page/posts/1234567", "thuộc một Trang khác"),
        ("https://zalo.me/abc", "không phải liên kết Facebook"),
        ("https://www.facebook.com/cdcs.thpt.tpcb", "không phải của bài đăng"),
        ("https://www.facebook.com/cdcs.thpt.tpcb/posts/1\x00\x07" + "9" * 3000, "quá dài"),
    ],
)
def test_a_wrong_link_is_refused_in_vietnamese_and_what_was_typed_stays(client, tree, alice, items, page_a, link, says):
    response = client.post(_mark_url(alice, tree["a"], items[0]), {"post_link": link})
    assert response.status_code == 400
    html = response.content.decode()
    assert says in html
    assert not Share.objects.exists() and not Post.objects.exists()
    assert "\x00" not in html


def test_control_characters_in_a_good_link_are_dropped(client, tree, alice, items, page_a):
    response = client.post(_mark_url(alice, tree["a"], items[0]), {"post_link": " \x00" + POST + "\x1b\r\n"})
    assert response.status_code == 302
    assert Share.objects.get().post_url == POST


def test_without_a_registered_page_a_link_cannot_be_checked(client, tree, alice, items):
    response = client.post(_mark_url(alice, tree["a"], items[0]), {"post_link": POST})
    assert response.status_code == 400 and "đăng ký Fanpage" in response.content.decode()


def test_a_late_share_counts_but_not_on_time(client, tree, alice, items, settings):
    items[0].asked_on = timezone.localdate() - timedelta(days=settings.SHARING_ON_TIME_DAYS + 1)
    items[0].save()
    response = client.post(_mark_url(alice, tree["a"], items[0]), {"post_link": ""}, follow=True)
    assert "không đúng hạn" in response.content.decode()
    assert Share.objects.get().on_time is False
    assert "muộn" in response.content.decode()


def test_an_item_not_asked_of_the_unit_cannot_be_marked(client, tree, alice, other):
    today = timezone.localdate()
    theirs = services.item_create(
        by=None, unit=other["unit"], title="Tin ngành Y tế", url="https://yte.vn/t", starts_on=today, ends_on=today
    )
    response = client.post(_mark_url(alice, tree["a"], theirs), {"post_link": ""})
    assert response.status_code == 400 and "không có trong danh sách" in response.content.decode()
    assert (
        client.post(reverse("sharing:link_mark", args=[daily.link_token(alice, tree["a"]), 999999])).status_code == 404
    )


def test_signed_in_officers_see_their_units_list_and_outsiders_get_404(
    login, tree, alice, bob, items, django_assert_max_num_queries
):
    client = login(alice)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("sharing:today"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trường THPT Thành phố Cao Bằng" in html and "Bệnh viện" not in html
    response = client.post(
        reverse("sharing:today_mark", args=[tree["a"].pk, items[0].pk]), {"post_link": ""}, follow=True
    )
    assert 'data-testid="shared"' in response.content.decode()
    client = login(bob)
    assert client.post(reverse("sharing:today_mark", args=[tree["a"].pk, items[1].pk]), {}).status_code == 404
    assert Share.objects.count() == 1


def test_the_link_page_works_for_a_one_tap_session_too(client, tree, alice, items):
    session = client.session
    session["loa_onetap"] = {"task": 1, "unit": tree["a"].pk}
    session.save()
    client.force_login(alice)
    session = client.session
    session["loa_onetap"] = {"task": 1, "unit": tree["a"].pk}
    session.save()
    assert client.get(_link(alice, tree["a"])).status_code == 200


def test_the_digest_day_label(tree, alice, items):
    rows = daily.today_rows(tree["a"], date.today())
    assert [r.item.title for r in rows] == ["Luật Công đoàn 2024", "Nghị quyết Đại hội"]
    assert all(r.share is None and r.new for r in rows)


def test_numbers_too_large_for_an_id_are_no_item(client, login, tree, alice, items):
    huge = 10**30
    assert client.post(reverse("sharing:link_mark", args=[daily.link_token(alice, tree["a"]), huge])).status_code == 404
    client = login(alice)
    assert client.post(reverse("sharing:today_mark", args=[huge, items[0].pk])).status_code == 404
    assert client.post(reverse("sharing:today_mark", args=[tree["a"].pk, huge])).status_code == 404


def test_the_menu_offers_todays_list_to_officers_only(login, tree, alice, leader):
    html = login(alice).get(reverse("home")).content.decode()
    assert 'data-testid="nav-share-today"' in html and "Tin cần chia sẻ hôm nay" in html
    assert 'data-testid="nav-share-today"' not in login(leader).get(reverse("home")).content.decode()
