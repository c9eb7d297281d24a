"""The API says how many messages issuing queued, and "Nhắc ngay" has a dry run and a real run."""

import pytest

from loa.directives import services
from loa.directives.models import Assignment
from loa.directives.tests.factories import GOOD_PAGE, fanpage_letter
from loa.notifications.models import Message, Reminder

pytestmark = pytest.mark.django_db
BASE = "/api/v1/directives"
JSON = "application/json"


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type=JSON)


def test_issuing_answers_with_the_number_of_messages_queued(api_client, tree, admin, alice, teammate, bob):
    directive, _ = fanpage_letter(tree, by=admin, issue=False)
    response = _post(api_client(admin), f"{BASE}/{directive.pk}/issue")
    assert response.status_code == 200
    assert response.json()["messages_queued"] == 3
    assert Message.objects.count() == 3
    assert _post(api_client(admin), f"{BASE}/{directive.pk}/issue").status_code == 422  # not twice
    assert Message.objects.count() == 3


def test_a_dry_run_lists_who_would_get_what_and_queues_nothing(api_client, tree, admin, alice, teammate, bob):
    _, task = fanpage_letter(tree, by=admin)
    services.report_submit(by=alice, assignment=Assignment.objects.get(task=task, unit=tree["a"]), data=GOOD_PAGE)
    data = _post(api_client(admin), f"{BASE}/tasks/{task.pk}/remind", {"dry_run": True}).json()
    assert data["dry_run"] is True and data["units"] == 1 and data["messages"] == 1
    [unit] = data["recipients"]
    assert unit["code"] == "CS-B" and unit["reminded_today"] is False
    assert unit["people"] == [{"name": "Bế Văn Bảo", "channel": "email", "address": "bob@example.vn"}]
    assert data["samples"][0]["text"].startswith("Kính gửi đồng chí Bế Văn Bảo,")
    assert not Message.objects.exists() and not Reminder.objects.exists()


def test_the_real_run_queues_once_and_a_second_call_queues_nothing(api_client, tree, admin, alice, teammate, bob):
    _, task = fanpage_letter(tree, by=admin)
    client = api_client(admin)
    first = _post(client, f"{BASE}/tasks/{task.pk}/remind").json()
    assert (first["units"], first["messages"]) == (2, 3)
    second = _post(client, f"{BASE}/tasks/{task.pk}/remind").json()
    assert (second["units"], second["messages"]) == (0, 0)
    assert all(unit["reminded_today"] for unit in second["recipients"])
    assert Message.objects.count() == 3


def test_an_outsider_gets_404_and_those_who_only_read_the_directive_403(api_client, tree, admin, bob, leader, kinds):
    from loa.accounts.models import Role, User
    from loa.units.services import unit_create

    _, task = fanpage_letter(tree, by=admin)
    elsewhere = unit_create(
        by=None, parent=None, kind=kinds["province"], code="LDLD-HG", name="Liên đoàn Lao động tỉnh Hà Giang"
    )
    outsider = User.objects.create_user(username="charlie", email="charlie@example.vn")
    Role.objects.create(user=outsider, unit=elsewhere, role="admin")
    url = f"{BASE}/tasks/{task.pk}/remind"
    assert _post(api_client(outsider), url, {"dry_run": True}).status_code == 404
    assert _post(api_client(bob), url, {"dry_run": True}).status_code == 403  # a recipient reads the directive
    assert _post(api_client(leader), url).status_code == 403
    assert not Message.objects.exists()


def test_a_unit_out_of_reach_and_unknown_fields_are_refused(api_client, tree, admin, kinds):
    from loa.units.services import unit_create

    _, task = fanpage_letter(tree, by=admin)
    other = unit_create(
        by=None, parent=None, kind=kinds["province"], code="LDLD-HG", name="Liên đoàn Lao động tỉnh Hà Giang"
    )
    client = api_client(admin)
    assert _post(client, f"{BASE}/tasks/{task.pk}/remind", {"unit": other.pk}).status_code == 404
    assert _post(client, f"{BASE}/tasks/{task.pk}/remind", {"dry_run": "\x00"}).status_code in (400, 422)
    assert _post(client, f"{BASE}/tasks/{task.pk}/remind", {"unit": 10**30}).status_code in (400, 422)
    assert not Message.objects.exists()
