"""Downloads: the directive as an official document, the consolidated report, the tracking list,
and each unit's pre-filled form."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from loa.accounts import year_tree
from loa.accounts.capabilities import Capability
from loa.directives import documents
from loa.directives.access import get_assignment, get_directive, get_task, tracking_node
from loa.directives.forms import ConsolidatedExportForm
from loa.directives.selectors import tracked_assignments
from loa.directives.views_tracking import tracking_params
from loa.documents.downloads import document_response
from loa.exports.tabular import Column, export_response

TRACKING_COLUMNS = [
    Column("code", _("Unit code")),
    Column("unit", _("Unit")),
    Column("parent", _("Parent unit")),
    Column("state", _("State")),
    Column("reported", _("Reported at")),
    Column("last", _("Last sent")),
    Column("expected", _("Expected")),
    Column("page", _("Page")),
]


PAGE_GAPS = {"no_page": _("No Page yet"), "no_address": _("Page address still missing"), "": ""}


@login_required
def directive_file(request, pk, fmt):
    directive = get_directive(request.user, pk)
    return document_response(documents.directive_document(directive), fmt)


@login_required
def tracking_export(request, pk, fmt):
    task = get_task(request.user, pk)
    node = tracking_node(request.user, task, request.GET.get("unit"))
    params = tracking_params(request)
    rows = tracked_assignments(request.user, task, node, **params)
    data = (
        {
            "code": a.unit.code,
            "unit": a.unit.name,
            "parent": a.shown_parent.name if a.shown_parent else "",
            "state": a.get_state_display(),
            "reported": a.first_reported_at,
            "last": a.last_reported_at,
            "expected": a.expected,
            "page": str(PAGE_GAPS[a.page_gap]),
        }
        for a in rows.iterator(chunk_size=2000)
    )
    title = f"Theo dõi - {task.title[:60]} - {node.short_name or node.name}"
    lines = [title, year_tree.tree_line(task.year, params["tree"])]
    return export_response(fmt, title, TRACKING_COLUMNS, data, title_lines=lines)


def _consolidated_task(request, pk):
    """(task, node, tree): the consolidated report's task, its unit and the tree that chooses the
    units under it (the task's year's, or today's: `year_tree`)."""
    task = get_task(request.user, pk)
    if not task.report_form:
        raise Http404
    tree = year_tree.tree_choice(request.GET.get("tree"))
    return task, tracking_node(request.user, task, request.GET.get("unit")), tree


def _export_page(request, task, node, tree, form, status=200):
    context = {
        "task": task,
        "node": node,
        "form": form,
        "tree": tree,
        "year": task.year,
        "tree_q": "&tree=today" if tree == year_tree.TODAY else "",
    }
    return render(request, "directives/consolidated_export.html", context, status=status)


@login_required
def consolidated_export(request, pk):
    """The Word or PDF report's options: the number (or left for the clerk) and the recipients."""
    task, node, tree = _consolidated_task(request, pk)
    form = ConsolidatedExportForm(initial={"recipients": "\n".join(documents.consolidated_recipients(task.directive))})
    return _export_page(request, task, node, tree, form)


@login_required
def consolidated(request, pk, fmt):
    task, node, tree = _consolidated_task(request, pk)
    if fmt == "xlsx":
        return export_response(
            "xlsx",
            f"Báo cáo tổng hợp Trang Fanpage - {node.short_name or node.name}",
            documents.consolidated_columns(),
            documents.consolidated_rows(request.user, task, node, tree),
            sheet_title="Tổng hợp",
            title_lines=documents.consolidated_title_lines(task, node, tree),
        )
    options = {}
    if "number" in request.GET or "recipients" in request.GET:  # sent by the options page
        form = ConsolidatedExportForm(request.GET)
        if not form.is_valid():
            return _export_page(request, task, node, tree, form, status=400)
        options = {"number": form.cleaned_data["number"], "recipients": form.cleaned_data["recipients"]}
    return document_response(documents.consolidated_document(request.user, task, node, tree=tree, **options), fmt)


@login_required
def unit_form(request, pk, unit_id, fmt):
    assignment = get_assignment(request.user, pk, unit_id, Capability.VIEW)
    if fmt == "xlsx":  # the same form as a sheet, for units that fill it in Excel
        return export_response(
            "xlsx",
            f"Biểu mẫu báo cáo Trang Fanpage - {assignment.unit.short_name or assignment.unit.name}",
            documents.unit_form_columns(),
            [documents.unit_form_row(assignment)],
            sheet_title="Biểu mẫu",
            title_lines=documents.unit_form_title_lines(assignment),
        )
    return document_response(documents.unit_form_document(assignment), fmt)
