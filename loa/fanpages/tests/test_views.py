"""Every page: a permitted user succeeds, an outsider (bob) gets 404."""

import subprocess
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from loa.fanpages import posts
from loa.fanpages.models import CampaignLink, FollowerSnapshot, LikeDeclaration, Post, PostingYear

pytestmark = pytest.mark.django_db


def test_the_officer_sees_the_calendar_and_outsiders_get_404(login, pages, alice, bob, tree):
    url = reverse("fanpages:unit", args=[tree["a"].pk])
    assert login(alice).get(url).status_code == 200
    login(bob)
    assert login(bob).get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, pages, tree):
    response = client.get(reverse("fanpages:unit", args=[tree["a"].pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_officer_logs_today_s_post_and_the_rate_updates(login, pages, alice, tree):
    client = login(alice)
    response = client.post(
        reverse("fanpages:log_post", args=[tree["a"].pk]),
        {"link": "https://www.facebook.com/cdcsa/posts/122168377616832251"},
        follow=True,
    )
    assert "122168377616832251" in Post.objects.get().post_key
    year = PostingYear.objects.get(fanpage=pages["a"], year=timezone.localdate().year)
    assert year.posting_days == 1 and year.streak == 1
    page = response.content.decode()
    assert f'data-posts="1"><title>{timezone.localdate():%d/%m/%Y}: 1 bài đăng</title>' in page
    again = client.post(
        reverse("fanpages:log_post", args=[tree["a"].pk]),
        {"link": "facebook.com/cdcsa/posts/122168377616832251"},
        follow=True,
    )
    assert Post.objects.count() == 1
    assert "đã được tính" in again.content.decode() or "already counted" in again.content.decode()


def test_an_outsider_cannot_log_a_post_or_declare_likes_for_another_unit(login, pages, bob, tree):
    client = login(bob)
    assert (
        client.post(reverse("fanpages:log_post", args=[tree["a"].pk]), {"link": "https://fb.com/x/posts/1"}).status_code
        == 404
    )
    assert client.post(reverse("fanpages:declare_likes", args=[tree["a"].pk]), {"count": 3}).status_code == 404
    assert client.get(reverse("fanpages:token", args=[tree["a"].pk])).status_code == 404
    assert client.get(reverse("fanpages:poster", args=[tree["a"].pk])).status_code == 404
    assert client.get(reverse("fanpages:followers", args=[tree["province"].pk])).status_code == 404
    assert not Post.objects.exists() and not LikeDeclaration.objects.exists()


def test_a_declaration_above_the_member_count_is_refused_with_a_clear_message(login, pages, alice, tree):
    response = login(alice).post(reverse("fanpages:declare_likes", args=[tree["a"].pk]), {"count": 61}, follow=True)
    assert not LikeDeclaration.objects.exists()
    assert "61" in response.content.decode() and "60" in response.content.decode()


def test_a_declaration_with_a_screenshot_checked_by_content(login, pages, alice, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(alice)
    fake = SimpleUploadedFile("chup.png", b"not an image at all", content_type="image/png")
    client.post(reverse("fanpages:declare_likes", args=[tree["a"].pk]), {"count": 10, "screenshot": fake})
    assert not LikeDeclaration.objects.exists()
    from loa.core.qr import qr_png

    real = SimpleUploadedFile("chup.png", qr_png("x"), content_type="image/png")
    client.post(reverse("fanpages:declare_likes", args=[tree["a"].pk]), {"count": 40, "screenshot": real})
    assert LikeDeclaration.objects.get().count == 40


def test_a_screenshot_that_only_starts_like_a_picture_is_decoded_in_the_sandbox_and_refused(login, pages, alice, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from loa.core.tests.hostile import corpus, png_bytes

    client = login(alice)
    url = reverse("fanpages:declare_likes", args=[tree["a"].pk])
    filename, data = corpus()["png of 100000×100000 pixels"]
    page = client.post(
        url, {"count": 10, "screenshot": SimpleUploadedFile(filename, data)}, follow=True
    ).content.decode()
    assert "100000×100000" in page
    damaged = SimpleUploadedFile("chup.png", png_bytes()[:40])
    assert "không đọc được" in client.post(url, {"count": 10, "screenshot": damaged}, follow=True).content.decode()
    assert not LikeDeclaration.objects.exists()


def test_the_province_table_sums_by_upper_unit(login, pages, admin, tree, django_assert_max_num_queries):
    today = timezone.localdate()
    posts.record_posts(fanpage=pages["a"], posts=[posts.IncomingPost("1", timezone.now())], source=Post.Source.HAND)
    client = login(admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("fanpages:index"))
    assert response.status_code == 200
    assert "Công đoàn Viên chức tỉnh Cao Bằng" in response.content.decode()
    assert client.get(reverse("fanpages:index") + "?format=xlsx").status_code == 200
    del today


def test_an_officer_going_to_fanpages_lands_on_the_unit_page(login, pages, alice, tree):
    response = login(alice).get(reverse("fanpages:index"))
    assert response.status_code == 302 and response["Location"] == reverse("fanpages:unit", args=[tree["a"].pk])


def test_silent_pages_are_listed_and_reminded_once(login, pages, admin, alice, bob, tree):
    from loa.notifications.models import Message

    client = login(admin)
    response = client.get(reverse("fanpages:silent") + "?days=1")
    assert tree["a"].name in response.content.decode()
    client.post(reverse("fanpages:silent") + "?days=1")
    client.post(reverse("fanpages:silent") + "?days=1")
    recipients = sorted(Message.objects.values_list("recipient", flat=True))
    assert recipients == sorted([alice.email, bob.email])
    assert login(bob).post(reverse("fanpages:silent") + "?days=1").status_code == 404


def test_the_followers_page_shows_the_growth_and_flags_claims_that_cannot_fit(login, pages, admin, tree):
    year = timezone.localdate().year
    base = date(year, 1, 1)
    FollowerSnapshot.objects.create(fanpage=pages["province"], day=base, followers=1000, source="hand")
    FollowerSnapshot.objects.create(
        fanpage=pages["province"], day=base + timedelta(days=20), followers=1030, source="hand"
    )
    LikeDeclaration.objects.create(unit=tree["a"], day=base + timedelta(days=10), count=25, members_count=60)
    LikeDeclaration.objects.create(unit=tree["b"], day=base + timedelta(days=12), count=40, members_count=300)
    response = login(admin).get(reverse("fanpages:followers", args=[tree["province"].pk]) + f"?year={year}")
    page = response.content.decode()
    assert "<svg" in page
    assert "40 + 25 = 65 &gt; 1030 − 1000 = 30" in page
    assert tree["b"].name in page


def test_the_poster_qr_code_decodes_to_the_unit_link_which_redirects_and_counts(
    login, pages, alice, tree, tmp_path, client
):
    response = login(alice).get(reverse("fanpages:poster", args=[tree["a"].pk]))
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(pdf), str(tmp_path / "poster")], check=True)
    decoded = subprocess.run(
        ["zbarimg", "-q", "--raw", str(tmp_path / "poster.png")], capture_output=True, text=True, check=False
    ).stdout.strip()
    link = CampaignLink.objects.get(unit=tree["a"])
    assert decoded.endswith(f"/l/{link.code}")
    client.logout()
    path = "/" + decoded.split("/", 3)[3]
    answer = client.get(path, REMOTE_ADDR="203.0.113.5")
    assert answer.status_code == 302 and answer["Location"] == pages["province"].url
    client.get(path, REMOTE_ADDR="203.0.113.5")  # the same phone again: not counted twice
    client.get(path, REMOTE_ADDR="203.0.113.6")
    link.refresh_from_db()
    assert link.scans == 2


def test_the_short_link_is_rate_limited_per_address(client, pages, tree):
    from loa.fanpages.posters import IP_LIMIT, link_for

    link = link_for(tree["a"])
    for _ in range(IP_LIMIT):
        client.get(f"/l/{link.code}", REMOTE_ADDR="198.51.100.1")
    assert client.get(f"/l/{link.code}", REMOTE_ADDR="198.51.100.1").status_code == 429
    assert client.get("/l/nosuchcode", REMOTE_ADDR="198.51.100.2").status_code == 404


def test_the_token_form_stores_the_token_and_never_shows_it(login, pages, alice, tree):
    client = login(alice)
    url = reverse("fanpages:token", args=[tree["a"].pk])
    client.post(url, {"page_id": "723701000827665", "token": "EAAGsecret-token-value"})
    from loa.fanpages.models import GraphLink

    assert GraphLink.objects.get().token == "EAAGsecret-token-value"
    assert "EAAGsecret-token-value" not in client.get(url).content.decode()
    from loa.audit.models import AuditEntry

    assert all("EAAGsecret" not in str(e.after) for e in AuditEntry.objects.all())


def test_behind_nginx_each_phone_is_counted_by_its_own_address(client, pages, tree, settings):
    from loa.fanpages.posters import link_for

    settings.TRUSTED_PROXIES = ["1"]
    link = link_for(tree["a"])
    for phone in ["203.0.113.5", "203.0.113.6", "203.0.113.6", "2001:db8::7"]:
        answer = client.get(f"/l/{link.code}", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=phone)
        assert answer.status_code == 302
    link.refresh_from_db()
    assert link.scans == 3
