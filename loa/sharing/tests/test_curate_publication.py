"""An editor turns a Loa publication into an item to share in one tap, once."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from loa.articles.tests.factories import channels, published
from loa.sharing.models import Item


@pytest.fixture
def publication(tree, alice, admin):
    chans = channels(editor=admin)
    piece = published(tree["a"], alice, admin, chans, title="Hội thi nấu ăn ngày 8/3", on=date(2026, 3, 10))
    return piece.publications.get()


def test_the_pieces_page_offers_the_button_to_its_reviewers_only(publication, editor, alice, login):
    url = reverse("articles:detail", args=[publication.submission_id])
    button = reverse("sharing:curate_from_publication", args=[publication.pk])
    assert button in login(editor).get(url).content.decode()
    assert button not in login(alice).get(url).content.decode()


def test_one_tap_makes_an_item_prefilled_from_the_publication_then_opens_it(tree, publication, editor, login, settings):
    settings.SHARING_ITEM_DAYS = 5
    client = login(editor)
    response = client.post(reverse("sharing:curate_from_publication", args=[publication.pk]))
    item = Item.objects.get()
    assert response["Location"] == reverse("sharing:curate_edit", args=[item.pk])
    today = timezone.localdate()
    assert (item.title, item.url, item.unit, item.source, item.publication) == (
        "Hội thi nấu ăn ngày 8/3",
        publication.url,
        tree["upper"],  # the editor's unit: the highest where they curate, above the piece's CĐCS
        Item.Source.PUBLICATION,
        publication,
    )
    assert (item.starts_on, item.ends_on) == (today, today + timedelta(days=4))  # five days, today included
    page = client.get(response["Location"]).content.decode()
    assert "Hội thi nấu ăn ngày 8/3" in page and "kiểm tra" in page


def test_a_province_admins_item_is_the_provinces(tree, publication, admin, login):
    login(admin).post(reverse("sharing:curate_from_publication", args=[publication.pk]))
    assert Item.objects.get().unit == tree["province"]


def test_a_publication_becomes_an_item_once(publication, editor, admin, login):
    client = login(editor)
    url = reverse("sharing:curate_from_publication", args=[publication.pk])
    client.post(url)
    item = Item.objects.get()
    again = client.post(url, follow=True)
    assert again.redirect_chain[-1][0] == reverse("sharing:curate_edit", args=[item.pk])
    assert "Bài đăng này đã là một thông tin chia sẻ" in again.content.decode()
    # The province admin finds the upper unit's item too, and may open it.
    again = login(admin).post(url, follow=True)
    assert again.redirect_chain[-1][0] == reverse("sharing:curate_edit", args=[item.pk])
    assert Item.objects.count() == 1


def test_a_retired_item_still_counts_as_made(publication, editor, login):
    client = login(editor)
    url = reverse("sharing:curate_from_publication", args=[publication.pk])
    client.post(url)
    item = Item.objects.get()
    client.post(reverse("sharing:curate_retire", args=[item.pk]), {"version": item.version})
    client.post(url)
    assert Item.objects.count() == 1


@pytest.mark.parametrize("who", ["alice", "bob", "leader", "outsider"])
def test_anyone_else_gets_404(publication, alice, bob, leader, other, login, who):
    user = {"alice": alice, "bob": bob, "leader": leader, "outsider": other["admin"]}[who]
    client = login(user)
    assert client.post(reverse("sharing:curate_from_publication", args=[publication.pk])).status_code == 404
    assert client.post(reverse("sharing:curate_from_publication", args=[999999])).status_code == 404
    assert not Item.objects.exists()


def test_a_get_is_not_a_tap(publication, editor, login):
    assert login(editor).get(reverse("sharing:curate_from_publication", args=[publication.pk])).status_code == 405
    assert not Item.objects.exists()
