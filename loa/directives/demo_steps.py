"""Demo: the 2021 Cao Bằng letter issued by CĐVC to its CĐCS, with a realistic spread of reports:
most on time, some late, some missing, one returned and corrected, one returned and waiting."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from loa.demo.scenario import step
from loa.directives import services
from loa.directives.models import Assignment, Directive, ReportForm
from loa.documents.model import BULLET
from loa.documents.samples import seed_letter

NUMBER = "45/CĐVC"


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _body():
    lines = []
    for p in seed_letter().paragraphs:
        lines.append(f"- {p.text}" if p.kind == BULLET else p.text)
    return "\n".join(lines)


def _page(unit):
    return {
        "name": unit.name,
        "url": f"facebook.com/{unit.code.lower().replace('-', '.')}.caobang",
        "admin_name": unit.contact_name or "Nông Văn Quản",
        "admin_phone": unit.phone or "0912 345 678",
        "note": "",
    }


@step(400, "the 2021 Fanpage letter and its reports")
def fanpage_letter(ctx):
    if Directive.objects.filter(number=NUMBER).exists():
        return
    admin, issuer = ctx.users["admin"], ctx.units["CDVC"]
    letter = seed_letter()
    directive = services.directive_create(
        by=admin, issuing_unit=issuer, number=NUMBER, kind="CV", issued_on=letter.date, place="Cao Bằng",
        summary="V/v đẩy mạnh công tác truyền thông của tổ chức Công đoàn Cao Bằng trên các kênh thông tin",
        superior_body="LĐLĐ TỈNH CAO BẰNG", salutation="Công đoàn cơ sở trực thuộc", body=_body(),
        distribution="Như kính gửi;\nLưu: CĐVC.", signer_capacity="TM. BAN THƯỜNG VỤ", signer_title="CHỦ TỊCH",
        signer_name="Ngọc Văn Phán",
    )
    services.directive_set_recipients(by=admin, directive=directive, units=list(services.recipients_under(issuer)))
    deadline = _at(letter.date.replace(month=4, day=30), 0)
    task = services.task_add(
        by=admin, directive=directive, title="Báo cáo kết quả thành lập Trang Fanpage Công đoàn cơ sở",
        description="Báo cáo số liệu, tên cụ thể của Trang Fanpage do CĐCS thành lập (theo biểu mẫu gửi kèm).",
        deadline=deadline, report_form=ReportForm.FANPAGE,
    )
    services.directive_issue(by=admin, directive=directive)
    Directive.objects.filter(pk=directive.pk).update(issued_at=_at(letter.date, 8, 30))

    rng = ctx.rng
    officers = {role_unit: user for user in ctx.users.values() for role_unit in
                user.roles.filter(role="officer").values_list("unit__code", flat=True)}
    assignments = list(Assignment.objects.filter(task=task, expected=True).select_related("unit").order_by("unit__code"))
    waiting = {"CDVC-01"}  # canbo1 sees the overdue task on their home page
    returned_open = {"CDVC-02"}  # canbo2 sees the province's reason and corrects
    for a in assignments:
        code = a.unit.code
        by = officers.get(code, admin)
        roll = rng.random()
        if code in waiting or (code not in returned_open and roll < 0.14):
            continue  # missing
        if code in returned_open or roll < 0.82:
            at = _at(letter.date + timedelta(days=rng.randint(1, 23)), rng.randint(7, 21), rng.randint(0, 59))
        else:
            at = _at(deadline.date() + timedelta(days=rng.randint(1, 20)), rng.randint(7, 17), rng.randint(0, 59))
        services.report_submit(by=by, assignment=a, data=_page(a.unit), source="web", at=at)
    reported = [a for a in Assignment.objects.filter(task=task, state="on_time").select_related("unit").order_by("unit__code")]
    for a in reported:
        if a.unit.code in returned_open:
            services.report_return(by=admin, assignment=a, reason="Tên Trang chưa ghi đúng như trên Facebook; đề nghị ghi đủ “Công đoàn cơ sở …”.")
    corrected = next(a for a in reported if a.unit.code not in returned_open)
    services.report_return(by=admin, assignment=corrected, reason="Thiếu số điện thoại của người quản trị thứ hai.")
    services.report_submit(
        by=officers.get(corrected.unit.code, admin), assignment=corrected,
        data={**_page(corrected.unit), "note": "Bổ sung quản trị viên thứ hai"}, at=_at(deadline.date() + timedelta(days=2), 9, 15),
    )
    ctx.log(f"  {directive}: {len(assignments)} CĐCS, {Assignment.objects.filter(task=task, first_reported_at__isnull=False).count()} báo cáo")
