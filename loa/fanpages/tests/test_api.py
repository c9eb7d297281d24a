import pytest

pytestmark = pytest.mark.django_db


def test_an_officer_logs_a_post_and_declares_likes_through_the_api(login, pages, alice, tree):
    client = login(alice)
    client.handler.enforce_csrf_checks = False
    url = f"/api/v1/fanpages/units/{tree['a'].pk}"
    assert (
        client.post(
            url + "/posts", {"link": "https://www.facebook.com/cdcsa/posts/77"}, content_type="application/json"
        ).status_code
        == 201
    )
    refused = client.post(url + "/likes", {"count": 61}, content_type="application/json")
    assert refused.status_code == 422 and "60" in refused.json()["errors"]["count"][0]
    assert client.post(url + "/likes", {"count": 30}, content_type="application/json").status_code == 201
    data = client.get(url).json()
    assert data["posting_days"] == 1 and data["declared_likes"] == 30 and data["like_rate"] == 0.5


def test_an_outsider_gets_404_and_a_viewer_403(login, pages, bob, leader, tree):
    url = f"/api/v1/fanpages/units/{tree['a'].pk}"
    assert login(bob).get(url).status_code == 404
    assert login(bob).post(url + "/likes", {"count": 1}, content_type="application/json").status_code == 404
    assert login(leader).get(url).status_code == 200
    assert login(leader).post(url + "/likes", {"count": 1}, content_type="application/json").status_code == 403
    assert [r["unit_id"] for r in login(bob).get("/api/v1/fanpages/compliance").json()] == [tree["b"].pk]
