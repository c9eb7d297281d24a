"""Writing a new piece: nothing is stored until the first save, which may carry a photo and may send."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loa.articles import services
from loa.articles.models import Submission
from loa.articles.tests.factories import channels, jpeg_bytes


@pytest.fixture
def chans(editor):
    return channels(editor)


@pytest.fixture
def new_url(tree):
    return reverse("articles:new", args=[tree["a"].pk])


def _form(chans, **kw):
    return {
        "kind": "news",
        "title": "Hội thi nấu ăn ngày 8/3",
        "body": "Đoạn một.\n\nĐoạn hai.",
        "authors": "Hoàng An",
        "channels": [chans[0].pk],
        "edit_session": "page-one-token",
        **kw,
    }


def test_opening_the_new_piece_page_stores_nothing(alice, login, new_url, chans):
    page = login(alice).get(new_url).content.decode()
    assert 'data-testid="new-piece"' in page and 'enctype="multipart/form-data"' in page
    assert Submission.objects.count() == 0


def test_the_first_save_creates_the_draft_and_opens_the_editor(alice, login, new_url, chans, tree):
    response = login(alice).post(new_url, _form(chans))
    piece = Submission.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("articles:edit", args=[piece.pk])
    assert (piece.state, piece.title, piece.unit, piece.body_text) == (
        "draft",
        "Hội thi nấu ăn ngày 8/3",
        tree["a"],
        "Đoạn một.\n\nĐoạn hai.",
    )
    assert list(piece.channels.all()) == [chans[0]]


def test_a_save_with_nothing_written_stores_nothing_and_says_why_at_the_top(alice, login, new_url, chans):
    response = login(alice).post(new_url, _form(chans, title="  ", body=""))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-summary"' in page and '<a href="#id_title">' in page
    assert "Hãy viết tiêu đề hoặc nội dung trước khi lưu." in page
    assert Submission.objects.count() == 0


def test_a_double_tap_of_save_makes_one_draft(alice, login, new_url, chans):
    client = login(alice)
    first = client.post(new_url, _form(chans))
    second = client.post(new_url, _form(chans))
    piece = Submission.objects.get()
    assert first["Location"] == second["Location"] == reverse("articles:edit", args=[piece.pk])


def test_two_pages_opened_separately_make_two_drafts(alice, login, new_url, chans):
    client = login(alice)
    client.post(new_url, _form(chans))
    client.post(new_url, _form(chans, edit_session="page-two-token", title="Tin khác"))
    assert Submission.objects.count() == 2


def test_the_first_save_can_carry_a_photo(alice, login, new_url, chans):
    photo = SimpleUploadedFile("anh.jpg", jpeg_bytes((800, 600)), content_type="image/jpeg")
    login(alice).post(new_url, {**_form(chans), "photo": photo, "caption": "Các đội thi"})
    piece = Submission.objects.get()
    assert [p.caption for p in piece.photos.all()] == ["Các đội thi"]


def test_a_file_that_is_no_photo_is_refused_and_nothing_is_stored(alice, login, new_url, chans):
    bad = SimpleUploadedFile("anh.jpg", b"%PDF-1.4 not a picture\x00", content_type="image/jpeg")
    response = login(alice).post(new_url, {**_form(chans), "photo": bad})
    page = response.content.decode()
    assert response.status_code == 200 and 'href="#id_photo"' in page
    assert 'value="Hội thi nấu ăn ngày 8/3"' in page  # what was typed stays on the page
    assert Submission.objects.count() == 0


def test_send_on_the_first_save_sends_it_to_the_editors(alice, login, new_url, chans):
    response = login(alice).post(new_url, {**_form(chans), "send": "1"})
    piece = Submission.objects.get()
    assert response["Location"] == reverse("articles:detail", args=[piece.pk])
    assert piece.state == "submitted"


def test_send_without_a_channel_keeps_the_draft_and_shows_what_is_missing(alice, login, new_url, chans):
    response = login(alice).post(new_url, {**_form(chans, channels=[]), "send": "1"})
    page = response.content.decode()
    piece = Submission.objects.get()
    assert piece.state == "draft" and piece.title == "Hội thi nấu ăn ngày 8/3"
    summary = re.search(r'<section class="error-summary".*?</section>', page, re.DOTALL).group(0)
    assert re.findall(r"<li>(.*?)</li>", summary) == [
        '<a href="#id_channels_0">Đăng trên: Hãy chọn ít nhất một kênh muốn đăng.</a>'
    ]
    assert f'action="{reverse("articles:edit", args=[piece.pk])}"' in page


def test_control_characters_in_the_title_are_removed_not_a_server_error(alice, login, new_url, chans):
    response = login(alice).post(new_url, _form(chans, title="Hội\x00 thi\x07 nấu ăn"))
    assert response.status_code in (302, 400)
    for piece in Submission.objects.all():
        assert "\x00" not in piece.title and "\x07" not in piece.title


def test_an_outsider_cannot_open_or_save_the_new_piece_page(bob, login, new_url, chans):
    client = login(bob)
    assert client.get(new_url).status_code == 404
    assert client.post(new_url, _form(chans)).status_code == 404
    assert Submission.objects.count() == 0


def test_the_write_button_is_a_link_that_stores_nothing(alice, login, tree):
    page = login(alice).get(reverse("articles:index")).content.decode()
    assert f'href="{reverse("articles:new", args=[tree["a"].pk])}"' in page
    assert Submission.objects.count() == 0


def test_empty_drafts_left_by_the_old_button_are_not_listed(alice, login, tree, chans):
    Submission.objects.create(unit=tree["a"], unit_path=tree["a"].path, title="", created_by=alice)
    services.submission_create(by=alice, unit=tree["a"], title="Bài có tên")
    page = login(alice).get(reverse("articles:index")).content.decode()
    assert "Bài có tên" in page
    assert len(re.findall(r'data-piece="\d+"', page)) == 1
    home = login(alice).get(reverse("home")).content.decode()
    assert len(re.findall(r'href="/articles/\d+/edit/"', home)) == 1


def test_in_the_editor_the_photos_come_before_send(alice, login, tree, chans):
    piece = services.submission_create(by=alice, unit=tree["a"], title="Bài có tên")
    page = login(alice).get(reverse("articles:edit", args=[piece.pk])).content.decode()
    assert page.index('name="photo"') < page.index('data-testid="send"')
    assert page.index('name="docx"') < page.index('data-testid="send"')
    assert re.search(r'<button[^>]*form="piece"[^>]*data-testid="send"', page)
