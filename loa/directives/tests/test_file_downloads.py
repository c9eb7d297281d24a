"""A directive's attached files and the returned forms of its tasks: stored under generated names,
sent with the type Loa found in them, to whoever may see the page that links them, 404 to others."""

import re
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loa.directives import services
from loa.directives.models import Attachment, ReturnedFormFile
from loa.directives.tests.factories import fanpage_letter

PDF = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF"
FORMS = Path(__file__).resolve().parent / "returned_forms"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def letter_to_a(tree, admin):
    """A directive from the upper union to CĐCS A only: bob (CĐCS B) is an outsider to it."""
    return fanpage_letter(tree, by=admin, recipients=[tree["a"]])


@pytest.fixture
def attachment(letter_to_a, admin, login):
    directive, _task = letter_to_a
    upload = SimpleUploadedFile("Kế hoạch số 12.html", PDF, content_type="text/html")
    login(admin).post(reverse("directives:attachment_upload", args=[directive.pk]), {"file": upload})
    return Attachment.objects.get(directive=directive)


def attachment_url(attachment):
    return reverse("directives:attachment", args=[attachment.directive_id, attachment.pk])


def test_an_attached_file_is_stored_under_a_generated_name_with_the_kind_found_in_it(attachment):
    assert re.fullmatch(rf"directives/{attachment.directive_id}/[0-9a-f]{{32}}\.pdf", attachment.file.name)
    assert attachment.name == "Kế hoạch số 12.html"  # shown in the page as the uploader named it


@pytest.mark.parametrize("who", ["admin", "leader", "alice", "teammate"])
def test_who_may_read_the_directive_downloads_its_file_as_a_pdf_attachment(who, request, attachment, login):
    response = login(request.getfixturevalue(who)).get(attachment_url(attachment))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"  # the kind Loa found, not the name's .html
    assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "private"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "Kế hoạch số 12.html"
    assert b"".join(response.streaming_content) == PDF


def test_an_outsider_gets_404_for_the_file_and_a_stranger_the_log_in_page(attachment, bob, login, client):
    client.logout()
    response = client.get(attachment_url(attachment))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert login(bob).get(attachment_url(attachment)).status_code == 404


def test_a_file_of_one_directive_is_not_found_under_another(attachment, tree, admin, login):
    other = services.directive_create(
        by=admin,
        issuing_unit=tree["upper"],
        number="46/CV-CĐVC",
        kind="CV",
        issued_on=date(2021, 4, 6),
        summary="V/v khác",
        salutation="Công đoàn cơ sở",
        body="Nội dung.",
        distribution="Lưu: CĐVC.",
        signer_name="Ngọc Văn Phán",
    )
    url = reverse("directives:attachment", args=[other.pk, attachment.pk])
    assert login(admin).get(url).status_code == 404


def test_the_api_sends_the_same_file_with_the_same_headers_and_404_to_an_outsider(attachment, alice, bob, api_client):
    url = reverse("api:download_attachment", args=[attachment.directive_id, attachment.pk])
    response = api_client(alice).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Disposition"].startswith("attachment;")
    assert api_client(bob).get(url).status_code == 404


def test_with_nginx_the_answer_names_the_stored_file_and_has_no_body(attachment, admin, login, settings):
    settings.FILES_X_ACCEL_PREFIX = "/_protected/"
    response = login(admin).get(attachment_url(attachment))
    assert response["X-Accel-Redirect"] == "/_protected/" + attachment.file.name
    assert response.content == b"" and response["Content-Type"] == "application/pdf"


# --- Returned forms ------------------------------------------------------------------------------


@pytest.fixture
def returned_form(letter_to_a, admin, login):
    _directive, task = letter_to_a
    upload = SimpleUploadedFile("01 CDCS THPT TP Cao Bang.xlsx", (FORMS / "01 CDCS THPT TP Cao Bang.xlsx").read_bytes())
    login(admin).post(reverse("directives:import_start", args=[task.pk]), {"files": [upload]})
    return ReturnedFormFile.objects.get()


def returned_form_url(record):
    return reverse("directives:import_file", args=[record.batch.task_id, record.batch_id, record.pk])


def test_a_returned_form_is_stored_under_a_generated_name_and_sent_as_an_xlsx(returned_form, admin, login):
    # Stored before the sandbox has read it: a generated name with what its first bytes say (a zip);
    # sent with the kind the sandbox found.
    assert re.fullmatch(r"returned_forms/\d+/\d+/[0-9a-f]{32}\.zip", returned_form.file.name)
    response = login(admin).get(returned_form_url(returned_form))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "private"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and 'filename="01 CDCS THPT TP Cao Bang.xlsx"' in disposition


@pytest.mark.parametrize("who", ["alice", "leader", "bob"])
def test_only_who_imports_for_the_task_gets_a_returned_form(who, request, returned_form, login):
    assert login(request.getfixturevalue(who)).get(returned_form_url(returned_form)).status_code == 404


def test_a_stranger_is_sent_to_log_in_for_a_returned_form(returned_form, client):
    client.logout()
    response = client.get(returned_form_url(returned_form))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("tail", ["..%2F..%2F..%2Floa.sqlite3", "../../../../settings.py", "1%2F..%2F2"])
def test_a_path_in_place_of_a_file_number_is_not_found(tail, returned_form, attachment, admin, login):
    client = login(admin)
    batch_url = reverse("directives:import_batch", args=[returned_form.batch.task_id, returned_form.batch_id])
    assert client.get(batch_url + "files/" + tail + "/").status_code == 404
    directive_url = reverse("directives:detail", args=[attachment.directive_id])
    assert client.get(directive_url + "attachments/" + tail + "/").status_code == 404
