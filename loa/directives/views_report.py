"""The officer's side: the report form on a phone, the receipt, and one-tap links."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from loa.accounts import session_scope
from loa.accounts.capabilities import Capability
from loa.core.forms import add_service_errors
from loa.core.phones import display_phone, display_phones
from loa.directives import onetap, services
from loa.directives.access import get_assignment
from loa.directives.forms import FanpageReportForm, SimpleReportForm
from loa.directives.models import ReportForm
from loa.fanpages import selectors as page_register
from loa.fanpages.services import page_is_correctable


def _initial(request, assignment):
    """Pre-fill with what Loa already knows: the last report, else the register, else the officer."""
    report = getattr(assignment, "report", None)
    if report and report.data:
        data = dict(report.data)
    else:
        page = page_register.page_of(assignment.unit)
        if page:
            data = page.report_data()
        else:
            data = {
                "name": assignment.unit.name,
                "admin_name": request.user.display_name(),
                "admin_phone": request.user.phone,
            }
    if data.get("admin_phone"):
        # Shown as people write them; the form has one phone box, as the paper form has one column.
        data["admin_phone"] = display_phones(
            "; ".join(filter(None, [data["admin_phone"], data.pop("other_phones", "")]))
        )
    return data


@login_required
def report_form(request, pk, unit_id):
    assignment = get_assignment(request.user, pk, unit_id, Capability.REPORT_FOR_UNIT)
    task = assignment.task
    form_class = _form_class(task)
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "replace_page"}
            try:
                receipt = services.report_submit(
                    by=request.user,
                    assignment=assignment,
                    data=data,
                    source="link" if session_scope.onetap_scope(request) else "web",
                    replace_page=form.cleaned_data.get("replace_page", False),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if receipt.duplicate:
                    messages.info(request, _("This report had already been received; nothing was sent twice."))
                return redirect("directives:receipt", pk, unit_id)
    else:
        form = form_class(initial=_initial(request, assignment))
    report = getattr(assignment, "report", None)
    page = page_register.page_of(assignment.unit) if form_class is FanpageReportForm else None
    return render(
        request,
        "directives/report_form.html",
        {
            "form": form,
            "assignment": assignment,
            "task": task,
            "report": report,
            # A Page just reported is corrected by typing its address again; one with history is replaced
            # only on purpose (the checkbox).
            "page_locked": page is not None and not page_is_correctable(page),
        },
    )


def _form_class(task):
    return FanpageReportForm if task.report_form == ReportForm.FANPAGE else SimpleReportForm


def _saved_values(task, report):
    """The report's values as stored, each with its form label: the receipt echoes what Loa kept
    (the address as normalised, the phones in the form they were saved in)."""
    values = []
    no_page = report.data.get("no_page")
    for name, field in _form_class(task).base_fields.items():
        if no_page and name != "note":
            continue  # the receipt says "no Page yet" above; only the note, saying why, was kept
        if name in report.data:
            value = report.data[name]
            if name == "admin_phone":  # the main number, then the others the cell held
                value = "; ".join(filter(None, [value, report.data.get("other_phones", "")]))
            phones = [p.strip() for p in value.split(";") if p.strip()] if name == "admin_phone" else []
            values.append(
                {"name": name, "label": field.label, "value": value, "phones": [(p, display_phone(p)) for p in phones]}
            )
    return values


@login_required
def report_receipt(request, pk, unit_id):
    assignment = get_assignment(request.user, pk, unit_id, Capability.REPORT_FOR_UNIT)
    report = getattr(assignment, "report", None)
    if report is None:
        return redirect("directives:report", pk, unit_id)
    return render(
        request,
        "directives/report_receipt.html",
        {
            "assignment": assignment,
            "task": assignment.task,
            "report": report,
            "saved": _saved_values(assignment.task, report),
        },
    )


def onetap_open(request, token):
    """GET shows who the link is for and submits itself; POST uses the link (link previews in
    chat apps fetch with GET, and must not burn a single-use link)."""
    try:
        link = onetap.peek(token) if request.method == "GET" else onetap.consume(token)
    except onetap.LinkProblem as problem:
        target = None
        if problem.link is not None:
            a = problem.link.assignment
            target = reverse("directives:report", args=[a.task_id, a.unit_id])
        if target and request.user.is_authenticated and request.user.pk == problem.link.user_id:
            return redirect(target)
        return render(
            request,
            "directives/onetap_problem.html",
            {"reason": problem.reason, "target": target},
            status=410 if problem.reason != "tampered" else 400,
        )
    a = link.assignment
    target = reverse("directives:report", args=[a.task_id, a.unit_id])
    if request.method == "GET":
        return render(request, "directives/onetap_open.html", {"link": link, "assignment": a})
    if request.user.pk == link.user_id and session_scope.is_full(request):
        return redirect(target)  # already signed in with the password: keep that session
    # Signed in for this unit's report only, for a few hours (loa.accounts.session_scope).
    login(request, link.user, backend="django.contrib.auth.backends.ModelBackend")
    session_scope.start_onetap(request, task_id=a.task_id, unit_id=a.unit_id)
    return redirect(target)
