"""The split page: the plan first, with nothing written; then the confirmation; and who may use it."""

from datetime import date

from django.urls import reverse

from loa.fanpages.models import Fanpage
from loa.fanpages.tests.conftest import pages  # noqa: F401 (a fixture)
from loa.units.models import Unit


def _url(unit):
    return reverse("units:split", args=[unit.pk])


def _body(**extra):
    return {
        "on": "2021-07-01",
        "code_1": "B1",
        "name_1": "Khối khám bệnh",
        "code_2": "B2",
        "name_2": "Khối điều trị",
        "page_part": "1",
        "work_part": "0",
        **extra,
    }


def test_it_shows_the_plan_and_writes_nothing(login, admin, tree):
    response = login(admin).post(_url(tree["b"]), {**_body(), "preview": ""})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Khối điều trị" in page and 'name="confirm"' in page
    assert not Unit.objects.filter(code__in=["B1", "B2"]).exists()


def test_confirming_splits_and_gives_the_page_to_the_part_chosen(login, admin, tree, pages):  # noqa: F811
    response = login(admin).post(_url(tree["b"]), {**_body(), "confirm": ""})

    assert response.status_code == 302
    assert Unit.objects.get(pk=tree["b"].pk).active_to == date(2021, 6, 30)
    assert (Unit.objects.get(code="B1").members_count, Unit.objects.get(code="B2").members_count) == (150, 150)
    assert Fanpage.objects.get(pk=pages["b"].pk).unit.code == "B2"


def test_a_part_needs_an_existing_unit_or_a_new_one(login, admin, tree):
    response = login(admin).post(_url(tree["b"]), {**_body(code_2="", name_2=""), "confirm": ""})

    assert response.status_code == 200 and not Unit.objects.filter(code="B1").exists()


def test_an_officer_of_the_unit_and_an_outsider_get_404(login, alice, bob, tree):
    assert login(bob).get(_url(tree["b"])).status_code == 404
    assert login(alice).get(_url(tree["b"])).status_code == 404
