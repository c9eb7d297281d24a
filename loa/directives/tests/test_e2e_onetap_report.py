"""Issue 3, done when: an officer opens the one-tap link from the reminder e-mail (read back from a
real SMTP server) on a phone, fixes a bad phone, submits; the admin sees the unit on time and
downloads the consolidated report as xlsx, docx and pdf."""

import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from conftest import browser_login
from loa.directives.reminders import last_day, send_reminders
from loa.directives.tests.factories import fanpage_letter
from loa.notifications.delivery import deliver_due

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_officer_reports_from_the_reminder_link_and_the_admin_files_the_form(
    tree, admin, alice, bob, smtp_server, live_server, phone, desktop, settings, tmp_path
):
    settings.SITE_URL = live_server.url
    deadline = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=3)
    _, task = fanpage_letter(tree, by=admin, deadline=deadline)
    task.remind_days_before = "2"
    task.save()

    send_reminders(day=last_day(task) - timedelta(days=2))
    deliver_due()
    mail = next(m for m in smtp_server.wait_for(2) if "alice@example.vn" in m.rcpt_tos)
    assert "Trường THPT Thành phố Cao Bằng" in mail.subject
    link = mail.link("/directives/r/")

    # The officer, on a phone, not logged in: one tap opens the unit's form.
    phone.goto(link)
    phone.wait_for_selector("#id_admin_phone")
    assert "Trường THPT Thành phố Cao Bằng" in phone.inner_text("main")
    phone.fill("#id_name", "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng")
    phone.fill("#id_url", "fb.com/cdcs.thpt.tpcb")
    phone.fill("#id_admin_name", "Hoàng Thị An")
    phone.fill("#id_admin_phone", "0912 345")
    phone.get_by_role("button", name="Gửi báo cáo").click()
    error = phone.locator(".errorlist").first
    assert "không phải số điện thoại Việt Nam hợp lệ" in error.inner_text()
    assert phone.input_value("#id_name") == "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng"  # nothing lost
    phone.fill("#id_admin_phone", "0912 345 678")
    phone.get_by_role("button", name="Gửi báo cáo").click()
    receipt = phone.locator("[data-testid=receipt]")
    assert "Đã nhận báo cáo" in receipt.inner_text()
    assert "Đúng hạn" in receipt.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # The admin, at a desk: the unit turned "on time"; the three files download.
    browser_login(desktop, "admin")
    desktop.goto(f"{live_server.url}/directives/tasks/{task.pk}/tracking/")
    row = desktop.locator("tr[data-unit=CS-A]")
    assert "Đúng hạn" in row.inner_text()
    assert "50%" in desktop.locator("[data-testid=totals]").inner_text()

    files = {}
    with desktop.expect_download() as info:
        desktop.locator("[data-testid=downloads]").get_by_role("link", name="Excel").last.click()
    files["xlsx"] = tmp_path / "tonghop.xlsx"
    info.value.save_as(files["xlsx"])
    # Word and PDF through the options page: the number is left for the clerk.
    for label, fmt in (("Tải bản Word", "docx"), ("Tải bản PDF", "pdf")):
        desktop.goto(f"{live_server.url}/directives/tasks/{task.pk}/tracking/")
        desktop.get_by_test_id("consolidated-export").click()
        with desktop.expect_download() as info:
            desktop.get_by_role("button", name=label).click()
        path = tmp_path / f"tonghop.{fmt}"
        info.value.save_as(path)
        files[fmt] = path

    sheet = load_workbook(files["xlsx"]).active
    assert any("Hoàng Thị An" in str(c) for r in sheet.iter_rows(values_only=True) for c in r if c)
    doc = Document(files["docx"])
    assert any(c.text == "Hoàng Thị An" for t in doc.tables for r in t.rows for c in r.cells)
    text = subprocess.run(["pdftotext", str(files["pdf"]), "-"], capture_output=True, text=True, check=True).stdout
    assert "Hoàng Thị An" in text
