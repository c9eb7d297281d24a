"""Every articles page: who may, who may not (outsiders 404, strangers the log-in page)."""

from datetime import date

import pytest
from django.urls import reverse

from loa.articles import services
from loa.articles.models import Photo
from loa.articles.tests.factories import channels, jpeg_bytes, sent


@pytest.fixture
def world(tree, alice, editor, admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    chans = channels(editor)
    draft = services.submission_create(by=alice, unit=tree["a"], title="Nháp", body="x", channels=chans)
    services.submission_add_photo(by=alice, submission=draft, upload=SimpleUploadedFile("a.jpg", jpeg_bytes((40, 30))))
    piece = sent(tree["a"], alice, chans, title="Hội diễn văn nghệ")
    claim = services.claim_create(
        by=alice,
        unit=tree["a"],
        url="https://cdvccaobang.vn/tin/77",
        kind="news",
        title="Tin cũ",
        published_on=date(2021, 2, 1),
    )
    return {
        "draft": draft,
        "piece": piece,
        "claim": claim,
        "photo": Photo.objects.get(submission=draft),
        "chans": chans,
    }


def gets(world, tree):
    d, p, a = world["draft"].pk, world["piece"].pk, tree["a"].pk
    return {
        "detail": reverse("articles:detail", args=[p]),
        "edit": reverse("articles:edit", args=[d]),
        "new": reverse("articles:new", args=[a]),
        "photo": reverse("articles:photo", args=[d, world["photo"].pk]),
        "unit_progress": reverse("articles:unit_progress", args=[a]),
        "progress_of_a": reverse("articles:progress") + f"?unit={a}",
        "claim_new": reverse("articles:claim_new", args=[a]),
        "queue": reverse("articles:queue"),
        "quotas": reverse("articles:quotas"),
        "channels": reverse("articles:channels"),
    }


MAY = {
    "admin": {
        "detail",
        "edit",
        "new",
        "photo",
        "unit_progress",
        "progress_of_a",
        "claim_new",
        "queue",
        "quotas",
        "channels",
    },
    "editor": {"detail", "photo", "unit_progress", "progress_of_a", "queue"},
    "leader": {"detail", "photo", "unit_progress", "progress_of_a"},
    "alice": {"detail", "edit", "new", "photo", "unit_progress", "progress_of_a", "claim_new"},
    "teammate": {"detail", "edit", "new", "photo", "unit_progress", "progress_of_a", "claim_new"},
    "bob": set(),
}


@pytest.mark.parametrize("who", list(MAY))
def test_each_page_answers_by_role(who, request, world, tree, login):
    client = login(request.getfixturevalue(who))
    for name, url in gets(world, tree).items():
        status = client.get(url).status_code
        assert status == (200 if name in MAY[who] else 404), f"{who} {name}: {status}"


@pytest.mark.parametrize("who", ["alice", "editor", "bob", "admin"])
def test_the_pages_everyone_has_answer(who, request, world, login):
    client = login(request.getfixturevalue(who))
    for name in ("index", "progress", "chart", "claims"):
        assert client.get(reverse(f"articles:{name}")).status_code == 200, (who, name)


def test_bob_sees_nothing_of_a_in_his_lists(world, bob, login):
    client = login(bob)
    for name in ("index", "claims"):
        page = client.get(reverse(f"articles:{name}")).content.decode()
        assert "Hội diễn văn nghệ" not in page and "Tin cũ" not in page, name


def test_strangers_are_sent_to_log_in(world, tree, client):
    for url in gets(world, tree).values():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_bob_cannot_act_on_a_piece_of_a(world, tree, bob, login):
    client = login(bob)
    p, d = world["piece"].pk, world["draft"].pk
    posts = [
        (reverse("articles:review", args=[p]), {"action": "accept", "version": world["piece"].version}),
        (reverse("articles:publish", args=[p]), {}),
        (reverse("articles:comment", args=[p]), {"text": "hi"}),
        (reverse("articles:submit", args=[d]), {}),
        (reverse("articles:photo_add", args=[d]), {}),
        (reverse("articles:photo_delete", args=[d, world["photo"].pk]), {}),
        (reverse("articles:docx", args=[d]), {}),
        (reverse("articles:claim_decide", args=[world["claim"].pk]), {"action": "accept"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    world["piece"].refresh_from_db()
    assert world["piece"].state == "submitted"


def test_an_officer_cannot_review_their_own_piece(world, alice, login):
    client = login(alice)
    p = world["piece"]
    assert (
        client.post(reverse("articles:review", args=[p.pk]), {"action": "accept", "version": p.version}).status_code
        == 404
    )


def test_the_editor_sees_the_piece_in_the_queue_and_claims_waiting(world, editor, login):
    client = login(editor)
    page = client.get(reverse("articles:queue")).content.decode()
    assert "Hội diễn văn nghệ" in page and "Nháp" not in page
    assert "Tin cũ" in client.get(reverse("articles:claims")).content.decode()


def test_the_progress_table_exports(world, tree, admin, login):
    client = login(admin)
    response = client.get(reverse("articles:progress_export", args=["csv"]) + f"?unit={tree['province'].pk}&year=2021")
    assert response.status_code == 200
    assert reverse("articles:progress_export", args=["pdf"])  # unknown formats answer 404
    assert client.get(reverse("articles:progress_export", args=["pdf"])).status_code == 404


def test_the_unit_progress_page_runs_a_fixed_number_of_queries(
    world, tree, alice, editor, login, django_assert_max_num_queries
):
    from loa.articles.tests.factories import published

    for i in range(5):
        published(tree["a"], alice, editor, world["chans"], title=f"Tin {i}")
    client = login(alice)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("articles:unit_progress", args=[tree["a"].pk]) + "?year=2021").status_code == 200
