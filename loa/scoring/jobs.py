"""Background job kinds of the classification (found by loa.jobs.registry)."""

from django.utils.translation import gettext as _

from loa.jobs.registry import register
from loa.scoring.engine import score_year
from loa.scoring.models import Rubric


@register("scoring.score_year")
def run_score_year(job, *, year):
    rubric = Rubric.objects.get(year=year)
    count = score_year(rubric, progress=lambda done, total: job.report(done, total, _("Scoring the units…")))
    return {"year": year, "units": count}
