"""Issue 13, part 8: the new piece and the editor keep what is typed on the phone (keyed by the
user) and may be sent twice when the network comes back: a repeated send makes no second piece."""

import pytest
from django.urls import reverse

from loa.articles import services
from loa.articles.models import Submission
from loa.articles.tests.factories import channels

pytestmark = pytest.mark.django_db

PIECE = {
    "kind": "news",
    "title": "Hội thi nấu ăn ngày 8/3",
    "body": "Đoạn một.",
    "authors": "Hoàng An",
    "edit_session": "page-one-token",
}


def test_the_new_piece_and_the_editor_are_kept_on_the_phone_for_their_user(tree, alice, editor, login):
    piece = services.submission_create(by=alice, unit=tree["a"], title="Tin", body="Bài.", channels=channels(editor))
    client = login(alice)
    for url in (reverse("articles:new", args=[tree["a"].pk]), reverse("articles:edit", args=[piece.pk])):
        page = client.get(url).content.decode()
        assert f'data-offline-form="{alice.pk}"' in page
        assert 'data-offline-status="pending"' in page and "Chưa gửi được — sẽ tự gửi lại khi có mạng." in page
        assert 'data-offline-status="restored"' in page


def test_a_new_piece_sent_again_when_the_network_is_back_is_one_piece_sent_once(tree, alice, editor, login):
    chans = channels(editor)
    client = login(alice)
    url = reverse("articles:new", args=[tree["a"].pk])
    first = client.post(url, {**PIECE, "channels": [chans[0].pk], "send": "1"})
    again = client.post(url, {**PIECE, "channels": [chans[0].pk], "send": "1"})
    piece = Submission.objects.get()
    assert piece.state == "submitted"
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == reverse("articles:detail", args=[piece.pk])


def test_the_editors_send_arriving_twice_sends_the_piece_once_and_says_so(tree, alice, editor, login):
    chans = channels(editor)
    piece = services.submission_create(by=alice, unit=tree["a"], title="Tin", body="Bài.", channels=chans[:1])
    client = login(alice)
    form = {**PIECE, "channels": [chans[0].pk], "version": piece.version}
    first = client.post(reverse("articles:submit", args=[piece.pk]), form)
    again = client.post(reverse("articles:submit", args=[piece.pk]), form, follow=True)
    piece.refresh_from_db()
    assert first.status_code == 302 and piece.state == "submitted"
    assert piece.versions.count() == 1
    assert again.redirect_chain == [(reverse("articles:detail", args=[piece.pk]), 302)]
    assert [str(m) for m in again.context["messages"]][-1] == "Tin, bài này đã được gửi rồi; không gửi lại lần hai."
