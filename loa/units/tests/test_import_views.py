import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from loa.jobs.models import Job
from loa.jobs.services import run_pending
from loa.units.models import Unit
from loa.units.tests.import_helpers import HEADER, row, xlsx

pytestmark = pytest.mark.django_db


def upload(client, data, name="don-vi.xlsx"):
    return client.post("/units/import/", {"file": SimpleUploadedFile(name, data)})


def test_an_admin_checks_a_file_then_imports_it(admin, tree, login):
    client = login(admin)
    assert client.get("/units/import/").status_code == 200
    response = upload(client, xlsx([row("CS-C1", "Trường C1", "CDVC")]))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.result["created"] == 1 and not job.result["committed"]
    assert not Unit.objects.filter(code="CS-C1").exists()
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert f'action="/units/import/{job.pk}/commit/"' in page
    response = client.post(f"/units/import/{job.pk}/commit/")
    commit = Job.objects.exclude(pk=job.pk).get()
    assert response["Location"] == f"/jobs/{commit.pk}/"
    assert commit.status == Job.Status.DONE and commit.result["committed"] and commit.result["created"] == 1
    assert Unit.objects.get(code="CS-C1").parent == tree["upper"]
    # Pressing the button twice imports once.
    assert client.post(f"/units/import/{job.pk}/commit/")["Location"] == f"/jobs/{commit.pk}/"
    assert Job.objects.count() == 2


def test_row_errors_are_listed_and_the_file_cannot_be_imported(admin, tree, login):
    client = login(admin)
    upload(client, xlsx([row("CS-C1", "Trường C1", "CDVC", email="sai@"), row("CS-C2", "", "CDVC")]))
    job = Job.objects.get()
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "import-errors" in page and "commit" not in page
    assert client.post(f"/units/import/{job.pk}/commit/").status_code == 302
    assert Job.objects.count() == 1 and not Unit.objects.filter(code="CS-C1").exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_page(admin, tree, login):
    response = upload(login(admin), b"%PDF-1.7\n\x00\x01\x02binary", name="don-vi.xlsx")
    assert response.status_code == 400 and "file-errors" in response.content.decode()
    assert not Job.objects.exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(admin, tree, login, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    response = upload(login(admin), xlsx([row("CS-C1", "Trường C1", "CDVC")]))
    assert response.status_code == 400 and not Job.objects.exists()


def test_a_file_without_column_titles_is_refused_on_the_page(admin, tree, login):
    response = upload(login(admin), xlsx([[1], [2]], header=["Danh sách"]))
    assert response.status_code == 400 and not Job.objects.exists()


def test_a_big_file_becomes_a_background_job(admin, tree, login, settings):
    settings.IMPORT_INLINE_MAX_ROWS = 2
    settings.JOBS_BACKEND = "database"
    client = login(admin)
    upload(client, xlsx([row(f"CS-C{i}", f"Trường {i}", "CDVC") for i in range(5)]))
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED
    assert 'hx-trigger="every 1s"' in client.get(f"/jobs/{job.pk}/").content.decode()
    run_pending()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result["created"] == 5 and job.progress_total == 5
    client.post(f"/units/import/{job.pk}/commit/")
    assert Job.objects.filter(status=Job.Status.QUEUED).count() == 1
    run_pending()
    assert Unit.objects.filter(code__startswith="CS-C").count() == 5


def test_the_template_has_every_column_and_the_kinds(admin, tree, login):
    response = login(admin).get("/units/import/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["Đơn vị"][1]] == HEADER
    assert ["cdcs", "Công đoàn cơ sở"] in [[c.value for c in r] for r in book["Loại đơn vị"].iter_rows()]


def test_the_filled_template_imports_as_is(admin, tree, login):
    client = login(admin)
    template = client.get("/units/import/template.xlsx").content
    upload(client, template)
    job = Job.objects.get()
    assert job.result["error_count"] == 0 and job.result["created"] == 1


def test_an_officer_and_an_outsider_get_404_on_every_import_page(alice, bob, admin, login, client):
    upload(login(admin), xlsx([row("CS-C1", "Trường C1", "CDVC")]))
    job = Job.objects.get()
    for user in (alice, bob):
        c = login(user)
        assert c.get("/units/import/").status_code == 404
        assert upload(c, xlsx([row("CS-C9", "Lén", "CS-A")])).status_code == 404
        assert c.get("/units/import/template.xlsx").status_code == 404
        assert c.post(f"/units/import/{job.pk}/commit/").status_code == 404
        assert c.get(f"/jobs/{job.pk}/").status_code == 404
    assert Job.objects.count() == 1


def test_only_the_one_who_checked_a_file_may_import_it(admin, tree, login, kinds):
    from loa.accounts.models import Role, User

    other = User.objects.create_user(username="admin2", password="x")
    Role.objects.create(user=other, unit=tree["province"], role="admin")
    upload(login(admin), xlsx([row("CS-C1", "Trường C1", "CDVC")]))
    job = Job.objects.get()
    assert login(other).post(f"/units/import/{job.pk}/commit/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(tree, client):
    assert "/accounts/login/" in client.get("/units/import/")["Location"]
