"""On the live demo (`manage.py demo --today DAY`), every role's home page shows real work due that
day, and the API answers the same list."""

import html
import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from loa.accounts.models import User
from loa.articles.models import Submission
from loa.demo.calendar import NUMBER
from loa.demo.tests.conftest import clock_at
from loa.directives.models import Rollup, Task

pytestmark = pytest.mark.django_db

# An ordinary week in June; the first days of a year (the letter dated late December).
DAYS = [date(2026, 6, 17), date(2027, 1, 3)]


def home(client, username):
    """{kind: [(url, text)]} of the to-do items on the user's home page, after checking that the API
    answers the same items in the same order."""
    client.force_login(User.objects.get(username=username))
    response = client.get("/")
    assert response.status_code == 200
    found = re.findall(
        r'data-todo-item="([a-z_]+)"><a class="todo-link" href="([^"]+)">(.*?)</a>',
        response.content.decode(),
        re.DOTALL,
    )
    api = client.get("/api/v1/me/todo").json()
    assert [(i["kind"], i["url"]) for s in api["sections"] for i in s["items"]] == [
        (k, html.unescape(u)) for k, u, _t in found
    ]
    items = {}
    for kind, url, inner in found:
        text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", inner))).strip()
        items.setdefault(kind, []).append((html.unescape(url), text))
    return items


@pytest.mark.parametrize("today", DAYS, ids=lambda d: d.isoformat())
def test_every_demo_role_finds_real_work_due_on_its_home_page(settings, client, today):
    settings.DEBUG = True  # the demo command refuses to run otherwise
    call_command("demo", "--today", today.isoformat(), stdout=StringIO())
    task = Task.objects.get(directive__number=NUMBER)
    with clock_at(today):
        officer = home(client, "canbo1")
        (report,) = officer["report_due"]
        assert (
            report[0]
            == f"/directives/tasks/{task.pk}/units/{task.assignments.get(unit__code='CDVC-01').unit_id}/report/"
        )
        assert re.search(r"còn \d+ (ngày|giờ)", report[1]) and "quá hạn" not in report[1]
        returned = Submission.objects.get(unit__code="CDVC-01", state="returned")
        assert any(returned.reason[:40] in text for _url, text in officer["article_returned"])
        assert officer["article_draft"]

        editor = home(client, "bientap")
        (queue,) = editor["review_queue"]
        waiting = re.search(r"(\d+) tin, bài chờ biên tập", queue[1])
        assert waiting and int(waiting[1]) > 0 and re.search(r"đã chờ \d+ (ngày|giờ)", queue[1])

        admin = home(client, "admin")
        (missing,) = [text for url, text in admin["task_missing"] if f"/tasks/{task.pk}/" in url]
        issuer = Rollup.objects.get(task=task, unit=task.directive.issuing_unit)
        assert f"{issuer.expected - issuer.reported}/{issuer.expected} đơn vị chưa báo cáo" in missing

        leader = home(client, "lanhdao")
        assert leader["levels"] and leader["lagging"]
        assert all(text and "quá hạn" not in text for _url, text in leader["lagging_unit"])
        assert leader["quota_progress"]
        if today.month > 1:  # early in January no Page has been silent for a week this year
            assert leader["silent_pages"]
