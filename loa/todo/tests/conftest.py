"""The to-do tests live on a fixed day (the pages read the clock, so it is moved for them): a
Wednesday in the second quarter, deadlines and silences counted from it."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from loa.demo.tests.conftest import clock_at

TODAY = date(2026, 6, 17)


@pytest.fixture(autouse=True)
def clock():
    with clock_at(TODAY) as instant:
        yield instant


def at(day, hour=0):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def letter(
    tree, *, deadline_in_days=8, recipients=None, number="45/CV-CĐVC", title="Báo cáo kết quả thành lập Trang Fanpage"
):
    """The seed letter issued by the upper union, its report due `deadline_in_days` after TODAY ("trước ngày")."""
    from loa.directives import services
    from loa.directives.models import ReportForm

    directive = services.directive_create(
        by=None,
        issuing_unit=tree["upper"],
        number=number,
        kind="CV",
        issued_on=TODAY - timedelta(days=5),
        summary="V/v đẩy mạnh công tác truyền thông",
        salutation="Công đoàn cơ sở trực thuộc",
        body="Mỗi CĐCS lập 01 Trang…",
        distribution="Như kính gửi;\nLưu: CĐVC.",
        signer_name="Ngọc Văn Phán",
    )
    services.directive_set_recipients(by=None, directive=directive, units=recipients or [tree["a"], tree["b"]])
    task = services.task_add(
        by=None,
        directive=directive,
        title=title,
        report_form=ReportForm.FANPAGE,
        deadline=at(TODAY + timedelta(days=deadline_in_days)),
    )
    services.directive_issue(by=None, directive=directive)
    return task


def assignment(task, unit):
    from loa.directives.models import Assignment

    return Assignment.objects.get(task=task, unit=unit)


def page_of(unit, handle=None):
    """The unit's Page: the one its report registered, or a new one set up last December."""
    from loa.fanpages.models import Fanpage

    if Fanpage.objects.filter(unit=unit).exists():
        return Fanpage.objects.get(unit=unit)
    handle = handle or f"cdcs{unit.pk}"
    url = f"https://www.facebook.com/{handle}"
    return Fanpage.objects.create(
        unit=unit,
        name=f"Trang {unit.code}",
        url=url,
        url_key=url.lower(),
        admin_name="Nguyễn Văn A",
        admin_phone="+84912345678",
        set_up_on=date(2025, 12, 1),
    )


def post(fanpage, days_ago, n=1):
    from loa.fanpages import posts

    return posts.log_post(
        by=None,
        fanpage=fanpage,
        link=f"{fanpage.url}/posts/{1000 + days_ago * 10 + n}",
        posted_on=TODAY - timedelta(days=days_ago),
    )


def quota(unit, *, news=0, articles=0, year=TODAY.year):
    from loa.articles import services

    for kind, target in (("news", news), ("article", articles)):
        services.quota_set(by=None, unit=unit, year=year, kind=kind, target=target)


def item_kinds(section):
    return [item.kind for item in section.items]


def sections_of(user, role=None):
    from loa.todo.lists import todo_for

    return [s for s in todo_for(user) if role is None or s.role == role]
