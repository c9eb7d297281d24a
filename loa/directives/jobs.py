"""Background job kinds of the directives app (found by loa.jobs.registry)."""

from loa.directives import services
from loa.directives.models import Directive
from loa.jobs.registry import register


@register("directives.issue", result_template="directives/issue_result.html")
def issue_directive(job, *, directive_id):
    """Issuing to a whole province or country: assignments and rollups for every recipient.

    Issuing is one transaction, so a run taken up again after its worker stopped either finds nothing
    written, or finds the directive issued by that run (it committed, then its worker stopped before
    recording the job's end) and reports it instead of refusing to issue it twice."""
    directive = Directive.objects.get(pk=directive_id)
    job.report(0, 1, "")
    if not (job.attempts > 1 and directive.status == Directive.Status.ISSUED):
        services.directive_issue(by=job.created_by, directive=directive)
    return {"directive_id": directive.pk, "directive": str(directive), "recipients": directive.recipient_rows.count()}
