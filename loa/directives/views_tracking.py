"""Completeness and timeliness of a task, drilled down the tree; the list of who has not reported."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from loa.core.paging import CappedPaginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loa.accounts.capabilities import Capability
from loa.accounts.scope import can, get_unit_or_404, path_q, top_units
from loa.directives import notices, services
from loa.directives.access import can_issue, get_assignment, get_task
from loa.directives.forms import ReturnForm
from loa.directives.models import Assignment, Rollup

STATE_FILTERS = {
    "missing": Q(expected=True, first_reported_at__isnull=True),
    "pending": services.pending_q(),
    "on_time": Q(state=Assignment.State.ON_TIME),
    "late": Q(state=Assignment.State.LATE),
    "returned": Q(state=Assignment.State.RETURNED),
    "corrected": Q(state=Assignment.State.CORRECTED),
    "reported": Q(first_reported_at__isnull=False),
}
SORTS = {
    "name": ("unit__name_sort",),
    "state": ("state", "unit__name_sort"),
    "reported": ("first_reported_at", "unit__name_sort"),
    "-reported": ("-first_reported_at", "unit__name_sort"),
}


def _node(request, task):
    """The unit the page is drilled to: asked for, or the issuer, or the user's own top unit."""
    unit_id = request.GET.get("unit")
    if unit_id:
        return get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)
    issuer = task.directive.issuing_unit
    if can(request.user, Capability.VIEW, issuer):
        return issuer
    tops = [u for u in top_units(request.user) if u.path.startswith(issuer.path)]
    if not tops:
        raise Http404
    return tops[0]


def tracked_assignments(request, task, node):
    qs = Assignment.objects.filter(task=task, unit_path__startswith=node.path).filter(
        path_q(request.user, Capability.VIEW, field="unit_path")
    )
    state = request.GET.get("state", "")
    if state in STATE_FILTERS:
        qs = qs.filter(STATE_FILTERS[state])
    q = request.GET.get("q", "").strip()
    if q:
        from loa.core.text import search_terms

        for term in search_terms(q):
            qs = qs.filter(unit__search_text__contains=term)
    sort = request.GET.get("sort", "name")
    return qs.select_related("unit", "unit__parent").order_by(*SORTS.get(sort, SORTS["name"])), state, sort, q


@login_required
def task_tracking(request, pk):
    task = get_task(request.user, pk)
    node = _node(request, task)
    totals = Rollup.objects.filter(task=task, unit=node).first()
    children = list(
        Rollup.objects.filter(task=task, parent_unit_id=node.pk, expected__gt=1).select_related("unit").order_by("unit__name_sort")
    ) if can(request.user, Capability.VIEW, node) else []
    rows, state, sort, q = tracked_assignments(request, task, node)
    page = CappedPaginator(rows, 50).get_page(request.GET.get("page"))
    trail = [u for u in node.ancestors() if can(request.user, Capability.VIEW, u) and u.path.startswith(task.directive.issuing_unit.path)]
    context = {
        "task": task, "directive": task.directive, "node": node, "totals": totals, "children": children,
        "missing": totals.expected - totals.reported if totals else 0,
        "page": page, "state": state, "sort": sort, "q": q, "trail": trail,
        "can_issue": can_issue(request.user, task.directive),
    }
    if request.htmx and request.htmx.target == "assignments":
        return render(request, "directives/task_tracking.html#assignments", context)
    return render(request, "directives/task_tracking.html", context)


@login_required
def assignment_detail(request, pk, unit_id):
    """One unit's report for a task, with every version; the province returns it from here."""
    assignment = get_assignment(request.user, pk, unit_id, Capability.VIEW)
    report = getattr(assignment, "report", None)
    return render(request, "directives/assignment_detail.html", {
        "assignment": assignment, "task": assignment.task, "report": report,
        "versions": report.versions.select_related("submitted_by") if report else [],
        "can_issue": can_issue(request.user, assignment.task.directive),
        "can_report": can(request.user, Capability.REPORT_FOR_UNIT, assignment.unit),
        "return_form": ReturnForm(),
    })


@login_required
@require_POST
def assignment_return(request, pk, unit_id):
    assignment = get_assignment(request.user, pk, unit_id, Capability.ISSUE_DIRECTIVES)
    form = ReturnForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        services.report_return(by=request.user, assignment=assignment, reason=reason)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        notices.report_returned(assignment=assignment, reason=reason)
        messages.success(request, _("The report was returned to %(unit)s with your reason.") % {"unit": assignment.unit.name})
    return redirect("directives:assignment", pk, unit_id)
