"""GET /api/v1/scoring/{year}/ranking: the page's filters (upper union, kind, level, sort), typed, and
each unit's reason; the unit's score answers the same reason."""

import pytest

from loa.scoring.models import Level

pytestmark = pytest.mark.django_db

URL = "/api/v1/scoring/2021/ranking"
FAILING = "Không hoàn thành nhiệm vụ"


def codes(answer, classified):
    by_id = {unit.pk: code.upper() for code, unit in classified.items() if len(code) == 1}
    return [by_id[item["unit_id"]] for item in answer["items"]]


def test_the_filters_combine_as_on_the_page_page_after_page(classified, rubric, admin, api_client):
    client = api_client(admin)
    failing = Level.objects.get(rubric=rubric, name=FAILING).pk
    query = {"level": failing, "unit": classified["health"].pk, "sort": "total", "page_size": 1}
    first = client.get(URL, query).json()
    second = client.get(URL, {**query, "page": 2}).json()
    assert first["count"] == 2 and first["pages"] == 2
    assert codes(first, classified) + codes(second, classified) == ["F", "G"]
    assert codes(client.get(URL, {"level": "lagging", "sort": "total"}).json(), classified) == ["F", "B", "G"]
    assert codes(client.get(URL, {"level": "none"}).json(), classified) == []
    everyone = client.get(URL).json()
    assert codes(everyone, classified) == ["A", "C", "D", "E", "G", "B", "F"]


def test_each_unit_comes_with_the_reason_its_own_score_gives(classified, admin, api_client):
    client = api_client(admin)
    items = {item["unit_id"]: item for item in client.get(URL).json()["items"]}
    e = classified["e"].pk
    assert items[e]["reason"] == "Thiếu 2 bài, chưa báo cáo Fanpage và 1 tiêu chí khác."
    assert client.get(f"/api/v1/scoring/2021/units/{e}").json()["reason"] == items[e]["reason"]
    assert items[classified["c"].pk]["reason"] == "Đạt điểm tối đa mọi tiêu chí."


@pytest.mark.parametrize(
    "query",
    [
        {"level": "abc"},
        {"level": "0"},
        {"level": str(2**63)},
        {"level": "true"},
        {"sort": "zzz"},
        {"unit": "abc"},
        {"kind": "-1"},
        {"unit": str(2**64)},
    ],
)
def test_a_filter_that_is_not_one_is_a_422_in_vietnamese(classified, admin, api_client, query):
    response = api_client(admin).get(URL, query)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid" and response.json()["detail"]


def test_an_upper_union_out_of_reach_is_a_404_and_an_officer_sees_their_own(classified, bob, api_client):
    client = api_client(bob)
    assert client.get(URL, {"unit": classified["health"].pk}).status_code == 404
    assert [item["unit_id"] for item in client.get(URL, {"level": "lagging"}).json()["items"]] == [classified["b"].pk]
