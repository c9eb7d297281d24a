"""Uploaded unit files (names, phones, e-mails) are deleted JOB_FILES_KEEP_DAYS after their jobs."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from loa.jobs.files import purge_input_files
from loa.jobs.models import Job
from loa.units.models import Unit
from loa.units.tests.import_helpers import row, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.JOB_FILES_KEEP_DAYS = 30
    return tmp_path


def job_with_file(*, finished_days_ago, name="units.xlsx", status=Job.Status.DONE, same_file_as=None):
    job = Job(kind="units.import", status=status, result={"rows": 1})
    if same_file_as is not None:
        job.input_file.name = same_file_as.input_file.name
    else:
        job.input_file.save(name, ContentFile(b"data"), save=False)
    if finished_days_ago is not None:
        job.finished_at = timezone.now() - timedelta(days=finished_days_ago)
    job.save()
    return job


def test_files_of_jobs_finished_long_ago_are_deleted_and_the_jobs_kept(media):
    old = job_with_file(finished_days_ago=31)
    path = media / old.input_file.name
    assert path.exists()
    assert purge_input_files() == 1
    old.refresh_from_db()
    assert not path.exists()
    assert old.input_file.name == "" and old.result == {"rows": 1}


def test_recent_and_unfinished_jobs_keep_their_files(media):
    recent = job_with_file(finished_days_ago=29)
    waiting = job_with_file(finished_days_ago=None, status=Job.Status.QUEUED)
    waiting.created_at = timezone.now() - timedelta(days=90)
    waiting.save()
    assert purge_input_files() == 0
    assert (media / recent.input_file.name).exists() and (media / waiting.input_file.name).exists()


def test_a_checked_file_stays_while_the_import_started_from_it_is_recent(media):
    check = job_with_file(finished_days_ago=40)
    job_with_file(finished_days_ago=1, same_file_as=check)
    assert purge_input_files() == 0
    assert (media / check.input_file.name).exists()
    assert purge_input_files(now=timezone.now() + timedelta(days=31)) == 1
    assert not Job.objects.exclude(input_file="").exists()


def test_the_command_says_how_many_files_went(media):
    job_with_file(finished_days_ago=100)
    out = StringIO()
    call_command("purge_job_files", stdout=out)
    assert out.getvalue().strip() == "1 file(s) deleted"


def test_importing_a_check_whose_file_is_gone_asks_for_the_file_again(admin, tree, login):
    client = login(admin)
    client.post(
        "/units/import/", {"file": SimpleUploadedFile("don-vi.xlsx", xlsx([row("CS-P1", "Trường P1", "CDVC")]))}
    )
    check = Job.objects.get()
    Job.objects.filter(pk=check.pk).update(finished_at=timezone.now() - timedelta(days=31))
    assert purge_input_files() == 1
    response = client.post(f"/units/import/{check.pk}/commit/", follow=True)
    assert response.redirect_chain[-1][0] == "/units/import/"
    assert "Tệp đã kiểm tra không còn được lưu" in response.content.decode()
    assert Job.objects.count() == 1 and not Unit.objects.filter(code="CS-P1").exists()
