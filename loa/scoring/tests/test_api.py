"""/api/v1/scoring: the same permissions as the pages."""

import pytest

from loa.scoring.engine import score_year

pytestmark = pytest.mark.django_db


def test_the_api_reads_rubrics_scores_and_the_ranking_within_scope(scored, tree, alice, bob, login):
    score_year(scored)
    client = login(alice)
    rubric = client.get("/api/v1/scoring/rubrics/2021").json()
    assert [c["code"] for c in rubric["criteria"]][:2] == ["F1", "F2"] and len(rubric["levels"]) == 4
    score = client.get(f"/api/v1/scoring/2021/units/{tree['a'].pk}").json()
    assert score["level"] == "Hoàn thành xuất sắc nhiệm vụ" and score["criteria"][0]["evidence"]
    assert login(bob).get(f"/api/v1/scoring/2021/units/{tree['a'].pk}").status_code == 404
    ranking = login(bob).get("/api/v1/scoring/2021/ranking").json()
    assert [r["unit_id"] for r in ranking["items"]] == [tree["b"].pk]


def test_only_an_admin_adjusts_and_freezes_through_the_api(scored, tree, admin, alice, login):
    score_year(scored)
    body = {"criterion": "L1", "points": "10", "reason": "Đã kiểm tra"}
    response = login(alice).post(
        f"/api/v1/scoring/2021/units/{tree['a'].pk}/adjustments", body, content_type="application/json"
    )
    assert response.status_code == 403
    response = login(admin).post(
        f"/api/v1/scoring/2021/units/{tree['b'].pk}/adjustments", body, content_type="application/json"
    )
    assert response.status_code == 201
    assert login(admin).post("/api/v1/scoring/2021/freeze").status_code == 200
    response = login(admin).post("/api/v1/scoring/2021/unfreeze", {"reason": ""}, content_type="application/json")
    assert response.status_code == 422
    response = login(admin).post(
        "/api/v1/scoring/2021/unfreeze", {"reason": "Sai số liệu"}, content_type="application/json"
    )
    assert response.status_code == 200


def test_changing_a_criterion_through_the_api_names_its_version(rubric, admin, bob, api_client):
    client, url = api_client(admin), "/api/v1/scoring/rubrics/2021/criteria"
    read = next(c for c in client.get("/api/v1/scoring/rubrics/2021").json()["criteria"] if c["code"] == "L1")
    body = {key: read[key] for key in ("code", "name", "group", "max_points", "measure", "rule", "params", "is_bonus")}

    assert client.post(url, {**body, "max_points": "16"}, content_type="application/json").status_code == 428
    first = client.post(url, {**body, "max_points": "16", "version": read["version"]}, content_type="application/json")
    assert first.status_code == 201 and first.json()["version"] == read["version"] + 1
    late = client.post(url, {**body, "name": "Khác", "version": read["version"]}, content_type="application/json")
    assert late.status_code == 409
    assert late.json()["code"] == "stale" and late.json()["current"]["max_points"] == "16.00"
    assert rubric.criteria.get(code="L1").name == read["name"]
    new = client.post(
        url,
        {
            **body,
            "code": "X1",
            "measure": "in_depth",
            "rule": "proportional",
            "params": {"target": 5},
            "max_points": "5",
        },
        content_type="application/json",
    )
    assert new.status_code == 201 and new.json()["version"] == 1  # a new criterion needs no version
    # bob reads the rubric (it scores his unit) but may not change it
    assert api_client(bob).post(url, {**body, "version": 2}, content_type="application/json").status_code == 403
