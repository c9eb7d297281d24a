"""A Like declaration's screenshot: re-encoded on upload, shown only to who may see the unit's page."""

import importlib
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from loa.fanpages.models import LikeDeclaration

XSS = b"\x89PNG\r\n\x1a\n<html><script>alert(document.cookie)</script></html>"


def screenshot_png(size=(390, 844)):
    out = io.BytesIO()
    Image.new("RGB", size, (66, 103, 178)).save(out, "PNG")
    return out.getvalue()


def declare(client, unit, upload, count=10):
    return client.post(
        reverse("fanpages:declare_likes", args=[unit.pk]), {"count": count, "screenshot": upload}, follow=True
    )


def screenshot_url(declaration):
    return reverse("fanpages:likes_screenshot", args=[declaration.unit_id, declaration.pk])


def test_the_screenshot_xss_is_refused_and_nothing_is_stored(login, alice, tree, settings):
    """The finding: a PNG signature followed by HTML, named .html, was kept as sent and linked."""
    page = declare(login(alice), tree["a"], SimpleUploadedFile("x.html", XSS, content_type="text/html"))
    assert "không đọc được: tệp bị hỏng hoặc không phải tệp JPEG, PNG" in page.content.decode()
    assert not LikeDeclaration.objects.exists()
    likes_dir = settings.MEDIA_ROOT / "likes"
    assert not likes_dir.exists() or not any(p.suffix == ".html" for p in likes_dir.rglob("*"))


def test_a_real_screenshot_is_stored_re_encoded_under_a_generated_name(login, alice, tree):
    # An iPhone's screenshot: 1170 × 2532 pixels, kept at most 1600 high.
    declare(login(alice), tree["a"], SimpleUploadedFile("Ảnh chụp màn hình.png", screenshot_png((1170, 2532))))
    declaration = LikeDeclaration.objects.get()
    assert re.fullmatch(r"likes/\d{4}/[0-9a-f]{32}\.jpg", declaration.screenshot.name)
    with Image.open(declaration.screenshot.open("rb")) as image:
        assert image.format == "JPEG" and image.size == (739, 1600)


def test_the_officer_sees_the_screenshot_as_a_picture_with_nosniff(login, alice, teammate, tree):
    declare(login(alice), tree["a"], SimpleUploadedFile("chup.png", screenshot_png()))
    response = login(teammate).get(screenshot_url(LikeDeclaration.objects.get()))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private"
    assert response["Content-Disposition"].startswith("inline;")
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


@pytest.mark.parametrize("who, status", [("admin", 200), ("leader", 200), ("editor", 200), ("bob", 404)])
def test_who_may_see_a_units_screenshot(who, status, request, login, alice, tree):
    declare(login(alice), tree["a"], SimpleUploadedFile("chup.png", screenshot_png()))
    url = screenshot_url(LikeDeclaration.objects.get())
    assert login(request.getfixturevalue(who)).get(url).status_code == status


def test_a_stranger_is_sent_to_log_in(login, alice, tree, client):
    declare(login(alice), tree["a"], SimpleUploadedFile("chup.png", screenshot_png()))
    url = screenshot_url(LikeDeclaration.objects.get())
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_units_declaration_through_ones_own_unit_is_not_found(login, alice, bob, tree):
    """bob may see unit B's page, but not A's declaration put under B's address."""
    declare(login(alice), tree["a"], SimpleUploadedFile("chup.png", screenshot_png()))
    declaration = LikeDeclaration.objects.get()
    url = reverse("fanpages:likes_screenshot", args=[tree["b"].pk, declaration.pk])
    assert login(bob).get(url).status_code == 404


@pytest.mark.parametrize(
    "tail", ["../../../settings.py", "..%2F..%2Floa.sqlite3", "1/../../x", "%2e%2e/%2e%2e/x", "-1"]
)
def test_a_path_climbing_out_of_the_screenshot_address_is_not_found(tail, login, alice, tree):
    url = reverse("fanpages:unit", args=[tree["a"].pk]) + "likes/" + tail + "/screenshot"
    assert login(alice).get(url).status_code == 404


@pytest.mark.parametrize("unit_id, declaration_id", [(10**20, 1), (1, 10**20), (2**63, 2**63)])
def test_a_number_too_big_for_the_database_is_not_found(unit_id, declaration_id, login, alice):
    url = reverse("fanpages:likes_screenshot", args=[unit_id, declaration_id])
    assert login(alice).get(url).status_code == 404


def test_a_declaration_without_a_screenshot_has_none_to_show(login, alice, tree):
    declare(login(alice), tree["a"], "")
    assert login(alice).get(screenshot_url(LikeDeclaration.objects.get())).status_code == 404


def test_with_nginx_the_answer_hands_the_file_to_nginx_without_a_body(login, alice, tree, settings):
    settings.FILES_X_ACCEL_PREFIX = "/_protected/"
    declare(login(alice), tree["a"], SimpleUploadedFile("chup.png", screenshot_png()))
    declaration = LikeDeclaration.objects.get()
    response = login(alice).get(screenshot_url(declaration))
    assert response["X-Accel-Redirect"] == "/_protected/" + declaration.screenshot.name
    assert response.content == b"" and response["Content-Type"] == "image/jpeg"


# --- Screenshots kept from before (migration 0003) ------------------------------------------------


def legacy(unit, name, data):
    """A declaration as the old code stored it: the uploader's bytes under the uploader's name."""
    declaration = LikeDeclaration.objects.create(unit=unit, day=unit.created_at.date(), count=5, members_count=60)
    declaration.screenshot.save(name, ContentFile(data))
    return declaration


def run_migration():
    from django.apps import apps

    importlib.import_module("loa.fanpages.migrations.0003_reencode_screenshots").reencode_screenshots(apps, None)


def test_a_kept_html_screenshot_is_only_ever_downloaded_as_unknown_bytes(login, alice, tree):
    declaration = legacy(tree["a"], "x.html", XSS)
    response = login(alice).get(screenshot_url(declaration))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_migration_re_encodes_kept_screenshots_and_keeps_what_is_no_picture(login, alice, tree):
    storage = LikeDeclaration._meta.get_field("screenshot").storage
    good = legacy(tree["a"], "Ảnh chụp.png", screenshot_png((200, 100)))
    bad = legacy(tree["a"], "x.html", XSS)
    old_good, old_bad = good.screenshot.name, bad.screenshot.name
    run_migration()
    good.refresh_from_db()
    bad.refresh_from_db()
    assert re.fullmatch(r"likes/\d{4}/[0-9a-f]{32}\.jpg", good.screenshot.name)
    with Image.open(good.screenshot.open("rb")) as image:
        assert image.size == (200, 100)
    assert re.fullmatch(r"likes/\d{4}/[0-9a-f]{32}\.bin", bad.screenshot.name)
    assert bad.screenshot.open("rb").read() == XSS  # nothing a unit sent is lost
    assert not storage.exists(old_good) and not storage.exists(old_bad)
    shown = login(alice).get(screenshot_url(good))
    assert shown["Content-Type"] == "image/jpeg" and shown["Content-Disposition"].startswith("inline;")
    downloaded = login(alice).get(screenshot_url(bad))
    assert downloaded["Content-Type"] == "application/octet-stream"


def test_the_migration_leaves_a_row_whose_file_is_gone(tree):
    declaration = legacy(tree["a"], "gone.png", screenshot_png())
    name = declaration.screenshot.name
    declaration.screenshot.storage.delete(name)
    run_migration()
    declaration.refresh_from_db()
    assert declaration.screenshot.name == name
