"""A piece's photo: re-encoded on upload, shown to whoever may read the piece, 404 to anyone else."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from loa.articles import services
from loa.articles.tests.factories import channels, jpeg_bytes


@pytest.fixture
def photo(tree, alice, editor):
    piece = services.submission_create(by=alice, unit=tree["a"], title="Hội thi", body="x", channels=channels(editor))
    return services.submission_add_photo(
        by=alice, submission=piece, upload=SimpleUploadedFile("IMG_0001.JPG", jpeg_bytes())
    )


def photo_url(photo):
    return reverse("articles:photo", args=[photo.submission_id, photo.pk])


def test_the_photo_is_kept_under_a_generated_name_without_gps(photo):
    assert re.fullmatch(rf"articles/photos/{photo.submission_id}/[0-9a-f]{{32}}\.jpg", photo.image.name)
    with Image.open(photo.image.open("rb")) as image:
        assert image.getexif().get_ifd(0x8825) == {} and dict(image.getexif()) == {}


@pytest.mark.parametrize("who", ["alice", "teammate", "editor", "leader", "admin"])
def test_who_may_read_the_piece_sees_its_photo_inline_as_a_jpeg(who, request, photo, login):
    response = login(request.getfixturevalue(who)).get(photo_url(photo))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "private"
    assert response["Content-Disposition"].startswith("inline;")
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as image:
        assert image.format == "JPEG"


def test_an_outsider_gets_404_and_a_stranger_the_log_in_page(photo, bob, login, client):
    response = client.get(photo_url(photo))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert login(bob).get(photo_url(photo)).status_code == 404


def test_a_photo_is_not_found_under_another_piece(photo, tree, alice, login):
    other = services.submission_create(by=alice, unit=tree["a"], title="Khác", body="y")
    assert login(alice).get(reverse("articles:photo", args=[other.pk, photo.pk])).status_code == 404


@pytest.mark.parametrize("tail", ["..%2F..%2Fsettings.py/", "../../x/", "%2e%2e/"])
def test_a_path_in_place_of_a_photo_number_is_not_found(tail, photo, alice, login):
    url = reverse("articles:detail", args=[photo.submission_id]) + "photos/" + tail
    assert login(alice).get(url).status_code == 404


def test_with_nginx_the_answer_hands_the_photo_to_nginx(photo, alice, login, settings):
    settings.FILES_X_ACCEL_PREFIX = "/_protected/"
    response = login(alice).get(photo_url(photo))
    assert response["X-Accel-Redirect"] == "/_protected/" + photo.image.name and response.content == b""
