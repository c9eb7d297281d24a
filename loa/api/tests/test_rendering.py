"""Date-times in answers are RFC 3339 with a whole-minute offset: +07:00 (loa.api.rendering)."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from loa.directives.models import Task
from loa.directives.tests.factories import fanpage_letter

pytestmark = pytest.mark.django_db
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def test_a_deadline_before_1906_is_answered_at_plus_seven_not_at_local_mean_time(api_client, admin, tree):
    directive, task = fanpage_letter(tree, by=admin)
    # Stored by an older version of Loa or an import; zoneinfo's local time for it is +07:06:30.
    old = datetime(1900, 3, 22, 8, 13, 12, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    Task.objects.filter(pk=task.pk).update(deadline=old)
    data = api_client(admin).get(f"/api/v1/directives/{directive.pk}").json()
    deadline = data["tasks"][0]["deadline"]
    assert RFC3339.match(deadline), deadline
    assert deadline.endswith("+07:00")
    assert datetime.fromisoformat(deadline) == old  # the same instant


def test_every_date_time_of_an_answer_is_at_plus_seven(api_client, admin, tree):
    directive, _task = fanpage_letter(tree, by=admin)
    data = api_client(admin).get(f"/api/v1/directives/{directive.pk}").json()
    assert data["issued_at"].endswith("+07:00")
    assert data["tasks"][0]["deadline"] == "2021-04-30T00:00:00+07:00"
