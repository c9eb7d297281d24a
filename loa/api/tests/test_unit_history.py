"""GET /api/v1/units/{id}/history: a unit's parents and names over time; moves dated with `on`."""

import pytest

from loa.units.services import unit_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def health(tree, kinds):
    return unit_create(by=None, parent=tree["province"], kind=kinds["upper"], code="CDYT", name="Công đoàn Ngành Y tế")


def _move(client, unit, parent, on):
    return client.post(
        f"/api/v1/units/{unit.pk}/move", {"parent": parent.pk, "on": on}, content_type="application/json"
    )


def test_two_dated_moves_read_back_as_three_parents(api_client, admin, alice, tree, health):
    client = api_client(admin)
    assert _move(client, tree["a"], health, "2025-03-01").status_code == 200
    assert _move(client, tree["a"], tree["province"], "2025-09-15").status_code == 200

    data = api_client(alice).get(f"/api/v1/units/{tree['a'].pk}/history").json()

    assert [(p["parent"]["code"], p["valid_from"], p["valid_to"]) for p in data["parents"]] == [
        ("CDVC", None, "2025-02-28"),
        ("CDYT", "2025-03-01", "2025-09-14"),
        ("LDLD", "2025-09-15", None),
    ]
    assert data["names"] == [{"name": tree["a"].name, "valid_from": None, "valid_to": None}]


def test_a_top_level_unit_has_no_parent(api_client, admin, tree):
    data = api_client(admin).get(f"/api/v1/units/{tree['province'].pk}/history").json()
    assert data["parents"] == [{"parent": None, "valid_from": None, "valid_to": None}]


def test_a_move_dated_before_a_recorded_one_is_a_422_naming_the_day(api_client, admin, tree, health):
    client = api_client(admin)
    assert _move(client, tree["a"], health, "2025-09-15").status_code == 200
    response = _move(client, tree["a"], tree["province"], "2025-03-01")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["on"]


def test_the_history_takes_as_many_queries_after_many_moves(
    api_client, admin, tree, health, django_assert_max_num_queries
):
    client, url = api_client(admin), f"/api/v1/units/{tree['a'].pk}/history"
    client.get(url)
    for month, parent in enumerate([health, tree["upper"], health, tree["upper"]], start=1):
        _move(client, tree["a"], parent, f"2024-0{month}-01")
    with django_assert_max_num_queries(5):
        assert len(client.get(url).json()["parents"]) == 5


def test_an_outsider_gets_404(api_client, bob, tree):
    assert api_client(bob).get(f"/api/v1/units/{tree['a'].pk}/history").status_code == 404
