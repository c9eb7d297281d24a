"""The piece editor on two pages at once (one officer on a phone and a PC, or two officers): a save
made from an older version is refused, the newer text is shown beside what the user typed, and the
user chooses. The page's own autosave racing its own Send is still no conflict."""

import re

import pytest
from django.urls import reverse

from loa.articles import services
from loa.articles.models import Submission
from loa.articles.tests.factories import channels
from loa.core.tests.editing import second_browser

PC_TEXT = "Sáng 7/3, Công đoàn trường tổ chức hội thi.\n\nCó 12 đội tham gia, viết trên máy tính."
PHONE_TEXT = "Sáng 7/3, Công đoàn trường tổ chức hội thi.\n\nĐoạn viết trên điện thoại."


@pytest.fixture
def piece(tree, alice, editor):
    return services.submission_create(
        by=alice, unit=tree["a"], title="Hội thi nấu ăn", body="Sáng 7/3.", channels=channels(editor)[:1]
    )


def _edit(piece):
    return reverse("articles:edit", args=[piece.pk])


class Page:
    """One open editor: its browser, and the version and editing session its form carries."""

    def __init__(self, user, piece):
        self.client, self.piece = second_browser(user), piece
        html = self.client.get(_edit(piece)).content.decode()
        self.version = int(re.search(r'name="version" value="(\d+)"', html).group(1))
        self.session = re.search(r'name="edit_session" value="([\w-]+)"', html).group(1)

    def data(self, body, **extra):
        return {
            "kind": "news",
            "title": "Hội thi nấu ăn",
            "body": body,
            "channels": [self.piece.channels.first().pk],
            "version": self.version,
            "edit_session": self.session,
            **extra,
        }

    def autosave(self, body, **extra):
        response = self.client.post(_edit(self.piece), self.data(body, **extra), HTTP_HX_REQUEST="true")
        match = re.search(r'name="version" value="(\d+)"', response.content.decode())
        self.version = int(match.group(1))  # as htmx swaps the fragment in
        return response


def test_the_same_officer_on_a_phone_and_a_pc_the_phones_stale_autosave_is_refused_with_the_newer_text(alice, piece):
    pc, phone = Page(alice, piece), Page(alice, piece)
    assert "Đã lưu bản nháp" in pc.autosave(PC_TEXT).content.decode()

    refused = phone.autosave(PHONE_TEXT)

    html = refused.content.decode()
    assert refused.status_code == 200 and 'data-testid="conflict"' in html and "<form" not in html
    assert "Có 12 đội tham gia, viết trên máy tính." in html  # the newer text, beside the phone's (kept in its form)
    assert "Hoàng Thị An" in html  # who saved it
    assert phone.version == 1  # the page keeps its older version: its next autosaves are refused too
    assert Submission.objects.get(pk=piece.pk).body_text == PC_TEXT  # the PC's paragraph is not lost
    assert 'data-testid="conflict"' in phone.autosave(PHONE_TEXT + " Thêm.").content.decode()
    assert Submission.objects.get(pk=piece.pk).body_text == PC_TEXT

    # The officer chooses to keep the phone's text: a deliberate save over the newer version.
    kept = phone.client.post(
        _edit(piece), phone.data(PHONE_TEXT, overwrite=re.search(r'name="overwrite" value="(\d+)"', html).group(1))
    )
    assert kept.status_code == 302
    assert Submission.objects.get(pk=piece.pk).body_text == PHONE_TEXT


def test_a_teammates_newer_save_is_shown_to_the_officer_in_the_same_way(alice, teammate, piece):
    mine, theirs = Page(alice, piece), Page(teammate, piece)
    theirs.autosave(PC_TEXT)
    assert 'data-testid="conflict"' in mine.autosave(PHONE_TEXT).content.decode()
    assert Submission.objects.get(pk=piece.pk).body_text == PC_TEXT


def test_the_pages_own_autosave_fired_by_the_tap_on_send_does_not_refuse_the_send(alice, piece):
    page = Page(alice, piece)
    opened = page.version
    page.autosave(PC_TEXT)  # the field loses focus as the finger lands on Send: the autosave goes first

    sent = page.client.post(reverse("articles:submit", args=[piece.pk]), {**page.data(PC_TEXT), "version": opened})

    assert sent.status_code == 302 and sent["Location"] == reverse("articles:detail", args=[piece.pk])
    assert Submission.objects.get(pk=piece.pk).state == Submission.State.SUBMITTED


def test_send_from_a_page_older_than_another_pages_save_shows_the_conflict_and_keeps_the_text(alice, piece):
    pc, phone = Page(alice, piece), Page(alice, piece)
    pc.autosave(PC_TEXT)

    response = phone.client.post(reverse("articles:submit", args=[piece.pk]), phone.data(PHONE_TEXT))

    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="conflict"' in html and "Có 12 đội tham gia" in html
    assert "Đoạn viết trên điện thoại.</textarea>" in html  # what the phone typed is still in the form
    piece.refresh_from_db()
    assert piece.state == Submission.State.DRAFT and piece.body_text == PC_TEXT


def test_save_draft_from_an_older_page_shows_the_conflict_page(alice, piece):
    pc, phone = Page(alice, piece), Page(alice, piece)
    pc.autosave(PC_TEXT)
    response = phone.client.post(_edit(piece), phone.data(PHONE_TEXT))
    assert response.status_code == 409 and 'data-testid="keep-mine"' in response.content.decode()
    assert Submission.objects.get(pk=piece.pk).body_text == PC_TEXT


@pytest.mark.parametrize("version", ["", "x", "-3", "1" * 30])
def test_an_autosave_without_a_true_version_is_refused_and_saves_nothing(alice, piece, version):
    page = Page(alice, piece)
    response = page.client.post(_edit(piece), {**page.data(PHONE_TEXT), "version": version}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'data-testid="conflict"' in response.content.decode()
    assert Submission.objects.get(pk=piece.pk).body_text == "Sáng 7/3."


def test_the_outsider_gets_404_and_changes_nothing(bob, piece):
    response = second_browser(bob).post(
        _edit(piece), {"title": "X", "body": "X", "version": piece.version}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 404
    assert Submission.objects.get(pk=piece.pk).title == "Hội thi nấu ăn"


def test_a_piece_sent_from_the_other_page_meanwhile_keeps_the_text_on_screen_and_offers_no_overwrite(alice, piece):
    pc, phone = Page(alice, piece), Page(alice, piece)
    pc.autosave(PC_TEXT)
    services.submission_submit(by=alice, submission=piece, expected_version=pc.version, session=pc.session)

    response = phone.client.post(reverse("articles:submit", args=[piece.pk]), phone.data(PHONE_TEXT))

    html = response.content.decode()
    assert (
        response.status_code == 409 and 'data-testid="sent-meanwhile"' in html and 'data-testid="keep-mine"' not in html
    )
    assert "Đoạn viết trên điện thoại.</textarea>" in html
    assert Submission.objects.get(pk=piece.pk).body_text == PC_TEXT
