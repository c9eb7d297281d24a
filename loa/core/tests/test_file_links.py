"""A file link copied out of a page is no way in: each page is rendered for a user allowed to see it,
every link to a file is taken from it, and each is asked for by that user (200) and by an outsider
(404). No page links MEDIA_ROOT directly."""

import json
import re
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from loa.articles import services as articles
from loa.articles.tests.factories import channels, jpeg_bytes
from loa.directives.tests.factories import fanpage_letter
from loa.directives.tests.test_file_downloads import FORMS
from loa.fanpages import likes
from loa.fanpages.models import Fanpage
from loa.fanpages.tests.test_likes_screenshot import screenshot_png

# Every view that sends a kept or generated file.
FILE_VIEWS = {
    "directives:attachment",
    "directives:import_file",
    "directives:document",
    "directives:unit_form",
    "directives:tracking_export",
    "directives:consolidated",
    "articles:photo",
    "fanpages:likes_screenshot",
    "fanpages:poster",
    "api:download_attachment",
}
LINK = re.compile(r"""(?:href|src)=["']([^"']+)["']""")


def file_links(response):
    """The paths of the file views a page (HTML or JSON) links to."""
    text = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        found = re.findall(r"https?://[^/\"]+(/[^\"]*)", json.dumps(json.loads(text)))
    else:
        found = [link.replace("&amp;", "&") for link in LINK.findall(text)]
    assert not [link for link in found if "/media/" in link], "a page links MEDIA_ROOT directly"
    links = set()
    for link in found:
        path = urlsplit(link).path
        try:
            if resolve(path).view_name in FILE_VIEWS:
                links.add(link)
        except Resolver404:
            continue
    return links


@pytest.fixture
def world(tree, admin, alice, editor, login):
    """A's files: a directive to A only with an attachment and a returned form, a piece with a photo,
    a Like declaration with a screenshot (and the provincial Page, for the poster)."""
    directive, task = fanpage_letter(tree, by=admin, recipients=[tree["a"]])
    admin_client = login(admin)
    admin_client.post(
        reverse("directives:attachment_upload", args=[directive.pk]),
        {"file": SimpleUploadedFile("Kế hoạch.pdf", b"%PDF-1.4 x")},
    )
    admin_client.post(
        reverse("directives:import_start", args=[task.pk]),
        {"files": [SimpleUploadedFile("bao cao.xlsx", (FORMS / "01 CDCS THPT TP Cao Bang.xlsx").read_bytes())]},
    )
    batch = task.import_batches.get()
    piece = articles.submission_create(by=alice, unit=tree["a"], title="Hội thi", body="x", channels=channels(editor))
    articles.submission_add_photo(by=alice, submission=piece, upload=SimpleUploadedFile("a.jpg", jpeg_bytes((80, 60))))
    Fanpage.objects.create(
        unit=tree["province"],
        name="Công đoàn Cao Bằng",
        url="https://www.facebook.com/cdcb",
        url_key="https://www.facebook.com/cdcb",
    )
    likes.declare_likes(by=alice, unit=tree["a"], count=12, screenshot=SimpleUploadedFile("chup.png", screenshot_png()))
    return {
        # page -> who sees it
        reverse("directives:detail", args=[directive.pk]): "alice",
        reverse("directives:assignment", args=[task.pk, tree["a"].pk]): "alice",
        reverse("directives:import_batch", args=[task.pk, batch.pk]): "admin",
        reverse("articles:detail", args=[piece.pk]): "alice",
        reverse("articles:edit", args=[piece.pk]): "alice",
        reverse("fanpages:unit", args=[tree["a"].pk]): "alice",
        f"/api/v1/directives/{directive.pk}": "alice",
    }


def as_user(user, *, api, token_for):
    """A browser signed in as `user`, or an API client sending `user`'s token."""
    if api:
        return Client(HTTP_AUTHORIZATION=token_for(user))
    client = Client()
    client.force_login(user)
    return client


def test_every_file_link_of_every_page_is_a_404_for_an_outsider(world, bob, request, token_for):
    seen = set()
    for page, who in world.items():
        api = page.startswith("/api/")
        client = as_user(request.getfixturevalue(who), api=api, token_for=token_for)
        response = client.get(page)
        assert response.status_code == 200, page
        # The API's answers link the web pages' documents too; an API client follows only its own.
        links = {link for link in file_links(response) if not api or urlsplit(link).path.startswith("/api/")}
        assert links, f"{page} links no file"
        stranger = as_user(bob, api=api, token_for=token_for)
        for link in links:
            assert client.get(link).status_code == 200, f"{who} cannot open {link} from {page}"
            assert stranger.get(link).status_code == 404, f"bob opened {link} copied from {page}"
        seen |= {resolve(urlsplit(link).path).view_name for link in links}
    kept = {
        "directives:attachment",
        "directives:import_file",
        "articles:photo",
        "fanpages:likes_screenshot",
        "api:download_attachment",
    }
    assert kept <= seen, f"pages linking no kept file of kind: {kept - seen}"


def test_an_officer_may_not_open_the_returned_forms_the_admin_sees(world, alice, admin, token_for):
    """The returned forms are the importing admin's: an officer of the unit gets 404 too."""
    page = next(p for p, who in world.items() if who == "admin")
    links = file_links(as_user(admin, api=False, token_for=token_for).get(page))
    assert links
    officer = as_user(alice, api=False, token_for=token_for)
    for link in links:
        assert officer.get(link).status_code == 404
