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
    response = login(alice).post(f"/api/v1/scoring/2021/units/{tree['a'].pk}/adjustments", body, content_type="application/json")
    assert response.status_code == 403
    response = login(admin).post(f"/api/v1/scoring/2021/units/{tree['b'].pk}/adjustments", body, content_type="application/json")
    assert response.status_code == 201
    assert login(admin).post("/api/v1/scoring/2021/freeze").status_code == 200
    response = login(admin).post("/api/v1/scoring/2021/unfreeze", {"reason": ""}, content_type="application/json")
    assert response.status_code == 422
    response = login(admin).post("/api/v1/scoring/2021/unfreeze", {"reason": "Sai số liệu"}, content_type="application/json")
    assert response.status_code == 200
