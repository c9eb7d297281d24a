"""Demo: the 2021 rubric of the seed letter for CĐVC's grassroots unions, every unit scored, two
adjustments with their reasons. The year is left unfrozen, so that the admin can try freezing it."""

from decimal import Decimal

from loa.demo.scenario import step
from loa.scoring import examples, services
from loa.scoring.engine import score_year
from loa.scoring.models import Rubric


@step(900, "the 2021 classification rubric, scores and two adjustments")
def classification(ctx):
    if Rubric.objects.filter(year=ctx.year).exists():
        return
    admin = ctx.users["admin"]
    rubric = examples.letter_2021(by=admin, unit=ctx.units["CDVC"], year=ctx.year)
    criteria = {c.code: c for c in rubric.criteria.all()}
    scored = [u for u in ctx.grassroots if u.path.startswith(ctx.units["CDVC"].path)]
    if len(scored) > 4:
        services.adjust(by=admin, rubric=rubric, unit=scored[3], criterion=criteria["L1"], points=Decimal("10"),
                        reason="Đơn vị gửi bổ sung ảnh chụp danh sách đoàn viên đã bấm Thích sau ngày khai báo; "
                               "Ban Thường vụ đã kiểm tra.")
        services.adjust(by=admin, rubric=rubric, unit=scored[4], criterion=criteria["F1"], points=Decimal("-2.5"),
                        mode="delta", reason="Báo cáo ghi sai tên Trang Fanpage, phải sửa lại sau khi được nhắc.")
    score_year(rubric)
