"""A directive like the seed letter, issued to the story tree's CĐCS."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from loa.directives import services
from loa.directives.models import ReportForm

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


GOOD_PAGE = {
    "name": "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng",
    "url": "fb.com/cdcs.thpt.tpcb",
    "admin_name": "Hoàng Thị An",
    "admin_phone": "0912 345 678",
    "note": "",
}
