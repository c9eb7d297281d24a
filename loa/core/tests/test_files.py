"""How a kept file leaves Loa (loa.core.files): safe headers always, nginx sending the bytes when
told, Django streaming them otherwise, and no route at all to MEDIA_ROOT."""

import importlib
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, InMemoryStorage
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.test import RequestFactory
from django.urls import clear_url_caches

from loa.core.files import SANDBOX, serve_file, serve_image
from loa.fanpages.models import LikeDeclaration

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def kept(name, data=b"%PDF-1.4 thing", storage=None):
    """A FieldFile of `name` in `storage` (MEDIA_ROOT's by default) holding `data`."""
    field = LikeDeclaration._meta.get_field("screenshot")
    storage = storage or field.storage
    stored = storage.save(name, ContentFile(data))
    field_file = FieldFile(None, field, stored)
    field_file.storage = storage
    return field_file


@pytest.fixture
def get():
    return RequestFactory().get("/")


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_django_streams_the_file_with_loas_type_and_the_vietnamese_name_as_an_attachment(get, settings):
    settings.FILES_X_ACCEL_PREFIX = ""
    response = serve_file(
        get, kept("directives/1/a.docx", b"PK bytes"), filename="Công văn số 45.docx", content_type=DOCX
    )
    assert body(response) == b"PK bytes"
    assert response["Content-Type"] == DOCX
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private"
    assert response["Content-Security-Policy"] == SANDBOX  # nothing in it runs, even opened on its own
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and 'filename="Cong van so 45.docx"' in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "Công văn số 45.docx"
    assert "X-Accel-Redirect" not in response


def test_with_the_nginx_prefix_the_answer_names_the_file_for_nginx_and_has_no_body(get, settings):
    settings.FILES_X_ACCEL_PREFIX = "/_protected/"
    field_file = kept("returned_forms/3/7/Báo cáo tháng 4.xlsx")
    response = serve_file(get, field_file, filename="Báo cáo.xlsx", content_type="application/octet-stream")
    assert (
        response["X-Accel-Redirect"] == "/_protected/" + "returned_forms/3/7/B%C3%A1o%20c%C3%A1o%20th%C3%A1ng%204.xlsx"
    )
    assert unquote(response["X-Accel-Redirect"]) == "/_protected/" + field_file.name
    assert response.content == b""
    assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "private"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_file_in_storage_off_this_machine_is_streamed_even_with_the_nginx_prefix(get, settings):
    # S3 and the like have no local path: nginx cannot reach them, Django streams them.
    settings.FILES_X_ACCEL_PREFIX = "/_protected/"
    response = serve_file(
        get,
        kept("likes/x.bin", b"bytes", storage=InMemoryStorage()),
        filename="x.bin",
        content_type="application/octet-stream",
    )
    assert "X-Accel-Redirect" not in response and body(response) == b"bytes"


def test_a_storage_outside_media_root_is_streamed_not_handed_to_nginx(get, settings, tmp_path):
    settings.FILES_X_ACCEL_PREFIX = "/_protected/"
    response = serve_file(
        get,
        kept("a.pdf", storage=FileSystemStorage(location=tmp_path)),
        filename="a.pdf",
        content_type="application/pdf",
    )
    assert "X-Accel-Redirect" not in response and body(response).startswith(b"%PDF")


@pytest.mark.parametrize("prefix", ["", "/_protected/"])
def test_a_missing_or_empty_file_is_not_found(get, settings, prefix):
    settings.FILES_X_ACCEL_PREFIX = prefix
    field_file = kept("directives/9/gone.pdf")
    field_file.storage.delete(field_file.name)
    with pytest.raises(Http404):
        serve_file(get, field_file, filename="gone.pdf", content_type="application/pdf")
    with pytest.raises(Http404):
        serve_file(
            get,
            FieldFile(None, LikeDeclaration._meta.get_field("screenshot"), ""),
            filename="x",
            content_type="application/pdf",
        )


@pytest.mark.parametrize("prefix", ["", "/_protected/"])
def test_a_stored_name_that_climbs_out_of_media_root_is_not_found(get, settings, prefix):
    settings.FILES_X_ACCEL_PREFIX = prefix
    field_file = FieldFile(None, LikeDeclaration._meta.get_field("screenshot"), "../../../etc/passwd")
    with pytest.raises(Http404):
        serve_file(get, field_file, filename="passwd", content_type="text/plain")


def test_a_name_with_slashes_or_quotes_is_given_as_a_name_not_a_path(get, settings):
    settings.FILES_X_ACCEL_PREFIX = ""
    response = serve_file(get, kept("d/a.pdf"), filename='../../"Tờ trình"\\x.pdf', content_type="application/pdf")
    disposition = response["Content-Disposition"]
    assert 'filename="..-..-To trinh-x.pdf";' in disposition  # no quote can end the parameter early
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == '..-..-"Tờ trình"-x.pdf'


def test_a_picture_loa_wrote_is_shown_inline_as_its_own_type(get, settings):
    settings.FILES_X_ACCEL_PREFIX = ""
    response = serve_image(get, kept("likes/2026/" + "ab" * 16 + ".png", b"\x89PNG..."), filename_stem="Ảnh chụp")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert unquote(response["Content-Disposition"].split("filename*=UTF-8''")[1]) == "Ảnh chụp.png"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_any_other_file_under_a_picture_field_is_downloaded_as_unknown_bytes(get, settings):
    settings.FILES_X_ACCEL_PREFIX = ""
    response = serve_image(get, kept("likes/2021/x.html", b"\x89PNG<script>alert(1)</script>"), filename_stem="Ảnh")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert unquote(response["Content-Disposition"].split("filename*=UTF-8''")[1]) == "Ảnh.bin"


@pytest.mark.parametrize("debug", [True, False])
def test_media_root_is_never_served_directly_with_debug_on_or_off(debug, settings, client, db):
    stored = kept("likes/2021/chup.png", b"\x89PNG secret")
    assert (Path(settings.MEDIA_ROOT) / stored.name).exists()
    settings.DEBUG = debug
    import loa.urls

    try:
        importlib.reload(loa.urls)  # the URLs as a process started with this DEBUG builds them
        clear_url_caches()
        for path in (
            f"/media/{stored.name}",
            f"/{settings.MEDIA_URL.strip('/')}/{stored.name}",
            f"/_protected/{stored.name}",
        ):
            assert client.get(path).status_code == 404, path
    finally:
        settings.DEBUG = True
        importlib.reload(loa.urls)
        clear_url_caches()
