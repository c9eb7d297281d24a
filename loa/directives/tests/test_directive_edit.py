"""Editing a directive and its tasks: two pages at once never silently revert each other."""

import pytest
from django.urls import reverse

from loa.audit.models import AuditEntry
from loa.core.tests.editing import form_values, second_browser, version_on
from loa.directives.models import Directive, Task
from loa.directives.tests.factories import DEADLINE, fanpage_letter


@pytest.fixture
def draft(tree, admin):
    return fanpage_letter(tree, by=admin, issue=False)


@pytest.fixture
def colleague(tree):
    from conftest import _user

    return _user("admin2", tree["province"], "admin", full_name="Lục Văn Hai")


def _edit(directive):
    return reverse("directives:edit", args=[directive.pk])


def _task_edit(task):
    return reverse("directives:task_edit", args=[task.pk])


def test_an_admin_edits_a_directive_from_the_version_they_opened(admin, draft):
    directive, _task = draft
    client = second_browser(admin)
    page = client.get(_edit(directive))
    assert version_on(page) == 1
    response = client.post(_edit(directive), {**form_values(page), "summary": "V/v truyền thông trên Fanpage"})
    assert response.status_code == 302
    directive.refresh_from_db()
    assert (directive.summary, directive.version) == ("V/v truyền thông trên Fanpage", 2)


def test_two_admins_edit_a_directive_at_once_and_the_second_sees_both_versions(admin, colleague, draft):
    directive, _task = draft
    first, second = second_browser(admin), second_browser(colleague)
    page_1, page_2 = first.get(_edit(directive)), second.get(_edit(directive))
    assert first.post(_edit(directive), {**form_values(page_1), "number": "46/CV-CĐVC"}).status_code == 302

    response = second.post(
        _edit(directive), {**form_values(page_2), "body": "Mỗi CĐCS lập và duy trì 01 Trang Fanpage."}
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="conflict"' in html and "văn bản chỉ đạo này" in html
    rows = {row["name"]: (row["theirs"], row["yours"]) for row in response.context["form"].conflict.rows}
    assert rows["number"] == ("46/CV-CĐVC", "45/CV-CĐVC")
    assert rows["body"] == ("Mỗi Công đoàn cơ sở lập 01 Trang Fanpage…", "Mỗi CĐCS lập và duy trì 01 Trang Fanpage.")
    assert "Mỗi CĐCS lập và duy trì 01 Trang Fanpage.</textarea>" in html  # what they typed is kept
    directive.refresh_from_db()
    assert (directive.number, directive.body) == ("46/CV-CĐVC", "Mỗi Công đoàn cơ sở lập 01 Trang Fanpage…")
    assert AuditEntry.objects.filter(action="directive.updated").count() == 1


def test_a_directive_issued_while_its_form_was_open_refuses_the_older_edit(admin, colleague, draft):
    from loa.directives import services

    directive, _task = draft
    page = second_browser(colleague).get(_edit(directive))
    services.directive_issue(by=admin, directive=directive)

    response = second_browser(colleague).post(_edit(directive), {**form_values(page), "summary": "Khác"})

    assert response.status_code == 409
    assert Directive.objects.get(pk=directive.pk).summary != "Khác"


def test_two_admins_edit_a_task_at_once_and_the_later_deadline_is_not_lost(admin, colleague, draft):
    _directive, task = draft
    first, second = second_browser(admin), second_browser(colleague)
    page_1, page_2 = first.get(_task_edit(task)), second.get(_task_edit(task))
    assert first.post(_task_edit(task), {**form_values(page_1), "deadline": "2021-05-15T00:00"}).status_code == 302

    response = second.post(_task_edit(task), {**form_values(page_2), "title": "Báo cáo Trang Fanpage"})

    assert response.status_code == 409
    rows = {row["name"]: (row["theirs"], row["yours"]) for row in response.context["form"].conflict.rows}
    assert rows == {
        "deadline": ("00:00 15/05/2021", "00:00 30/04/2021"),
        "title": ("Báo cáo kết quả thành lập Trang Fanpage", "Báo cáo Trang Fanpage"),
    }
    task.refresh_from_db()
    assert task.title == "Báo cáo kết quả thành lập Trang Fanpage" and task.deadline != DEADLINE
    assert version_on(response) == 2  # saving again is a deliberate "keep mine"


def test_a_task_form_without_its_version_is_refused_in_vietnamese(admin, draft):
    _directive, task = draft
    client = second_browser(admin)
    data = {key: value for key, value in form_values(client.get(_task_edit(task))).items() if key != "version"}
    response = client.post(_task_edit(task), {**data, "title": "Khác"})
    assert response.status_code == 200 and "Trang này đã cũ" in response.content.decode()
    assert Task.objects.get(pk=task.pk).title != "Khác"


def test_the_outsider_gets_404_and_changes_nothing(bob, draft):
    directive, task = draft
    client = second_browser(bob)
    assert client.post(_edit(directive), {"summary": "X", "version": 1}).status_code == 404
    assert client.post(_task_edit(task), {"title": "X", "version": 1}).status_code == 404
    assert Directive.objects.get(pk=directive.pk).summary != "X" and Task.objects.get(pk=task.pk).title != "X"
