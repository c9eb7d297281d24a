"""Demo: the seed letter's rubric for CĐVC's grassroots unions, for each year of the demo's calendar,
every unit scored. The year that holds the history (last year, or 2021 with `demo --year 2021`) has
two adjustments with their reasons; last year is frozen, this year's scores run on. The 2021 replay
leaves its year unfrozen, so that the admin can try freezing it."""

from datetime import date
from decimal import Decimal

from loa.scoring import examples, services
from loa.scoring.engine import score_year
from loa.scoring.models import Rubric, Score


def classification(ctx):
    for cycle in ctx.calendar.cycles:
        _year(ctx, cycle)


def _year(ctx, cycle):
    at = ctx.calendar.at
    if Rubric.objects.filter(year=cycle.year).exists():
        return
    admin = ctx.users["admin"]
    deadline = cycle.deadline_words.removeprefix("ngày ")  # "(trước 30/4/2021)", as the 2021 rubric says it
    # This year's rubric weighs the official information shared too (loa/sharing's demo, which lives
    # in the present: past years have no items to share).
    sharing = cycle.year == ctx.calendar.today.year
    rubric = examples.letter_2021(by=admin, unit=ctx.units["CDVC"], year=cycle.year, deadline=deadline, sharing=sharing)
    criteria = {c.code: c for c in rubric.criteria.all()}
    scored = [u for u in ctx.grassroots if u.path.startswith(ctx.units["CDVC"].path)]
    if cycle.adjusted and len(scored) > 4:
        services.adjust(
            by=admin,
            rubric=rubric,
            unit=scored[3],
            criterion=criteria["L1"],
            points=Decimal(10),
            reason="Đơn vị gửi bổ sung ảnh chụp danh sách đoàn viên đã bấm Thích sau ngày khai báo; "
            "Ban Thường vụ đã kiểm tra.",
        )
        services.adjust(
            by=admin,
            rubric=rubric,
            unit=scored[4],
            criterion=criteria["F1"],
            points=Decimal("-2.5"),
            mode="delta",
            reason="Báo cáo ghi sai tên Trang Fanpage, phải sửa lại sau khi được nhắc.",
        )
    if cycle.frozen:
        services.freeze(by=admin, rubric=rubric, today=ctx.calendar.today)
        # Frozen in mid-January, when the year's last pieces are decided (or yesterday, early in January).
        frozen_on = min(date(cycle.year + 1, 1, 15), ctx.calendar.yesterday)
        Rubric.objects.filter(pk=rubric.pk).update(frozen_at=at(frozen_on, 16), computed_at=at(frozen_on, 16))
        Score.objects.filter(rubric=rubric).update(computed_at=at(frozen_on, 16))
    else:
        score_year(rubric, today=ctx.calendar.today)


# (order, name, step): read by `loa.demo.scenario.discover`; this module imports nothing of the demo's.
STEPS = [(900, "the classification rubric of each year, scores, two adjustments, last year frozen", classification)]
