"""Quotas by rule, from Excel and one by one; autosave; the diff between versions; the monthly chart."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from loa.articles import services
from loa.articles.models import Quota
from loa.articles.tests.factories import channels, published, sent


@pytest.fixture
def chans(editor):
    return channels(editor)


def xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã đơn vị", "Tin", "Bài"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("chi-tieu.xlsx", out.getvalue())


def test_quotas_by_rule_give_larger_units_more(tree, kinds, admin, login):
    response = login(admin).post(
        reverse("articles:quotas_rule") + "?year=2021",
        {
            "notice": "812/TB-CĐVC ngày 22/02/2021",
            "unit_kind": kinds["cdcs"].pk,
            "news": 4,
            "articles": 2,
            "large_members": 200,
            "large_news": 8,
            "large_articles": 4,
        },
    )
    assert response.status_code == 302
    got = {(q.unit.code, q.kind): q.target for q in Quota.objects.filter(year=2021).select_related("unit")}
    assert got == {("CS-A", "news"): 4, ("CS-A", "article"): 2, ("CS-B", "news"): 8, ("CS-B", "article"): 4}


def test_quotas_from_excel_are_checked_row_by_row_before_anything_is_written(tree, admin, login):
    client = login(admin)
    bad = client.post(
        reverse("articles:quotas_import") + "?year=2021",
        {"notice": "812", "file": xlsx([["CS-A", 4, 2], ["CS-X", 1, 1], ["CS-B", "nhiều", 1]])},
    )
    page = bad.content.decode()
    assert "Dòng 3" in page and "CS-X" in page and "Dòng 4" in page
    assert not Quota.objects.exists()
    good = client.post(
        reverse("articles:quotas_import") + "?year=2021",
        {"notice": "812", "file": xlsx([["CS-A", 5, 3], ["CS-B", 7, None]])},
    )
    assert good.status_code == 302
    assert (
        Quota.objects.get(unit=tree["a"], kind="article").target == 3
        and Quota.objects.filter(unit=tree["b"]).count() == 1
    )


def test_quotas_from_excel_beyond_what_a_quota_holds_are_refused_and_nothing_is_written(tree, admin, login):
    client = login(admin)
    infinite = client.post(
        reverse("articles:quotas_import") + "?year=2021", {"notice": "812", "file": xlsx([["CS-A", "1e400", 2]])}
    )
    assert infinite.status_code == 200 and "Dòng 2" in infinite.content.decode()  # 1e400 is an infinity: it was a 500
    huge = client.post(
        reverse("articles:quotas_import") + "?year=2021", {"notice": "812", "file": xlsx([["CS-A", 3e9, 2]])}
    )
    assert huge.status_code == 200 and "Nhập một số từ 0 đến 2.147.483.647." in huge.content.decode()
    assert not Quota.objects.exists()


def test_a_quota_set_one_by_one_and_refused_for_a_unit_not_managed(tree, admin, editor, login):
    client = login(admin)
    client.post(
        reverse("articles:quotas") + "?year=2021",
        {"unit": "CS-A", "kind": "news", "target": 5, "notice": "812", "version": 0},
    )
    assert Quota.objects.get(unit=tree["a"]).target == 5
    assert (
        login(editor)
        .post(reverse("articles:quotas") + "?year=2021", {"unit": "CS-A", "kind": "news", "target": 1, "version": 1})
        .status_code
        == 404
    )
    assert Quota.objects.get(unit=tree["a"]).target == 5


def test_two_admins_change_one_quota_at_once_and_the_second_sees_the_newer_target(tree, admin):
    from conftest import _user
    from loa.core.tests.editing import form_values, second_browser

    services.quota_set(by=admin, unit=tree["a"], year=2021, kind="news", target=4, notice="812/TB-CĐVC")
    colleague = _user("admin2", tree["province"], "admin")
    url = reverse("articles:quotas") + "?year=2021&unit=CS-A&kind=news"
    first, second = second_browser(admin), second_browser(colleague)
    page_1, page_2 = first.get(url), second.get(url)
    assert form_values(page_1)["target"] == 4 and form_values(page_1)["version"] == 1  # the list's "Change" link
    assert (
        first.post(reverse("articles:quotas") + "?year=2021", {**form_values(page_1), "target": 6}).status_code == 302
    )

    response = second.post(reverse("articles:quotas") + "?year=2021", {**form_values(page_2), "target": 5})

    assert response.status_code == 409
    rows = {row["name"]: (row["theirs"], row["yours"]) for row in response.context["form"].conflict.rows}
    assert rows == {"target": ("6", "5")}
    assert Quota.objects.get(unit=tree["a"], kind="news").target == 6


def test_a_blank_quota_form_for_a_quota_set_meanwhile_shows_it_instead_of_replacing_it(tree, admin, login):
    client = login(admin)
    blank = client.get(reverse("articles:quotas") + "?year=2021")
    services.quota_set(by=admin, unit=tree["a"], year=2021, kind="news", target=4, notice="812/TB-CĐVC")
    response = client.post(
        reverse("articles:quotas") + "?year=2021",
        {
            "unit": "CS-A",
            "kind": "news",
            "target": 9,
            "notice": "",
            "version": blank.context["form"]["version"].value(),
        },
    )
    assert response.status_code == 409
    assert Quota.objects.get(unit=tree["a"], kind="news").target == 4


def test_the_draft_is_autosaved_by_htmx(tree, alice, chans, login):
    s = services.submission_create(by=alice, unit=tree["a"], title="Bản nháp", channels=chans)
    response = login(alice).post(
        reverse("articles:edit", args=[s.pk]),
        {
            "kind": "article",
            "title": "Đang viết",
            "body": "Đoạn đầu",
            "version": s.version,
            "channels": [chans[0].pk],
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert 'id="autosave"' in html and "<form" not in html and f'value="{s.version + 1}"' in html
    s.refresh_from_db()
    assert (s.title, s.kind, s.body_text) == ("Đang viết", "article", "Đoạn đầu")


def test_the_detail_shows_what_changed_between_versions(tree, alice, editor, chans, login):
    s = sent(tree["a"], alice, chans, body="Đoạn giữ nguyên.\n\nĐoạn cũ.")
    s = services.submission_return(submission=s, by=editor, reason="Sửa", expected_version=s.version)
    s = services.submission_update(
        by=alice, submission=s, expected_version=s.version, body="Đoạn giữ nguyên.\n\nĐoạn mới."
    )
    s = services.submission_submit(by=alice, submission=s, expected_version=s.version)
    html = login(editor).get(reverse("articles:detail", args=[s.pk])).content.decode()
    assert "<del>Đoạn cũ.</del>" in html and "<ins>Đoạn mới.</ins>" in html


def test_the_monthly_chart_counts_publications_per_channel_and_month(tree, alice, editor, admin, chans, login):
    published(tree["a"], alice, editor, chans, on=date(2021, 3, 10))
    published(tree["a"], alice, editor, chans, on=date(2021, 3, 20), title="Tin hai")
    html = login(admin).get(reverse("articles:chart") + "?year=2021").content.decode()
    assert 'title="3/2021: 2"' in html


def test_the_unit_page_warns_in_plain_words(tree, alice, editor, admin, chans, login):
    services.quota_set(by=admin, unit=tree["a"], year=2021, kind="news", target=5)
    for i in range(3):
        published(tree["a"], alice, editor, chans, title=f"Tin {i}")
    html = login(alice).get(reverse("articles:unit_progress", args=[tree["a"].pk]) + "?year=2021").content.decode()
    assert "Không đạt chỉ tiêu: 3/5 tin." in html  # 2021 is over


def test_the_warning_counts_the_days_left(tree):
    from loa.articles.selectors import Figures, warning

    level, text = warning(Figures(kind="news", target=5, counted=3), 2021, today=date(2021, 11, 21))
    assert text == "Đã đạt 3/5 tin, còn 40 ngày." and level == "warn"


def test_a_long_quota_sheet_is_imported_by_a_job_and_its_bad_rows_shown_there(
    tree, admin, bob, login, settings, client
):
    from loa.jobs.models import Job

    settings.IMPORT_INLINE_MAX_ROWS = 1
    url = reverse("articles:quotas_import") + "?year=2021"
    response = login(admin).post(url, {"notice": "812", "file": xlsx([["CS-A", 5, 3], ["CS-X", 1, 1]])})
    job = Job.objects.get(kind="articles.import_quotas")
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert "CS-X" in client.get(response.url).content.decode()
    assert not Quota.objects.exists()
    response = client.post(url, {"notice": "812", "file": xlsx([["CS-A", 5, 3], ["CS-B", 7, None]])})
    assert Quota.objects.get(unit=tree["a"], kind="article").target == 3
    assert "2" in client.get(response.url).content.decode()
    client.force_login(bob)
    assert client.get(response.url).status_code == 404
