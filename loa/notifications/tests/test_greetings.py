"""One voice: every e-mail and Zalo message opens with "Kính gửi đồng chí …", and each channel's
messages live in one place."""

from datetime import date
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from loa.accounts.models import User
from loa.notifications import zalo_messages

LOA = Path(__file__).resolve().parents[2]
EMAILS = LOA / "notifications" / "templates" / "notifications" / "email"
KINDS = sorted(p.stem for p in EMAILS.glob("*.txt") if not p.name.startswith("_"))


def test_every_email_template_lives_in_the_notifications_email_folder():
    elsewhere = [str(p.relative_to(LOA)) for p in LOA.glob("*/templates/**/email") if p != EMAILS]
    assert not elsewhere
    assert {
        "report_reminder",
        "directive_issued",
        "report_returned",
        "article_returned",
        "fanpage_silent",
        "invite",
        "password_reset",
        "account_changed",
    } <= set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_every_email_opens_with_kinh_gui_dong_chi_and_the_name(kind, tree):
    user = User(username="an", full_name="Hoàng Thị An")
    with translation.override("vi"):
        to_officer = render_to_string(
            f"notifications/email/{kind}.txt", {"user": user, "unit": tree["a"], "days": 7, "hours": 24}
        )
        to_unit = render_to_string(
            f"notifications/email/{kind}.txt", {"user": None, "unit": tree["a"], "days": 7, "hours": 24}
        )
    assert to_officer.startswith("Kính gửi đồng chí Hoàng Thị An,\n")
    assert to_unit.startswith("Kính gửi đồng chí phụ trách Công đoàn cơ sở Trường THPT Thành phố Cao Bằng,\n")


def test_the_html_email_opens_the_same_way():
    with translation.override("vi"):
        html = render_to_string("notifications/email/notice.html", {"name": "Hoàng Thị An", "text": "…"})
    assert "<p>Kính gửi đồng chí Hoàng Thị An,</p>" in html


@pytest.mark.parametrize("task", ["Báo cáo kết quả thành lập Trang Fanpage", "Đăng bài trên Trang của đơn vị"])
def test_every_zalo_message_opens_with_kinh_gui_dong_chi_and_the_name(task, tree):
    user = User(username="an", full_name="Hoàng Thị An")
    with translation.override("vi"):
        data = zalo_messages.work_data(
            user=user, unit=tree["a"], task=task, deadline=date(2021, 4, 29), link="https://loa.vn/r/x"
        )
        text = zalo_messages.text(data)
    assert text.startswith("Kính gửi đồng chí Hoàng Thị An,\n")
    assert set(data) == {"name", "unit", "task", "deadline", "link"}
