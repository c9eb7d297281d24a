"""The merge page: the plan first, with nothing written; then the confirmation; and who may use it."""

from datetime import date

from django.urls import reverse

from loa.units.models import Unit
from loa.units.services import unit_create


def _url(unit):
    return reverse("units:merge", args=[unit.pk])


def _body(tree, **extra):
    return {"other": tree["b"].pk, "on": "2021-07-01", "new_code": "CS-AB", "new_name": "CĐCS Liên trường", **extra}


def test_it_shows_the_plan_and_writes_nothing(login, admin, tree):
    response = login(admin).post(_url(tree["a"]), {**_body(tree), "preview": ""})

    assert response.status_code == 200
    page = response.content.decode()
    assert "CĐCS Liên trường" in page and "360" in page and 'name="confirm"' in page
    assert not Unit.objects.filter(code="CS-AB").exists()


def test_confirming_merges_and_opens_the_new_unit(login, admin, tree):
    response = login(admin).post(_url(tree["a"]), {**_body(tree), "confirm": ""})

    new = Unit.objects.get(code="CS-AB")
    assert response.status_code == 302 and response["Location"] == reverse("units:detail", args=[new.pk])
    assert Unit.objects.get(pk=tree["b"].pk).active_to == date(2021, 6, 30)


def test_a_second_confirmation_is_refused_on_the_form(login, admin, tree, kinds):
    c = unit_create(by=None, parent=tree["upper"], kind=kinds["cdcs"], code="CS-C", name="CĐCS C")
    body = {"other": tree["b"].pk, "on": "2021-07-01", "target": c.pk, "confirm": ""}
    assert login(admin).post(_url(tree["a"]), body).status_code == 302

    response = login(admin).post(_url(tree["a"]), body)

    assert response.status_code == 200 and Unit.objects.get(pk=c.pk).members_count == 360


def test_an_officer_of_the_unit_and_an_outsider_get_404(login, alice, bob, tree):
    assert login(alice).get(_url(tree["a"])).status_code == 404
    assert login(bob).get(_url(tree["a"])).status_code == 404


def test_a_unit_outside_the_managers_units_cannot_be_chosen(login, kinds, tree):
    from conftest import _user

    other = unit_create(by=None, parent=tree["province"], kind=kinds["upper"], code="CDYT", name="Ngành Y tế")
    mine = unit_create(by=None, parent=other, kind=kinds["cdcs"], code="YT-1", name="CĐCS Bệnh viện Y")
    manager = _user("admin_yt", other, "admin")

    response = login(manager).post(_url(mine), {**_body(tree), "preview": ""})

    assert response.status_code == 200 and 'name="confirm"' not in response.content.decode()
    assert Unit.objects.get(pk=tree["b"].pk).active_to is None
