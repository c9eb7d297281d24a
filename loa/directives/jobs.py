"""Background job kinds of the directives app (found by loa.jobs.registry)."""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from loa.directives import imports, notices
from loa.directives.models import Directive, ReturnedFormBatch
from loa.jobs.imports import RESULT_TEMPLATE, import_result
from loa.jobs.registry import register

READ_FORMS = "directives.read_forms"


@register("directives.issue", result_template="directives/issue_result.html")
def issue_directive(job, *, directive_id):
    """Issuing to a whole province or country: assignments and rollups for every recipient.

    Issuing is one transaction, so a run taken up again after its worker stopped either finds nothing
    written, or finds the directive issued by that run (it committed, then its worker stopped before
    recording the job's end) and reports it instead of refusing to issue it twice."""
    directive = Directive.objects.get(pk=directive_id)
    job.report(0, 1, "")
    if job.attempts > 1 and directive.status == Directive.Status.ISSUED:
        queued = notices.notify_issued(directive)  # queues only what the first run had not (dedupe keys)
    else:
        directive, queued = notices.issue_and_notify(by=job.created_by, directive=directive)
    return {
        "directive_id": directive.pk,
        "directive": str(directive),
        "recipients": directive.recipient_rows.count(),
        "messages": queued,
    }


@register(READ_FORMS, result_template=RESULT_TEMPLATE)
def read_forms(job, *, batch, language="vi"):
    """Read the returned forms of a big upload, each in the sandbox. Safe to run again: only the files
    not read yet are read."""
    with translation.override(language):
        batch = ReturnedFormBatch.objects.select_related("task__directive").get(pk=batch)
        count = imports.read_files(batch, report=lambda done, total: job.report(done, total, _("Reading the files…")))
        return import_result(
            filename="",
            summary=_("%(n)s files read: check each one in the preview, then record them.") % {"n": count},
            back=reverse("directives:import_batch", args=[batch.task_id, batch.pk]),
            link_text=_("Open the preview"),
        )
