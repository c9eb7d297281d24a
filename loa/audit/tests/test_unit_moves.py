"""A CĐCS moved from one upper union to another: its history goes with it, to the new union's admins
and away from the old one's."""

from django.urls import reverse

from loa.audit.models import AuditEntry
from loa.units.services import unit_move, unit_update

URL = reverse("audit:list")


def _a_entries(client):
    return {e.action for e in client.get(URL).context["entries"] if e.unit and e.unit.code == "CS-A"}


def test_the_history_goes_with_the_unit(tree, other, upper_admin, admin, login):
    a = unit_update(by=admin, unit=tree["a"], members_count=61)
    assert _a_entries(login(upper_admin)) == {"unit.created", "unit.updated"}

    unit_move(by=admin, unit=a, new_parent=other["unit"])

    assert set(AuditEntry.objects.filter(unit=a).values_list("unit_path", flat=True)) == {
        f"{other['unit'].path}{a.pk}/"
    }
    assert _a_entries(login(other["admin"])) == {"unit.created", "unit.updated", "unit.moved"}
    assert _a_entries(login(upper_admin)) == set()
    filtered = login(admin).get(URL, {"unit": other["unit"].pk}).context["entries"]
    assert {e.unit.code for e in filtered if e.unit} >= {"CS-A"}
