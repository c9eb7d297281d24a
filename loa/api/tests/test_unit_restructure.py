"""POST /api/v1/units/merges and /splits: the dry run's plan, the applied restructuring, and the
requests refused (unknown ids, a unit merged into itself, a date before a unit's start, units outside
the caller's scope, a double submit)."""

from datetime import date

import pytest

from loa.units.models import Unit
from loa.units.services import unit_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(tree, kinds):
    return unit_create(by=None, parent=tree["upper"], kind=kinds["cdcs"], code="CS-C", name="CĐCS Sở Y tế")


@pytest.fixture
def other_admin(tree, kinds):
    from conftest import _user

    unit = unit_create(by=None, parent=tree["province"], kind=kinds["upper"], code="CDYT", name="Công đoàn Ngành Y tế")
    return _user("admin_yt", unit, "admin")


def _post(client, path, body):
    return client.post(f"/api/v1/units/{path}", body, content_type="application/json")


def _merge(tree, c, **extra):
    return {"units": [tree["a"].pk, tree["b"].pk], "target": c.pk, "on": "2021-07-01", **extra}


def test_a_dry_run_answers_the_plan_and_writes_nothing(api_client, admin, tree, c):
    response = _post(api_client(admin), "merges", _merge(tree, c, dry_run=True))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dry_run"] is True and body["targets"][0]["members_count"] == 360
    assert {a["area"] for a in body["areas"]} >= {"units", "fanpages", "directives", "articles"}
    assert Unit.objects.get(pk=tree["a"].pk).active_to is None


def test_a_merge_into_a_new_unit_is_applied(api_client, admin, tree):
    body = {"units": [tree["a"].pk, tree["b"].pk], "new_target": {"code": "CS-AB", "name": "Liên"}, "on": "2021-07-01"}

    response = _post(api_client(admin), "merges", body)

    assert response.status_code == 201, response.content
    new = Unit.objects.get(code="CS-AB")
    assert response.json()["targets"][0]["id"] == new.pk and new.members_count == 360
    assert Unit.objects.get(pk=tree["a"].pk).active_to == date(2021, 6, 30)


def test_a_double_submit_is_refused(api_client, admin, tree, c):
    assert _post(api_client(admin), "merges", _merge(tree, c)).status_code == 201
    response = _post(api_client(admin), "merges", _merge(tree, c))
    assert response.status_code == 422 and response.json()["code"] == "invalid"
    assert Unit.objects.get(pk=c.pk).members_count == 360


def test_an_unknown_id_is_404(api_client, admin, tree, c):
    response = _post(api_client(admin), "merges", {**_merge(tree, c), "units": [tree["a"].pk, 999999]})
    assert response.status_code == 404


def test_a_unit_merged_into_itself_is_422_in_vietnamese(api_client, admin, tree):
    response = _post(api_client(admin), "merges", _merge(tree, tree["a"]))
    assert response.status_code == 422
    assert "chính nó" in response.json()["detail"]


def test_a_date_before_a_units_start_is_422(api_client, admin, tree, c):
    Unit.objects.filter(pk=tree["a"].pk).update(active_from=date(2021, 9, 1))

    response = _post(api_client(admin), "merges", _merge(tree, c))

    assert response.status_code == 422 and "01/09/2021" in response.json()["detail"]
    assert Unit.objects.get(pk=tree["b"].pk).active_to is None


def test_units_outside_the_callers_scope_are_404_and_viewable_ones_403(api_client, other_admin, alice, tree, c):
    assert _post(api_client(other_admin), "merges", _merge(tree, c)).status_code == 404
    assert _post(api_client(alice), "merges", _merge(tree, c)).status_code == 403
    assert Unit.objects.get(pk=tree["a"].pk).active_to is None


def test_a_stale_version_is_409(api_client, admin, tree, c):
    response = _post(api_client(admin), "merges", _merge(tree, c, versions={str(tree["a"].pk): tree["a"].version + 3}))
    assert response.status_code == 409 and response.json()["code"] == "stale"


def test_a_split_is_planned_then_applied(api_client, admin, tree):
    body = {
        "unit": tree["b"].pk,
        "on": "2021-07-01",
        "parts": [
            {"new": {"code": "B1", "name": "B1"}, "members_count": 100},
            {"unit": tree["a"].pk, "members_count": 200},
        ],
        "choices": {"fanpages": 1},
    }
    plan = _post(api_client(admin), "splits", {**body, "dry_run": True})
    assert plan.status_code == 200 and not Unit.objects.filter(code="B1").exists()

    response = _post(api_client(admin), "splits", body)

    assert response.status_code == 201, response.content
    assert Unit.objects.get(code="B1").members_count == 100
    assert Unit.objects.get(pk=tree["a"].pk).members_count == 260


def test_a_split_outside_the_callers_scope_is_404(api_client, other_admin, tree):
    body = {"unit": tree["b"].pk, "on": "2021-07-01", "parts": [{"new": {"code": "B1", "name": "B1"}}] * 2}
    assert _post(api_client(other_admin), "splits", body).status_code == 404
