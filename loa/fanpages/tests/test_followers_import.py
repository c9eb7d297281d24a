"""Follower counts of the provincial Page imported from a sheet (issue 5: entered or imported)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loa.fanpages.models import FollowerSnapshot


def _csv(text):
    return SimpleUploadedFile("nguoi-theo-doi.csv", text.encode("utf-8"), content_type="text/csv")


def test_an_admin_imports_a_sheet_of_counts_with_a_header(login, pages, admin, tree):
    url = reverse("fanpages:followers", args=[tree["province"].pk])
    response = login(admin).post(
        url, {"file": _csv("Ngày;Người theo dõi\n01/03/2021;1.000\n01/04/2021;1.030\n01/05/2021;1.102\n")}, follow=True
    )
    assert "3" in response.content.decode()
    counts = list(
        FollowerSnapshot.objects.filter(fanpage=pages["province"]).order_by("day").values_list("followers", "source")
    )
    assert counts == [(1000, "import"), (1030, "import"), (1102, "import")]


def test_a_bad_row_imports_nothing_and_says_which_row(login, pages, admin, tree):
    url = reverse("fanpages:followers", args=[tree["province"].pk])
    page = login(admin).post(url, {"file": _csv("01/03/2021;1000\nhôm qua;1030\n")}, follow=True).content.decode()
    assert "Dòng 2" in page
    assert not FollowerSnapshot.objects.exists()


def test_a_file_that_is_not_a_sheet_is_refused(login, pages, admin, tree):
    url = reverse("fanpages:followers", args=[tree["province"].pk])
    upload = SimpleUploadedFile("so-lieu.csv", b"%PDF-1.7 not a sheet", content_type="text/csv")
    page = login(admin).post(url, {"file": upload}, follow=True).content.decode()
    assert "không phải loại tệp" in page
    assert not FollowerSnapshot.objects.exists()


def test_only_a_manager_of_the_province_may_import(login, pages, alice, bob, tree):
    url = reverse("fanpages:followers", args=[tree["province"].pk])
    assert login(alice).post(url, {"file": _csv("01/03/2021;1000\n")}).status_code == 404
    assert not FollowerSnapshot.objects.exists()


def test_a_long_sheet_of_counts_is_imported_by_a_job(login, pages, admin, tree, settings):
    from loa.jobs.models import Job

    settings.IMPORT_INLINE_MAX_ROWS = 3
    url = reverse("fanpages:followers", args=[tree["province"].pk])
    text = "".join(f"{day:02d}/03/2021;{1000 + day}\n" for day in range(1, 11))
    response = login(admin).post(url, {"file": _csv(text)})
    job = Job.objects.get(kind="fanpages.import_followers")
    assert response.url == reverse("jobs:detail", args=[job.pk]) and job.status == Job.Status.DONE
    assert FollowerSnapshot.objects.filter(fanpage=pages["province"]).count() == 10
    assert "10" in login(admin).get(response.url).content.decode()
