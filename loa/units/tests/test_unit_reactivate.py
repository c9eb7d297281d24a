from datetime import date

from django.urls import reverse

from loa.audit.models import AuditEntry
from loa.units.services import unit_deactivate
from loa.units.tests.conftest import assert_login_redirect


def _url(unit):
    return reverse("units:reactivate", args=[unit.pk])


def test_a_manager_reactivates_a_unit(login, admin, tree):
    unit_deactivate(by=admin, unit=tree["a"], active_to=date(2025, 6, 30), reason="Sáp nhập")
    client = login(admin)

    assert "30/06/2025" in client.get(_url(tree["a"])).content.decode()
    response = client.post(_url(tree["a"]), {"version": 2})

    assert response.status_code == 302
    tree["a"].refresh_from_db()
    assert tree["a"].active_to is None
    assert AuditEntry.objects.filter(action="unit.reactivated", object_id=str(tree["a"].pk), actor=admin).exists()


def test_an_officer_of_the_unit_gets_404(login, alice, tree):
    assert login(alice).post(_url(tree["a"])).status_code == 404


def test_the_outsider_gets_404(login, bob, tree):
    unit_deactivate(by=None, unit=tree["a"], active_to=date(2025, 6, 30))
    assert login(bob).post(_url(tree["a"])).status_code == 404
    tree["a"].refresh_from_db()
    assert tree["a"].active_to == date(2025, 6, 30)


def test_anonymous_is_sent_to_log_in(client, tree):
    assert_login_redirect(client.post(_url(tree["a"])))


def test_a_reactivation_confirmed_on_a_page_older_than_a_new_closing_is_refused(login, admin, tree):
    unit_deactivate(by=admin, unit=tree["a"], active_to=date(2025, 6, 30), reason="Sáp nhập")
    client = login(admin)
    opened = client.get(_url(tree["a"]))
    assert 'name="version" value="2"' in opened.content.decode()
    unit_deactivate(by=admin, unit=tree["a"], active_to=date(2025, 9, 30), reason="Lùi ngày")  # someone else, meanwhile

    response = client.post(_url(tree["a"]), {"version": 2})

    assert response.status_code == 409
    tree["a"].refresh_from_db()
    assert tree["a"].active_to == date(2025, 9, 30)
    assert client.post(_url(tree["a"]), {"version": 3}).status_code == 302  # after looking again
