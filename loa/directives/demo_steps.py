"""Demo: the Cao Bằng Fanpage letter issued by CĐVC to its CĐCS, once for each year of the demo's
calendar (`loa.demo.calendar`), with the reports that year holds:

- this year (live): issued a few days ago, due in a week; some units have reported, one was returned
  and corrected, one was returned and waits for its correction (canbo2), most have not yet, canbo1's
  among them;
- last year (live): every report in, most on time, some late, one returned and corrected;
- 2021 (`demo --year 2021`): most on time, some late, some missing, one returned and corrected, one
  returned and waiting.
"""

import random
from datetime import timedelta

from django.db.models import Min
from django.utils import timezone

from loa.directives import services
from loa.directives.models import Assignment, Directive, Report, ReportForm
from loa.documents.model import BULLET
from loa.documents.samples import seed_letter

NUMBER = "45/CĐVC"
WAITING = "CDVC-01"  # canbo1 finds the report due on their home page
RETURNED_OPEN = "CDVC-02"  # canbo2 finds the province's reason and corrects
RETURN_REASON = "Tên Trang chưa ghi đúng như trên Facebook; đề nghị ghi đủ “Công đoàn cơ sở …”."
SECOND_ADMIN_REASON = "Thiếu số điện thoại của người quản trị thứ hai."


def _body(cycle):
    """The seed letter's text, with the cycle's deadline, notice and year in place of 2021's."""
    lines = []
    for p in seed_letter().paragraphs:
        text = (
            p.text.replace("trước ngày 30/4/2021", f"trước {cycle.deadline_words}")
            .replace("ngày 22/02/2021", f"ngày {cycle.notice_on:%d/%m/%Y}")
            .replace("năm 2021", f"năm {cycle.year}")
        )
        lines.append(f"- {text}" if p.kind == BULLET else text)
    return "\n".join(lines)


def _page(unit):
    return {
        "name": unit.name,
        "url": f"facebook.com/{unit.code.lower().replace('-', '.')}.caobang",
        "admin_name": unit.contact_name or "Nông Văn Quản",
        "admin_phone": unit.phone or "0912 345 678",
        "note": "",
    }


def fanpage_letter(ctx):
    for cycle in ctx.calendar.cycles:
        _letter(ctx, cycle)
    # For the fanpages step: a Page is registered since its unit's first Fanpage report.
    ctx.extra["fanpage_first_reports"] = dict(
        Assignment.objects.filter(task__report_form=ReportForm.FANPAGE, first_reported_at__isnull=False)
        .values("unit_id")
        .annotate(first=Min("first_reported_at"))
        .values_list("unit_id", "first")
    )


def _letter(ctx, cycle):
    _at = ctx.calendar.at
    admin, issuer = ctx.users["admin"], ctx.units["CDVC"]
    if Directive.objects.filter(number=cycle.number, issuing_unit=issuer).exists():
        return
    directive = services.directive_create(
        by=admin,
        issuing_unit=issuer,
        number=cycle.number,
        kind="CV",
        issued_on=cycle.issued_on,
        place="Cao Bằng",
        summary="V/v đẩy mạnh công tác truyền thông của tổ chức Công đoàn Cao Bằng trên các kênh thông tin",
        superior_body="LĐLĐ TỈNH CAO BẰNG",
        salutation="Công đoàn cơ sở trực thuộc",
        body=_body(cycle),
        distribution="Như kính gửi;\nLưu: CĐVC.",
        signer_capacity="TM. BAN THƯỜNG VỤ",
        signer_title="CHỦ TỊCH",
        signer_name="Ngọc Văn Phán",
    )
    services.directive_set_recipients(by=admin, directive=directive, units=list(services.recipients_under(issuer)))
    task = services.task_add(
        by=admin,
        directive=directive,
        title="Báo cáo kết quả thành lập Trang Fanpage Công đoàn cơ sở",
        description="Báo cáo số liệu, tên cụ thể của Trang Fanpage do CĐCS thành lập (theo biểu mẫu gửi kèm).",
        deadline=cycle.deadline,
        report_form=ReportForm.FANPAGE,
        remind_days_before=cycle.remind_days_before,
    )
    services.directive_issue(by=admin, directive=directive)
    Directive.objects.filter(pk=directive.pk).update(issued_at=_at(cycle.issued_on, 8, 30))

    officers = {
        role_unit: user
        for user in ctx.users.values()
        for role_unit in user.roles.filter(role="officer").values_list("unit__code", flat=True)
    }
    assignments = list(
        Assignment.objects.filter(task=task, expected=True).select_related("unit").order_by("unit__code")
    )
    if cycle.live:
        _reports_this_week(ctx, cycle, task, assignments, officers)
    elif cycle.complete:
        _reports_all_in(ctx, cycle, task, assignments, officers)
    else:
        _reports_2021(ctx, cycle, task, assignments, officers)
    reported = Assignment.objects.filter(task=task, first_reported_at__isnull=False).count()
    ctx.log(f"  {directive}: {len(assignments)} CĐCS, {reported} báo cáo")


def _submit(officers, admin, assignment, at, **extra):
    by = officers.get(assignment.unit.code, admin)
    services.report_submit(by=by, assignment=assignment, data={**_page(assignment.unit), **extra}, source="web", at=at)


def _return(admin, assignment, reason, at):
    """Return a report, dated `at` (the service stamps the moment it runs)."""
    services.report_return(by=admin, assignment=assignment, reason=reason)
    Report.objects.filter(assignment=assignment).update(returned_at=at)


def _reports_2021(ctx, cycle, task, assignments, officers):
    """The 2021 replay, as the demo always built it (the same generator, the same draws)."""
    _at = ctx.calendar.at
    admin, rng, deadline = ctx.users["admin"], ctx.rng, cycle.deadline
    for a in assignments:
        code = a.unit.code
        roll = rng.random()
        if code == WAITING or (code != RETURNED_OPEN and roll < 0.14):
            continue  # missing
        if code == RETURNED_OPEN or roll < 0.82:
            at = _at(cycle.issued_on + timedelta(days=rng.randint(1, 23)), rng.randint(7, 21), rng.randint(0, 59))
        else:
            at = _at(deadline.date() + timedelta(days=rng.randint(1, 20)), rng.randint(7, 17), rng.randint(0, 59))
        _submit(officers, admin, a, at)
    reported = list(Assignment.objects.filter(task=task, state="on_time").select_related("unit").order_by("unit__code"))
    for a in reported:
        if a.unit.code == RETURNED_OPEN:
            services.report_return(by=admin, assignment=a, reason=RETURN_REASON)
    corrected = next(a for a in reported if a.unit.code != RETURNED_OPEN)
    services.report_return(by=admin, assignment=corrected, reason=SECOND_ADMIN_REASON)
    _submit(
        officers,
        admin,
        corrected,
        _at(deadline.date() + timedelta(days=2), 9, 15),
        note="Bổ sung quản trị viên thứ hai",
    )


def _reports_all_in(ctx, cycle, task, assignments, officers):
    """Last year: every unit reported, most within the three and a half weeks, some up to three weeks
    late; one report was returned and corrected before the deadline."""
    _at = ctx.calendar.at
    admin, rng = ctx.users["admin"], random.Random(cycle.seed)
    last_on_time = cycle.last_report_day
    window = (last_on_time - cycle.issued_on).days
    for a in assignments:
        if rng.random() < 0.8:
            day = cycle.issued_on + timedelta(days=rng.randint(1, window))
        else:
            day = last_on_time + timedelta(days=rng.randint(1, 21))
        _submit(officers, admin, a, _at(day, rng.randint(7, 21), rng.randint(0, 59)))
    first = (
        Assignment.objects.filter(task=task, state="on_time")
        .select_related("unit")
        .order_by("first_reported_at")
        .first()
    )
    if first is not None:
        day = timezone.localdate(first.first_reported_at)
        _return(admin, first, SECOND_ADMIN_REASON, _at(day + timedelta(days=1), 10, 5))
        _submit(officers, admin, first, _at(day + timedelta(days=2), 9, 15), note="Bổ sung quản trị viên thứ hai")


def _reports_this_week(ctx, cycle, task, assignments, officers):
    """This year: the letter went out `ISSUED_DAYS_AGO` days ago. About a third of the units have
    reported (all on time: the deadline is ahead); canbo2's report was returned and waits for its
    correction, another was returned and corrected; canbo1's unit has not reported yet."""
    _at = ctx.calendar.at
    admin, rng = ctx.users["admin"], random.Random(cycle.seed)
    issued, yesterday = cycle.issued_on, cycle.last_day
    days = (yesterday - issued).days  # the report days: the issue day to yesterday
    corrected = None
    for a in assignments:
        code = a.unit.code
        roll = rng.random()
        if code == WAITING:
            continue
        if code == RETURNED_OPEN or (corrected is None and roll < 0.5):
            day = issued + timedelta(days=min(1, days))
            _submit(officers, admin, a, _at(day, 14, rng.randint(0, 59)))
            if code == RETURNED_OPEN:
                _return(admin, a, RETURN_REASON, _at(min(day + timedelta(days=1), yesterday), 9, 40))
            else:
                corrected = a
            continue
        if roll < 0.3:
            day = issued + timedelta(days=rng.randint(0, days))
            hour = rng.randint(10, 21) if day == issued else rng.randint(7, 21)  # after the 8:30 issue
            _submit(officers, admin, a, _at(day, hour, rng.randint(0, 59)))
    if corrected is not None:
        day = issued + timedelta(days=min(1, days))
        _return(admin, corrected, SECOND_ADMIN_REASON, _at(min(day + timedelta(days=1), yesterday), 10, 5))
        _submit(
            officers,
            admin,
            corrected,
            _at(min(day + timedelta(days=2), yesterday), 16, 20),
            note="Bổ sung quản trị viên thứ hai",
        )


# (order, name, step): read by `loa.demo.scenario.discover`; this module imports nothing of the demo's.
STEPS = [(400, "the Fanpage letter and its reports, for each year of the demo", fanpage_letter)]
