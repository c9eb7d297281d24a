"""A CĐCS moved this year from one upper union to another: a past year's ranking groups it under the
union it had that year by default, under today's with `tree=today` (page, export and API); who sees
it stays by today's tree, and the union it left still reads its figures of the years it spent there."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from loa.scoring.models import Score
from loa.units.services import unit_move

pytestmark = pytest.mark.django_db

API = "/api/v1/scoring/2021/ranking"


def codes(response):
    assert response.status_code == 200, response.status_code
    return set(re.findall(r'<tr data-unit="([^"]+)"', response.content.decode()))


def exported(response):
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Thứ hạng")
    return {row[1] for row in rows[header + 1 :] if row and row[1]}, [row[0] for row in rows[:header] if row]


@pytest.fixture
def admins(classified):
    from conftest import _user

    return {
        "upper": _user("admin_vc", classified["upper"], "admin", full_name="Đinh Thị Viên"),
        "health": _user("admin_yt", classified["health"], "admin", full_name="Lục Văn Y"),
    }


@pytest.fixture
def moved(classified):
    """CĐCS A, under the upper union in 2021, moved under the health union today."""
    a = classified["a"]
    a.refresh_from_db()
    unit_move(by=None, unit=a, new_parent=classified["health"])
    return classified


def test_the_path_copy_follows_the_unit(moved):
    a = moved["a"]
    assert Score.objects.get(unit=a, year=2021).unit_path == f"{moved['health'].path}{a.pk}/"


def test_a_past_year_groups_the_unit_under_its_parent_of_that_year_by_default(moved, admin, login):
    client = login(admin)
    upper, health = moved["upper"].pk, moved["health"].pk
    assert codes(client.get("/scoring/2021/", {"unit": upper})) == {"CS-A", "CS-B"}
    assert "CS-A" not in codes(client.get("/scoring/2021/", {"unit": health}))
    assert codes(client.get("/scoring/2021/", {"unit": upper, "tree": "today"})) == {"CS-B"}
    assert "CS-A" in codes(client.get("/scoring/2021/", {"unit": health, "tree": "today"}))
    # Unfiltered, the admin of the province sees every unit either way.
    assert codes(client.get("/scoring/2021/")) == codes(client.get("/scoring/2021/", {"tree": "today"}))


def test_the_page_shows_the_switch_and_keeps_it_in_its_export_links(moved, admin, login):
    text = login(admin).get("/scoring/2021/", {"unit": moved["upper"].pk, "tree": "today"}).content.decode()
    assert 'data-testid="tree-switch"' in text and "năm 2021" in text and "hiện nay" in text
    link = re.search(r'href="([^"]+ranking\.xlsx[^"]*)"', text)[1]
    assert "tree=today" in link
    assert 'name="tree" value="today"' in text  # the filters' form keeps it too


def test_the_export_groups_as_the_page_and_says_which_tree(moved, admin, login):
    client = login(admin)
    upper = moved["upper"].pk
    units, lines = exported(client.get("/scoring/2021/ranking.xlsx", {"unit": upper}))
    assert units == {"CS-A", "CS-B"} and "Cây đơn vị: năm 2021" in lines
    units, lines = exported(client.get("/scoring/2021/ranking.xlsx", {"unit": upper, "tree": "today"}))
    assert units == {"CS-B"} and "Cây đơn vị: hiện nay" in lines


def test_the_api_groups_as_the_page(moved, admin, api_client):
    client = api_client(admin)
    a, upper, health = moved["a"].pk, moved["upper"].pk, moved["health"].pk

    def ids(query):
        answer = client.get(API, query)
        assert answer.status_code == 200, answer.content
        return {item["unit_id"] for item in answer.json()["items"]}

    assert a in ids({"unit": upper}) and a not in ids({"unit": health})
    assert a not in ids({"unit": upper, "tree": "today"}) and a in ids({"unit": health, "tree": "today"})
    assert client.get(API, {"tree": "tomorrow"}).status_code == 422


def test_the_union_left_still_reads_the_years_spent_under_it(moved, admins, login, api_client):
    old, new = admins["upper"], admins["health"]
    assert codes(login(old).get("/scoring/2021/")) == {"CS-A", "CS-B"}
    assert codes(login(old).get("/scoring/2021/", {"tree": "today"})) == {"CS-B"}
    assert "CS-A" in codes(login(new).get("/scoring/2021/"))
    assert "CS-A" in codes(login(new).get("/scoring/2021/", {"tree": "today"}))
    items = api_client(old).get(API).json()["items"]
    assert moved["a"].pk in {item["unit_id"] for item in items}
    # The unit's own page follows today's tree: the union it left gets no link to it.
    unit_page = reverse("scoring:unit", args=[2021, moved["a"].pk])
    assert login(new).get(unit_page).status_code == 200
    assert login(old).get(unit_page).status_code == 404
    assert unit_page not in login(old).get("/scoring/2021/").content.decode()
    assert reverse("scoring:unit", args=[2021, moved["b"].pk]) in login(old).get("/scoring/2021/").content.decode()


def test_outsiders_see_nothing_more_with_either_tree(moved, alice, leader, bob, login):
    for tree in ("year", "today"):
        assert codes(login(bob).get("/scoring/2021/", {"tree": tree})) == {"CS-B"}
        assert codes(login(alice).get("/scoring/2021/", {"tree": tree})) == {"CS-A"}
        for user in (leader, bob):
            assert login(user).get("/scoring/2021/", {"unit": moved["health"].pk, "tree": tree}).status_code == 404
    # The upper union's leader, like its admin, reads the moved unit's 2021 figures by 2021's tree only.
    assert codes(login(leader).get("/scoring/2021/")) == {"CS-A", "CS-B"}
    assert codes(login(leader).get("/scoring/2021/", {"tree": "today"})) == {"CS-B"}
