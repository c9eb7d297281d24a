"""Issue 13, part 8: the officer's report survives a dropped connection. On a phone (390×844), what
is typed is kept on the phone and put back when the page is opened again; a send while the network is
down keeps the form and says it will be sent by itself; when the network is back it is sent, and
exactly one report is recorded."""

import pytest

from conftest import browser_login
from loa.directives.models import Assignment, Report
from loa.directives.tests.factories import GOOD_PAGE, fanpage_letter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_report_sent_while_offline_is_kept_sent_again_when_online_and_recorded_once(phone, tree, admin, alice):
    _, task = fanpage_letter(tree, by=admin)
    browser_login(phone, "alice")
    form_url = phone.base_url + f"/directives/tasks/{task.pk}/units/{tree['a'].pk}/report/"
    phone.goto(form_url)
    for field in ("name", "url", "admin_name", "admin_phone"):
        phone.fill(f"#id_{field}", GOOD_PAGE[field])

    # Opened again (the phone closed the tab): what was typed is back, with a notice.
    phone.goto(form_url)
    phone.get_by_test_id("offline-restored").wait_for()
    assert phone.input_value("#id_admin_phone") == GOOD_PAGE["admin_phone"]

    phone.context.set_offline(True)
    phone.get_by_role("button", name="Gửi báo cáo").click()
    pending = phone.get_by_test_id("offline-pending")
    pending.wait_for()
    assert "Chưa gửi được — sẽ tự gửi lại khi có mạng" in pending.inner_text()
    assert phone.input_value("#id_name") == GOOD_PAGE["name"]  # nothing lost
    assert not Report.objects.exists()

    phone.context.set_offline(False)
    receipt = phone.get_by_test_id("receipt")
    receipt.wait_for()
    assert "Đã nhận báo cáo" in receipt.inner_text()
    assert Report.objects.filter(assignment=Assignment.objects.get(task=task, unit=tree["a"])).count() == 1
    assert Report.objects.count() == 1
    # Sent: nothing is kept on the phone any more.
    assert phone.evaluate("() => Object.keys(localStorage).filter((k) => k.startsWith('loa-form:'))") == []
