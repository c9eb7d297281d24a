"""/api/v1/articles: the same rules as the pages, and 409 for a decision on a changed piece."""

import pytest

from loa.articles.tests.factories import channels

API = "/api/v1/articles"


@pytest.fixture
def chans(editor):
    return channels(editor)


def test_an_officer_writes_and_sends_an_editor_publishes_and_progress_counts_it(
    tree, alice, editor, admin, chans, api_client
):
    c = api_client(admin)
    assert (
        c.put(
            f"{API}/quotas",
            {"unit": tree["a"].pk, "year": 2021, "kind": "news", "target": 3, "notice": "812/TB-CĐVC ngày 22/02/2021"},
            content_type="application/json",
        ).status_code
        == 200
    )
    c = api_client(alice)
    r = c.post(
        f"{API}/submissions",
        {
            "unit": tree["a"].pk,
            "title": "Tin mới",
            "body": "Một.\n\nHai.<script>x</script>",
            "topics": ["dien-hinh"],
            "channels": [chans[0].pk, chans[1].pk],
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    piece = r.json()
    assert "<script>" not in piece["body"]
    r = c.post(
        f"{API}/submissions/{piece['id']}/submit", {"version": piece["version"]}, content_type="application/json"
    )
    assert r.json()["state"] == "submitted"
    version = r.json()["version"]
    c = api_client(editor)
    for channel, url in ((chans[0], "https://ldld.caobang.gov.vn/t/1"), (chans[1], "https://cdvccaobang.vn/t/1")):
        r = c.post(
            f"{API}/submissions/{piece['id']}/publications",
            {"channel": channel.pk, "url": url, "published_on": "2021-06-01", "version": version},
            content_type="application/json",
        )
        assert r.status_code == 201, r.content
        version = r.json()["version"]
    figures = {f["kind"]: f for f in c.get(f"{API}/units/{tree['a'].pk}/progress?year=2021").json()}
    assert (figures["news"]["counted"], figures["news"]["target"], figures["news"]["exemplary"]) == (1, 3, 1)
    table = api_client(admin).get(f"{API}/progress?year=2021").json()
    assert table["total"]["news_counted"] == 1 and table["rows"][0]["unit"]["code"] == "CDVC"


def test_a_decision_on_a_changed_piece_answers_409(tree, alice, editor, admin, chans, api_client):
    from loa.articles.tests.factories import sent

    s = sent(tree["a"], alice, chans)
    ok = api_client(editor).post(
        f"{API}/submissions/{s.pk}/review", {"action": "accept", "version": s.version}, content_type="application/json"
    )
    assert ok.status_code == 200
    late = api_client(admin).post(
        f"{API}/submissions/{s.pk}/review",
        {"action": "return", "reason": "x", "version": s.version},
        content_type="application/json",
    )
    assert late.status_code == 409 and "đã sửa tin, bài này" in late.json()["detail"]


def test_outsiders_get_404_and_officers_cannot_review(tree, alice, bob, chans, api_client):
    from loa.articles.tests.factories import sent

    s = sent(tree["a"], alice, chans)
    c = api_client(bob)
    assert c.get(f"{API}/submissions/{s.pk}").status_code == 404
    assert (
        c.post(
            f"{API}/submissions/{s.pk}/review",
            {"action": "accept", "version": s.version},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert c.get(f"{API}/units/{tree['a'].pk}/progress").status_code == 404
    assert c.get(f"{API}/submissions").json()["count"] == 0
    r = api_client(alice).post(
        f"{API}/submissions/{s.pk}/review", {"action": "accept", "version": s.version}, content_type="application/json"
    )
    assert r.status_code == 403
    assert (
        api_client(alice)
        .put(
            f"{API}/quotas",
            {"unit": tree["a"].pk, "year": 2021, "kind": "news", "target": 1},
            content_type="application/json",
        )
        .status_code
        == 403
    )


def test_a_patch_from_an_older_version_gets_409_with_the_piece_as_it_is_now_even_from_the_same_officer(
    tree, alice, chans, api_client
):
    c = api_client(alice)
    piece = c.post(
        f"{API}/submissions",
        {"unit": tree["a"].pk, "title": "Hội thi", "body": "Đoạn một."},
        content_type="application/json",
    ).json()
    url = f"{API}/submissions/{piece['id']}"
    first = c.patch(
        url, {"body": "Đoạn một.\n\nĐoạn hai (máy tính).", "version": piece["version"]}, content_type="application/json"
    )
    assert first.status_code == 200

    late = c.patch(
        url, {"body": "Đoạn một (điện thoại).", "version": piece["version"]}, content_type="application/json"
    )

    assert late.status_code == 409
    body = late.json()
    assert body["code"] == "stale" and "Đoạn hai (máy tính)." in body["current"]["body"]
    assert body["current"]["version"] == first.json()["version"]
    assert "Đoạn hai (máy tính)." in c.get(url).json()["body"]
    missing = c.patch(url, {"title": "Khác"}, content_type="application/json")
    assert missing.status_code == 428 and missing.json()["code"] == "version_required"


def test_a_quota_that_exists_is_changed_only_with_its_version(tree, admin, api_client):
    c = api_client(admin)
    body = {"unit": tree["a"].pk, "year": 2021, "kind": "news", "target": 3}
    created = c.put(f"{API}/quotas", body, content_type="application/json")
    assert created.status_code == 200 and created.json()["version"] == 1  # a new quota needs no version
    assert c.put(f"{API}/quotas", {**body, "target": 4}, content_type="application/json").status_code == 428
    assert (
        c.put(f"{API}/quotas", {**body, "target": 4, "version": 1}, content_type="application/json").json()["version"]
        == 2
    )
    late = c.put(f"{API}/quotas", {**body, "target": 5, "version": 1}, content_type="application/json")
    assert late.status_code == 409 and late.json()["current"]["target"] == 4
    listed = c.get(f"{API}/quotas?year=2021").json()["items"]
    assert [(q["target"], q["version"]) for q in listed] == [(4, 2)]
