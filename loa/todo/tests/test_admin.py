"""An administrator's to-do list: tasks near their deadline with their missing units (as the tracking
page counts them), returned forms not yet recorded, messages that could not be sent."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from loa.directives import imports
from loa.directives import services as directives
from loa.directives.tests.factories import GOOD_PAGE
from loa.notifications.models import Message
from loa.todo.tests.conftest import assignment, letter, sections_of

pytestmark = pytest.mark.django_db
FORMS = Path(__file__).resolve().parents[2] / "directives" / "tests" / "returned_forms"


def admin_items(user, kind=None):
    (section,) = sections_of(user, "admin")
    return [i for i in section.items if kind is None or i.kind == kind]


def test_a_task_near_its_deadline_shows_its_missing_units_as_the_tracking_page_counts_them(tree, admin, alice, login):
    task = letter(tree, deadline_in_days=8)
    directives.report_submit(by=alice, assignment=assignment(task, tree["a"]), data=GOOD_PAGE)
    (item,) = admin_items(admin, "task_missing")
    assert item.count == 1 and item.title == task.title and item.when == "còn 7 ngày"
    assert "45/CV-CĐVC · 1/2 đơn vị chưa báo cáo" in item.detail
    assert item.url == f"/directives/tasks/{task.pk}/tracking/?state=missing"
    tracking = login(admin).get(item.url).content.decode()
    assert re.findall(r'data-unit="([^"]+)"', tracking) == ["CS-B"]
    missing = re.search(r"Chưa báo cáo</div><div class=\"stat\"><a [^>]*>(\d+)</a>", tracking)
    assert missing and int(missing[1]) == item.count


def test_the_task_leaves_the_list_when_every_unit_has_reported(tree, admin, alice, bob):
    task = letter(tree)
    directives.report_submit(by=alice, assignment=assignment(task, tree["a"]), data=GOOD_PAGE)
    directives.report_submit(
        by=bob,
        assignment=assignment(task, tree["b"]),
        data={**GOOD_PAGE, "name": "Công đoàn cơ sở Bệnh viện", "url": "fb.com/cdcs.bvdk"},
    )
    assert admin_items(admin, "task_missing") == []


def test_overdue_tasks_come_first_and_far_or_long_past_ones_are_left_out(tree, admin):
    letter(tree, deadline_in_days=60, number="60/CV-CĐVC", title="Xa")
    letter(tree, deadline_in_days=-45, number="10/CV-CĐVC", title="Quá lâu")
    soon = letter(tree, deadline_in_days=5, number="48/CV-CĐVC", title="Sắp đến hạn")
    late = letter(tree, deadline_in_days=-2, number="40/CV-CĐVC", title="Vừa quá hạn")
    items = admin_items(admin, "task_missing")
    assert [i.title for i in items] == [late.title, soon.title]
    assert items[0].overdue and items[0].tone == "bad" and not items[1].overdue


def test_returned_forms_uploaded_and_not_recorded_wait_on_the_list(tree, admin):
    task = letter(tree)
    upload = SimpleUploadedFile("01 CDCS THPT TP Cao Bang.xlsx", (FORMS / "01 CDCS THPT TP Cao Bang.xlsx").read_bytes())
    batch = imports.batch_create(by=admin, task=task, uploads=[upload])
    (item,) = admin_items(admin, "returned_forms")
    assert item.title == f"Phiếu báo cáo gửi lại chờ ghi nhận: {task.title}" and item.count == 1
    assert item.detail == "1 tệp tải lên ngày 17/06/2026, chưa ghi nhận."
    assert item.url == f"/directives/tasks/{task.pk}/import/{batch.pk}/"
    imports.batch_commit(by=admin, batch=batch)
    assert admin_items(admin, "returned_forms") == []


def test_messages_that_could_not_be_sent_point_to_the_outbox(tree, admin, login):
    for n in range(2):
        Message.objects.create(
            channel="email",
            recipient=f"x{n}@example.vn",
            template="t",
            unit=tree["a"],
            status=Message.Status.FAILED,
            last_error="550 No such user",
        )
    Message.objects.create(channel="email", recipient="ok@example.vn", template="t", unit=tree["a"], status="sent")
    (item,) = admin_items(admin, "failed_messages")
    assert item.title == "2 tin nhắn không gửi được" and item.url == "/notifications/?status=failed"
    outbox = login(admin).get(item.url).content.decode()
    assert "x0@example.vn" in outbox and "x1@example.vn" in outbox and "ok@example.vn" not in outbox


def test_nothing_due_says_so(tree, admin):
    (section,) = sections_of(admin, "admin")
    assert section.items == [] and section.empty == "Hiện không có việc nào cần đồng chí xử lý."


def test_only_administrators_have_the_section(tree, alice, editor, leader):
    letter(tree)
    for user in (alice, editor, leader):
        assert sections_of(user, "admin") == []


def test_an_admin_of_another_branch_sees_none_of_these_tasks(tree, kinds):
    from loa.accounts.models import Role, User
    from loa.units.services import unit_create

    other = unit_create(
        by=None, parent=tree["province"], kind=kinds["upper"], code="CDN-YT", name="Công đoàn ngành Y tế"
    )
    elsewhere = User.objects.create_user(username="yte-admin", password="x")
    Role.objects.create(user=elsewhere, unit=other, role="admin")
    letter(tree)
    assert admin_items(elsewhere) == []
