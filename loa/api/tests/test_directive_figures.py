"""GET /api/v1/directives/{id}: the figures each caller may see, as on the tracking page.

The issuer's totals (every recipient's state added up) are the issuer's business; a recipient
sees its own unit's figures and its own assignment, never how the others are doing.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from loa.directives import services
from loa.directives.models import Assignment
from loa.directives.tests.factories import GOOD_PAGE, fanpage_letter

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(tree, admin, alice):
    """The letter to CĐCS A and B, a month before its deadline; A has reported, B not."""
    directive, task = fanpage_letter(tree, by=admin, deadline=timezone.now() + timedelta(days=30))
    services.report_submit(by=alice, assignment=Assignment.objects.get(task=task, unit=tree["a"]), data=GOOD_PAGE)
    return directive


def _task(client, directive):
    response = client.get(f"/api/v1/directives/{directive.pk}")
    assert response.status_code == 200, response.content
    return response.json()["tasks"][0]


def test_the_issuer_sees_the_totals_over_every_recipient(api_client, admin, tree, letter):
    task = _task(api_client(admin), letter)
    totals = task["totals"]
    assert totals["unit"]["id"] == tree["upper"].pk
    assert (totals["expected"], totals["reported"], totals["on_time"], totals["missing"]) == (2, 1, 1, 1)
    assert task["assignment"] is None


def test_a_recipient_sees_only_its_own_units_figures_and_state(api_client, alice, tree, letter):
    task = _task(api_client(alice), letter)
    totals = task["totals"]
    assert totals["unit"]["id"] == tree["a"].pk
    assert (totals["expected"], totals["reported"], totals["missing"]) == (1, 1, 0)
    assert task["assignment"]["unit"]["id"] == tree["a"].pk
    assert task["assignment"]["state"] == "on_time"


def test_a_recipient_that_has_not_reported_does_not_learn_that_others_have(api_client, bob, tree, letter):
    task = _task(api_client(bob), letter)
    assert task["totals"]["unit"]["id"] == tree["b"].pk
    assert (task["totals"]["expected"], task["totals"]["reported"]) == (1, 0)
    assert task["assignment"]["state"] == "pending"


def test_an_outsider_gets_404(api_client, admin, bob, tree):
    directive, _task = fanpage_letter(tree, by=admin, recipients=[tree["a"]])  # not sent to CĐCS B
    response = api_client(bob).get(f"/api/v1/directives/{directive.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
