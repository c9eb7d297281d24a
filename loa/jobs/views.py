from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from loa.accounts.capabilities import Capability
from loa.accounts.scope import can
from loa.jobs.models import Job
from loa.jobs.registry import get_kind


def get_job_or_404(user, pk):
    """A job is visible to whoever started it and to those who manage units over its unit."""
    job = Job.objects.select_related("unit", "created_by").filter(pk=pk).first()
    if job is None:
        raise Http404
    if job.created_by_id == user.pk:
        return job
    if job.unit is not None and can(user, Capability.MANAGE_UNITS, job.unit):
        return job
    raise Http404


@login_required
def job_detail(request, pk):
    job = get_job_or_404(request.user, pk)
    try:
        result_template = get_kind(job.kind).result_template
    except LookupError:
        result_template = ""
    context = {"job": job, "result_template": result_template, "can_commit": job.created_by_id == request.user.pk}
    template = "jobs/job_detail.html#status" if request.htmx else "jobs/job_detail.html"
    return render(request, template, context)
