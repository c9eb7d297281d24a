from django.urls import reverse

from loa.audit.models import AuditEntry
from loa.units.tests.conftest import assert_login_redirect


def _url(unit):
    return reverse("units:edit", args=[unit.pk])


def _data(unit, **extra):
    data = {
        "name": unit.name, "short_name": unit.short_name, "code": unit.code, "kind": unit.kind_id,
        "members_count": unit.members_count, "staff_count": unit.staff_count, "address": unit.address,
        "contact_name": unit.contact_name, "phone": unit.phone, "email": unit.email, "active_from": "",
    }
    data.update(extra)
    return data


def test_a_manager_edits_a_unit_and_the_change_is_audited(login, admin, tree):
    a = tree["a"]
    response = login(admin).post(_url(a), _data(a, members_count=64, phone="0206.3852.123", active_from="05/04/2021"))

    assert response.status_code == 302
    a.refresh_from_db()
    assert a.members_count == 64
    assert a.phone == "+842063852123"
    assert a.active_from.isoformat() == "2021-04-05"
    entry = AuditEntry.objects.get(action="unit.updated", object_id=str(a.pk))
    assert entry.actor == admin
    assert entry.before["members_count"] == 60 and entry.after["members_count"] == 64


def test_the_form_shows_the_phone_as_people_write_it(login, admin, tree):
    from loa.units.services import unit_update

    unit_update(by=admin, unit=tree["a"], phone="0912345678")
    html = login(admin).get(_url(tree["a"])).content.decode()
    assert 'value="0912 345 678"' in html


def test_a_wrong_phone_number_is_refused_in_vietnamese(login, admin, tree):
    response = login(admin).post(_url(tree["a"]), _data(tree["a"], phone="0912"))
    assert response.status_code == 200
    assert "“0912” không phải là số điện thoại Việt Nam hợp lệ" in response.content.decode()
    tree["a"].refresh_from_db()
    assert tree["a"].phone == ""


def test_a_manager_of_another_unit_gets_404(login, manager_of_b, tree):
    assert login(manager_of_b).get(_url(tree["a"])).status_code == 404


def test_an_officer_of_the_unit_gets_404(login, alice, tree):
    assert login(alice).get(_url(tree["a"])).status_code == 404


def test_the_outsider_gets_404(login, bob, tree):
    assert login(bob).post(_url(tree["a"]), _data(tree["a"], name="X")).status_code == 404
    tree["a"].refresh_from_db()
    assert tree["a"].name != "X"


def test_anonymous_is_sent_to_log_in(client, tree):
    assert_login_redirect(client.get(_url(tree["a"])))
