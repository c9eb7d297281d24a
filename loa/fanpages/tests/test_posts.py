"""Posts from files and links, the rollups, compliance."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from loa.fanpages import compliance, imports, posts
from loa.fanpages.models import Post, PostingDay, PostingYear

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "link,key",
    [
        ("https://www.facebook.com/cdcsa/posts/122168377616832251", "122168377616832251"),
        ("https://m.facebook.com/story.php?story_fbid=987654321&id=123", "987654321"),
        ("facebook.com/permalink.php?story_fbid=pfbid02abc&id=1", "pfbid02abc"),
        ("https://www.facebook.com/share/p/1AbCdEf/", "1AbCdEf"),
        ("https://www.facebook.com/photo/?fbid=5551234", "5551234"),
    ],
)
def test_it_reads_the_post_id_from_the_links_people_copy(link, key):
    assert posts.key_from_link(link) == key


def test_it_refuses_a_page_link_or_another_site():
    with pytest.raises(ValidationError, match="not of a post|không phải của một bài|bài đăng"):
        posts.key_from_link("https://www.facebook.com/cdcsa")
    with pytest.raises(ValidationError):
        posts.key_from_link("https://zalo.me/123")


def test_rollups_follow_posts_arriving_out_of_order(pages):
    def at(day, hour=9):
        return datetime(2025, 3, day, hour - 7, tzinfo=UTC)

    def record(keys_days):
        return posts.record_posts(
            fanpage=pages["a"], posts=[posts.IncomingPost(k, at(d)) for k, d in keys_days], source=Post.Source.GRAPH
        )

    assert record([("1", 10), ("2", 10), ("3", 12)]) == 3
    year = PostingYear.objects.get(fanpage=pages["a"], year=2025)
    assert (year.posting_days, year.last_post_day, year.streak) == (2, date(2025, 3, 12), 1)
    assert record([("4", 11), ("3", 12)]) == 1  # the gap filled; post 3 not counted again
    year.refresh_from_db()
    assert (year.posting_days, year.streak, year.longest_streak) == (3, 3, 3)
    assert PostingDay.objects.get(fanpage=pages["a"], day=date(2025, 3, 10)).posts == 2


def test_compliance_counts_from_registration_or_the_start_of_the_year(pages, admin, tree):
    pages["b"].set_up_on = date(2025, 12, 22)
    pages["b"].save()
    posts.record_posts(
        fanpage=pages["a"],
        posts=[posts.IncomingPost(str(i), datetime(2025, 1, 1 + i, 3, tzinfo=UTC)) for i in range(10)],
        source=Post.Source.IMPORT,
    )
    items = {
        i.unit_id: i
        for i in compliance.unit_compliance(user=admin, capability="view", year=2025, today=date(2026, 2, 1))
    }
    a, b = items[tree["a"].pk], items[tree["b"].pk]
    assert (a.posting_days, a.period_days, a.percent) == (10, 365, 3)
    assert (b.posting_days, b.period_days) == (0, 10)  # set up on 22/12
    tree["a"].active_to = date(2025, 1, 31)
    tree["a"].save()
    items = {
        i.unit_id: i
        for i in compliance.unit_compliance(user=admin, capability="view", year=2025, today=date(2026, 2, 1))
    }
    assert items[tree["a"].pk].period_days == 31


def test_a_meta_business_suite_export_is_imported_once(pages, alice):
    csv = (
        "\ufeffPost ID,Page ID,Page name,Title,Description,Publish time,Permalink,Post type\n"
        "123_111,123,CĐCS A,,Tin 1,03/14/2025 21:30,https://www.facebook.com/123/posts/111,Status\n"
        "123_112,123,CĐCS A,,Tin 2,03/15/2025 08:05,https://www.facebook.com/123/posts/112,Photos\n"
    )
    upload = SimpleUploadedFile("posts.csv", csv.encode())
    assert imports.import_posts(by=alice, fanpage=pages["a"], upload=upload)[:2] == (2, 2)
    assert set(PostingDay.objects.values_list("day", flat=True)) == {date(2025, 3, 14), date(2025, 3, 15)}
    upload.seek(0)
    assert imports.import_posts(by=alice, fanpage=pages["a"], upload=upload)[0] == 0


def test_a_vietnamese_xlsx_export_is_read_and_a_bad_row_named(pages, alice, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Mã bài viết", "Thời gian đăng", "Liên kết cố định"])
    sheet.append(["9_501", datetime(2025, 4, 2, 7, 0), "https://www.facebook.com/9/posts/501"])
    sheet.append(["9_502", "hôm qua", ""])
    path = tmp_path / "bai.xlsx"
    book.save(path)
    new, _read, errors = imports.import_posts(
        by=alice, fanpage=pages["a"], upload=SimpleUploadedFile("bai.xlsx", path.read_bytes())
    )
    assert new == 0 and len(errors) == 1 and "3" in errors[0] and "Thời gian đăng" in errors[0]


def _export(count):
    lines = ["Post ID,Publish time,Permalink"] + [
        f"123_{i},03/{i % 28 + 1:02d}/2025 08:00,https://www.facebook.com/123/posts/{i}" for i in range(count)
    ]
    return SimpleUploadedFile("posts.csv", "\n".join(lines).encode())


def test_a_long_export_is_imported_by_a_job_whose_page_the_officer_follows(pages, alice, bob, login, settings, client):
    from django.urls import reverse

    from loa.jobs.models import Job

    settings.IMPORT_INLINE_MAX_ROWS = 5
    response = login(alice).post(reverse("fanpages:import_posts", args=[pages["a"].unit_id]), {"file": _export(8)})
    job = Job.objects.get(kind="fanpages.import_posts")
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.DONE and job.unit_id == pages["a"].unit_id
    assert Post.objects.filter(fanpage=pages["a"]).count() == 8
    page = client.get(response.url).content.decode()
    assert "Đã đọc 8 bài, 8 bài mới." in page
    client.force_login(bob)
    assert client.get(response.url).status_code == 404


def test_a_short_export_is_imported_in_the_request(pages, alice, login, settings):
    from django.urls import reverse

    from loa.jobs.models import Job

    settings.IMPORT_INLINE_MAX_ROWS = 5
    response = login(alice).post(reverse("fanpages:import_posts", args=[pages["a"].unit_id]), {"file": _export(3)})
    assert response.url == reverse("fanpages:unit", args=[pages["a"].unit_id])
    assert not Job.objects.exists() and Post.objects.count() == 3


def test_an_outsider_cannot_import_posts_into_another_units_page(pages, bob, login):
    from django.urls import reverse

    assert (
        login(bob).post(reverse("fanpages:import_posts", args=[pages["a"].unit_id]), {"file": _export(3)}).status_code
        == 404
    )
    assert not Post.objects.exists()
