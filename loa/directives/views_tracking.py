"""Completeness and timeliness of a task, drilled down the tree; the list of who has not reported."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from loa.accounts import year_tree
from loa.accounts.capabilities import Capability
from loa.accounts.scope import can
from loa.core.forms import flash_errors
from loa.core.paging import CappedPaginator
from loa.directives import notices, reminders, services
from loa.directives.access import can_issue, get_assignment, get_task, tracking_node
from loa.directives.forms import ReturnForm
from loa.directives.selectors import STATE_FILTERS, parents_then, task_figures, tracked_assignments


def tracking_params(request):
    """The list's state, search, sort and tree (the task's year's, or today's: `year_tree`) from the
    query string, as the page and its export read them."""
    state = request.GET.get("state", "")
    return {
        "state": state if state in STATE_FILTERS else "",
        "q": request.GET.get("q", "").strip(),
        "sort": request.GET.get("sort", "name"),
        "tree": year_tree.tree_choice(request.GET.get("tree")),
    }


@login_required
def task_tracking(request, pk):
    task = get_task(request.user, pk)
    node = tracking_node(request.user, task, request.GET.get("unit"))
    params = tracking_params(request)
    totals, children = task_figures(request.user, task, node, params["tree"])
    rows = tracked_assignments(request.user, task, node, **params, parents=False)
    page = CappedPaginator(rows, 50).get_page(request.GET.get("page"))
    reminders.reminder_rows(task, page.object_list)
    parents_then(page.object_list, task, params["tree"])
    sees_all = can(request.user, Capability.VIEW, task.directive.issuing_unit)
    for a in page.object_list:  # the "address still missing" badge opens the form to add it
        a.may_add_address = a.page_gap == "no_address" and can(request.user, Capability.REPORT_FOR_UNIT, a.unit)
        # A unit listed by a past year's tree only (it has left the user's units since) opens no report.
        a.may_open = sees_all or can(request.user, Capability.VIEW, a.unit)
    trail = [
        u
        for u in node.ancestors()
        if can(request.user, Capability.VIEW, u) and u.path.startswith(task.directive.issuing_unit.path)
    ]
    context = {
        "task": task,
        "directive": task.directive,
        "node": node,
        "totals": totals,
        "children": children,
        "page": page,
        **params,
        "trail": trail,
        "missing": totals.expected - totals.reported if totals else 0,
        "can_issue": can_issue(request.user, task.directive),
        "year": task.year,
        # Kept in the page's own links (year_tree): the switch's choice of tree.
        "tree_q": "&tree=today" if params["tree"] == year_tree.TODAY else "",
    }
    if request.htmx and request.htmx.target == "assignments":
        return render(request, "directives/task_tracking.html#assignments", context)
    return render(request, "directives/task_tracking.html", context)


@login_required
def assignment_detail(request, pk, unit_id):
    """One unit's report for a task, with every version; the province returns it from here."""
    assignment = get_assignment(request.user, pk, unit_id, Capability.VIEW)
    report = getattr(assignment, "report", None)
    reminders.reminder_rows(assignment.task, [assignment])
    return render(
        request,
        "directives/assignment_detail.html",
        {
            "assignment": assignment,
            "task": assignment.task,
            "report": report,
            "versions": report.versions.select_related("submitted_by") if report else [],
            "can_issue": can_issue(request.user, assignment.task.directive),
            "can_report": can(request.user, Capability.REPORT_FOR_UNIT, assignment.unit),
            "return_form": ReturnForm(),
        },
    )


@login_required
@require_POST
def assignment_return(request, pk, unit_id):
    assignment = get_assignment(request.user, pk, unit_id, Capability.ISSUE_DIRECTIVES)
    form = ReturnForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        services.report_return(by=request.user, assignment=assignment, reason=reason)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        notices.report_returned(assignment=assignment, reason=reason)
        messages.success(
            request, _("The report was returned to %(unit)s with your reason.") % {"unit": assignment.unit.name}
        )
    return redirect("directives:assignment", pk, unit_id)


@login_required
def task_remind(request, pk):
    """ "Nhắc ngay": GET shows who would be reminded and with what; POST queues it. Units reminded
    today (by the schedule or an earlier press) are not reminded again."""
    task = get_task(request.user, pk, Capability.ISSUE_DIRECTIVES)
    node = tracking_node(request.user, task, request.GET.get("unit") or request.POST.get("unit"))
    back = f"{reverse('directives:tracking', args=[task.pk])}?unit={node.pk}"
    if request.method == "POST":
        units, queued = reminders.remind_now(by=request.user, task=task, node=node)
        if units:
            messages.success(
                request,
                ngettext(
                    "%(units)s unit reminded: %(n)s message queued.",
                    "%(units)s units reminded: %(n)s messages queued.",
                    units,
                )
                % {"units": units, "n": queued},
            )
        else:
            messages.info(request, _("Nobody to remind: every unit that has not reported was already reminded today."))
        return redirect(back)
    plan = reminders.remind_now_preview(user=request.user, task=task, node=node)
    return render(
        request,
        "directives/task_remind.html",
        {
            "task": task,
            "directive": task.directive,
            "node": node,
            "plan": plan,
            "back": back,
        },
    )
