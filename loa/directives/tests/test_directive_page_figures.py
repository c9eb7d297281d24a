"""The directive's page shows each reader the figures that are theirs: the issuer's staff see the
whole task, a recipient officer only its own unit (the same rule as the tracking page and the API)."""

from loa.directives.models import Assignment
from loa.directives.services import report_submit
from loa.directives.tests.factories import GOOD_PAGE, fanpage_letter


def _page(client, directive):
    response = client.get(f"/directives/{directive.pk}/")
    assert response.status_code == 200
    return response.context["tasks"][0], response.content.decode()


def test_the_issuers_admin_sees_the_whole_tasks_totals(login, admin, tree):
    directive, task = fanpage_letter(tree)
    report_submit(by=None, assignment=Assignment.objects.get(task=task, unit=tree["b"]), data=GOOD_PAGE)
    shown, html = _page(login(admin), directive)
    assert (shown.totals.reported, shown.totals.expected) == (1, 2)
    assert "1/2" in html


def test_a_recipient_officer_sees_only_its_own_units_figures(login, alice, tree):
    directive, task = fanpage_letter(tree)
    report_submit(by=None, assignment=Assignment.objects.get(task=task, unit=tree["b"]), data=GOOD_PAGE)
    shown, html = _page(login(alice), directive)
    assert (shown.totals.reported, shown.totals.expected) == (0, 1)
    assert shown.assignment.unit == tree["a"]
    assert "1/2" not in html
