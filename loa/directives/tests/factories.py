"""A directive like the seed letter, issued to the story tree's CĐCS."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from loa.directives import services
from loa.directives.models import Directive, ReportForm, Task

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = datetime(2021, 4, 30, 0, 0, tzinfo=HCM)  # "trước ngày 30/4/2021"


def fanpage_letter(tree, *, by=None, issue=True, recipients=None, deadline=DEADLINE):
    directive = services.directive_create(
        by=by,
        issuing_unit=tree["upper"],
        number="45/CV-CĐVC",
        kind="CV",
        issued_on=date(2021, 4, 5),
        summary="V/v đẩy mạnh công tác truyền thông của tổ chức Công đoàn Cao Bằng trên các kênh thông tin",
        salutation="Công đoàn cơ sở trực thuộc",
        body="Mỗi Công đoàn cơ sở lập 01 Trang Fanpage…",
        distribution="Như kính gửi;\nLưu: CĐVC.",
        signer_name="Ngọc Văn Phán",
    )
    services.directive_set_recipients(by=by, directive=directive, units=recipients or [tree["a"], tree["b"]])
    task = services.task_add(
        by=by,
        directive=directive,
        title="Báo cáo kết quả thành lập Trang Fanpage",
        deadline=deadline,
        report_form=ReportForm.FANPAGE,
    )
    if issue:
        services.directive_issue(by=by, directive=directive)
    return directive, task


def fanpage_task_rows(issuer, year):
    """The seed letter's Fanpage report task of `year`, issued, written as bare rows (no services, no
    recipients): the scoring tests and benchmark add the assignments they need themselves."""
    directive = Directive.objects.create(
        number="45/CĐVC",
        issued_on=date(year, 4, 5),
        summary="Fanpage",
        issuing_unit=issuer,
        body="…",
        signer_name="Ngọc Văn Phán",
        status="issued",
    )
    return Task.objects.create(
        directive=directive,
        title="Báo cáo Fanpage",
        report_form="fanpage",
        deadline=timezone.make_aware(datetime(year, 4, 30)),
    )


GOOD_PAGE = {
    "name": "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng",
    "url": "fb.com/cdcs.thpt.tpcb",
    "admin_name": "Hoàng Thị An",
    "admin_phone": "0912 345 678",
    "note": "",
}
