"""Files in S3-compatible object storage (STORAGE_URL), against moto's server on loopback: an
upload lands in the bucket under a generated name, comes back only through the permission-checked
view, never as a bucket address, and another process reads it from the bucket too."""

import hashlib
import re
import subprocess
import sys

import httpx
import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loa.core.storage import LocalStorage, ObjectStorage
from loa.core.testing_processes import REPO, child_env
from loa.core.testing_s3 import TEST_KEYS, free_port
from loa.directives.models import Attachment
from loa.directives.tests.factories import fanpage_letter
from loa.env import storage_from_url

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture
def directive(tree, admin):
    directive, _task = fanpage_letter(tree, by=admin, recipients=[tree["a"]])
    return directive


def _upload(client, directive, name="Kế hoạch số 12.pdf", data=PDF):
    return client.post(
        reverse("directives:attachment_upload", args=[directive.pk]), {"file": SimpleUploadedFile(name, data)}
    )


def _download(client, attachment):
    return client.get(reverse("directives:attachment", args=[attachment.directive_id, attachment.pk]))


def test_an_upload_is_kept_in_the_bucket_under_a_generated_name(s3_bucket, directive, admin, login):
    _upload(login(admin), directive)

    attachment = Attachment.objects.get(directive=directive)
    assert isinstance(attachment.file.storage._wrapped, ObjectStorage)
    assert re.fullmatch(rf"directives/{directive.pk}/[0-9a-f]{{32}}\.pdf", attachment.file.name)
    assert s3_bucket.keys() == [attachment.file.name]
    assert s3_bucket.read(attachment.file.name) == PDF  # read back with boto3, not through Loa


@pytest.mark.parametrize("who", ["admin", "alice"])
def test_who_may_read_the_directive_downloads_the_file_through_loa(who, request, s3_bucket, directive, admin, login):
    _upload(login(admin), directive)
    attachment = Attachment.objects.get(directive=directive)

    response = _download(login(request.getfixturevalue(who)), attachment)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and "X-Accel-Redirect" not in response


def test_an_outsider_gets_404_and_a_stranger_the_log_in_page(s3_bucket, directive, admin, bob, login, client):
    _upload(login(admin), directive)
    attachment = Attachment.objects.get(directive=directive)

    assert _download(login(bob), attachment).status_code == 404
    client.logout()
    response = _download(client, attachment)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_object_is_private_and_no_page_names_the_bucket(s3_bucket, s3_server, directive, admin, login):
    client = login(admin)
    _upload(client, directive)
    key = Attachment.objects.get(directive=directive).file.name

    grants = s3_server.client().get_object_acl(Bucket=s3_bucket.name, Key=key)["Grants"]
    assert not [g for g in grants if g["Grantee"].get("URI") == ALL_USERS]
    anonymous = httpx.get(f"{s3_server.endpoint}/{s3_bucket.name}/{key}")  # no signature: anyone at all
    assert anonymous.status_code == 403 and PDF not in anonymous.content
    page = client.get(reverse("directives:detail", args=[directive.pk])).content.decode()
    assert s3_bucket.name not in page and s3_server.endpoint not in page and f":{s3_server.port}" not in page


def test_the_storage_gives_no_address_for_an_object_signed_or_not(s3_bucket):
    name = default_storage.save("directives/1/0123456789abcdef0123456789abcdef.pdf", ContentFile(PDF))
    with pytest.raises(NotImplementedError):
        default_storage.url(name)


@pytest.mark.parametrize(
    "hostile", ["../../../etc/passwd.pdf", "a\x00b.pdf", "x\r\nSet-Cookie: y.pdf", "..\\..\\z.pdf"]
)
def test_a_hostile_file_name_from_the_uploader_never_reaches_the_bucket(hostile, s3_bucket, directive, admin, login):
    _upload(login(admin), directive, name=hostile)

    attachment = Attachment.objects.get(directive=directive)
    assert s3_bucket.keys() == [attachment.file.name]
    assert re.fullmatch(rf"directives/{directive.pk}/[0-9a-f]{{32}}\.pdf", attachment.file.name)


@pytest.mark.parametrize("name", ["../outside.txt", "loa/../../outside.txt", "/etc/passwd", "a\x00b.txt", "a\nb.txt"])
def test_the_storage_itself_refuses_names_that_escape_or_hold_control_characters(name, s3_server, s3_bucket):
    # A storage under a prefix: nothing may be written or read beside it.
    storage = ObjectStorage(**storage_from_url(s3_server.storage_url(s3_bucket.name) + "&prefix=loa")["OPTIONS"])
    with pytest.raises(SuspiciousFileOperation):
        storage.save(name, ContentFile(b"x"))
    with pytest.raises(SuspiciousFileOperation):
        storage.open(name)
    assert s3_bucket.keys() == []


@pytest.mark.parametrize("name", ["../outside.txt", "a\x00b.txt", "a\nb.txt"])
def test_the_local_disk_storage_refuses_the_same_names(name, tmp_path):
    storage = LocalStorage(location=tmp_path / "media")
    with pytest.raises(SuspiciousFileOperation):
        storage.save(name, ContentFile(b"x"))
    assert not any(tmp_path.rglob("*.txt"))


@pytest.mark.django_db(transaction=True)
def test_a_file_uploaded_through_one_process_is_read_by_another_from_the_bucket(
    s3_server, s3_bucket, directive, admin, login, tmp_path
):
    _upload(login(admin), directive)
    attachment = Attachment.objects.get(directive=directive)
    code = (
        "import django, hashlib; django.setup()\n"
        "from loa.directives.models import Attachment\n"
        f"a = Attachment.objects.get(pk={attachment.pk})\n"
        "print(type(a.file.storage._wrapped).__name__ if a.file.storage._wrapped else '', end=' ')\n"
        "print(hashlib.sha256(a.file.read()).hexdigest())\n"
    )
    # Its own MEDIA_ROOT, not this process's: only the bucket and the database are shared.
    env = child_env(tmp_path, **TEST_KEYS, STORAGE_URL=s3_server.storage_url(s3_bucket.name))
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == hashlib.sha256(PDF).hexdigest()


def test_an_object_store_that_does_not_answer_gets_a_vietnamese_503_not_a_500(
    s3_bucket, settings, directive, admin, login
):
    client = login(admin)
    _upload(client, directive)
    attachment = Attachment.objects.get(directive=directive)
    closed = f"s3://{s3_bucket.name}?endpoint_url=http://127.0.0.1:{free_port()}&region=ap-southeast-1"
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(closed)}

    uploaded = _upload(client, directive, name="Lần hai.pdf")
    downloaded = _download(client, attachment)

    for response in (uploaded, downloaded):
        assert response.status_code == 503
        assert response["Retry-After"]
        assert "Kho tệp đang không trả lời" in response.content.decode()
    assert Attachment.objects.filter(directive=directive).count() == 1  # the second upload saved nothing


def test_through_the_api_the_same_outage_is_a_json_503_with_the_same_message(
    s3_bucket, settings, directive, admin, login, api_client
):
    _upload(login(admin), directive)
    attachment = Attachment.objects.get(directive=directive)
    closed = f"s3://{s3_bucket.name}?endpoint_url=http://127.0.0.1:{free_port()}&region=ap-southeast-1"
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(closed)}

    response = api_client(admin).get(reverse("api:download_attachment", args=[directive.pk, attachment.pk]))

    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"
    assert "Kho tệp đang không trả lời" in response.json()["detail"]
