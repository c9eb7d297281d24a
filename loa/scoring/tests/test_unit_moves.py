"""A CĐCS moved from one upper union to another: its score goes with it in the ranking, and so does who
sees it."""

import re

import pytest
from django.urls import reverse

from loa.scoring.models import Score
from loa.units.services import unit_move

pytestmark = pytest.mark.django_db


def codes(response):
    assert response.status_code == 200, response.status_code
    return set(re.findall(r'<tr data-unit="([^"]+)"', response.content.decode()))


@pytest.fixture
def admins(classified):
    from conftest import _user

    return {
        "upper": _user("admin_vc", classified["upper"], "admin", full_name="Đinh Thị Viên"),
        "health": _user("admin_yt", classified["health"], "admin", full_name="Lục Văn Y"),
    }


def test_the_score_follows_the_unit_into_the_new_unions_ranking(classified, admins, admin, login):
    a = classified["a"]
    a.refresh_from_db()
    unit_move(by=None, unit=a, new_parent=classified["health"])

    assert Score.objects.get(unit=a, year=2021).unit_path == f"{classified['health'].path}{a.pk}/"
    client = login(admin)
    assert "CS-A" in codes(client.get("/scoring/2021/", {"unit": classified["health"].pk}))
    assert "CS-A" not in codes(client.get("/scoring/2021/", {"unit": classified["upper"].pk}))
    assert "CS-A" in codes(login(admins["health"]).get("/scoring/2021/"))
    assert codes(login(admins["upper"]).get("/scoring/2021/")) == {"CS-B"}
    unit_page = reverse("scoring:unit", args=[2021, a.pk])
    assert login(admins["health"]).get(unit_page).status_code == 200
    assert login(admins["upper"]).get(unit_page).status_code == 404
