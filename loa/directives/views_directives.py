"""Directive pages: list, draft, recipients, tasks, attachments, issue."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from loa.accounts.capabilities import Capability
from loa.accounts.scope import can_anywhere, get_unit_or_404, role_paths
from loa.core.forms import add_service_errors, flash_errors
from loa.core.version_forms import conflict_status
from loa.directives import notices, services
from loa.directives.access import can_issue, get_directive, get_task, visible_directives
from loa.directives.files import attachment_response
from loa.directives.forms import AttachmentForm, DirectiveForm, RecipientsForm, TaskForm
from loa.directives.models import Attachment
from loa.directives.selectors import tasks_with_figures
from loa.jobs.services import enqueue
from loa.units.models import Unit


@login_required
def directive_list(request):
    qs = (
        visible_directives(request.user)
        .select_related("issuing_unit")
        .annotate(task_count=Count("tasks", distinct=True))
        .order_by("-issued_on", "-id")
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(summary__icontains=q))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "directives/directive_list.html",
        {
            "page": page,
            "q": q,
            "can_create": can_anywhere(request.user, Capability.ISSUE_DIRECTIVES),
        },
    )


def _issuing_units(user):
    """Units where the user may issue: their role units (not every unit below them)."""
    paths = role_paths(user, Capability.ISSUE_DIRECTIVES)
    if "/" in paths:
        return Unit.objects.filter(Q(parent__isnull=True) | Q(parent__parent__isnull=True)).exclude(
            kind__is_grassroots=True
        )
    return Unit.objects.filter(path__in=paths)


@login_required
def directive_create(request):
    if not can_anywhere(request.user, Capability.ISSUE_DIRECTIVES):
        raise Http404
    issuers = list(_issuing_units(request.user).vi_ordered())
    form = DirectiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        issuer = get_unit_or_404(request.user, Capability.ISSUE_DIRECTIVES, pk=request.POST.get("issuing_unit") or 0)
        try:
            directive = services.directive_create(by=request.user, issuing_unit=issuer, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Draft saved. Now choose the recipients and add the tasks."))
            return redirect("directives:detail", directive.pk)
    return render(request, "directives/directive_form.html", {"form": form, "issuers": issuers, "directive": None})


@login_required
def directive_edit(request, pk):
    directive = get_directive(request.user, pk, Capability.ISSUE_DIRECTIVES)
    form = DirectiveForm(request.POST or None, instance=directive)
    if request.method == "POST" and form.is_valid():
        try:
            services.directive_update(
                by=request.user, directive=directive, expected_version=form.expected_version, **form.edited_values()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Directive saved."))
            return redirect("directives:detail", directive.pk)
    if form.is_bound:
        directive.refresh_from_db()  # the form wrote into it while validating
    return render(
        request, "directives/directive_form.html", {"form": form, "directive": directive}, status=conflict_status(form)
    )


@login_required
def directive_detail(request, pk):
    directive = get_directive(request.user, pk)
    # The issuer's totals to those who may see them; a recipient sees its own unit's.
    tasks = tasks_with_figures(request.user, list(directive.tasks.select_related("directive__issuing_unit")))
    return render(
        request,
        "directives/directive_detail.html",
        {
            "directive": directive,
            "tasks": tasks,
            "attachments": directive.attachments.all(),
            "recipient_count": directive.recipient_rows.count(),
            "can_issue": can_issue(request.user, directive),
            "attachment_form": AttachmentForm(),
        },
    )


@login_required
def directive_recipients(request, pk):
    directive = get_directive(request.user, pk, Capability.ISSUE_DIRECTIVES)
    form = RecipientsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        units = services.choose_recipients(
            user=request.user,
            directive=directive,
            mode=data["mode"],
            kind=data.get("kind"),
            unit_ids=data.get("unit_ids", ()),
            active_only=data.get("active_only", False),
        )
        try:
            services.directive_set_recipients(by=request.user, directive=directive, units=list(units))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(n)s recipients chosen.") % {"n": directive.recipient_rows.count()})
            return redirect("directives:detail", directive.pk)
    chosen = directive.recipients.select_related("kind", "parent").vi_ordered()
    q = request.GET.get("q", "").strip()
    candidates = Unit.objects.none()
    if q:
        candidates = (
            Unit.objects.filter(path__startswith=directive.issuing_unit.path)
            .exclude(pk=directive.issuing_unit_id)
            .search(q)
            .select_related("kind", "parent")
            .vi_ordered()[:50]
        )
    context = {
        "directive": directive,
        "form": form,
        "chosen": chosen[:500],
        "chosen_count": chosen.count(),
        "candidates": candidates,
        "q": q,
    }
    if request.htmx and request.GET.get("q") is not None:
        return render(request, "directives/directive_recipients.html#candidates", context)
    return render(request, "directives/directive_recipients.html", context)


@login_required
def task_create(request, pk):
    directive = get_directive(request.user, pk, Capability.ISSUE_DIRECTIVES)
    form = TaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_add(by=request.user, directive=directive, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Task added."))
            return redirect("directives:detail", directive.pk)
    return render(request, "directives/task_form.html", {"form": form, "directive": directive, "task": None})


@login_required
def task_edit(request, pk):
    task = get_task(request.user, pk, Capability.ISSUE_DIRECTIVES)
    form = TaskForm(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_update(
                by=request.user, task=task, expected_version=form.expected_version, **form.edited_values()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Task saved."))
            return redirect("directives:detail", task.directive_id)
    return render(
        request,
        "directives/task_form.html",
        {"form": form, "directive": task.directive, "task": task},
        status=conflict_status(form),
    )


@login_required
def directive_issue(request, pk):
    """GET: what issuing will do and send (a confirmation). POST: issue, and queue the notices."""
    directive = get_directive(request.user, pk, Capability.ISSUE_DIRECTIVES)
    try:
        recipients = services.check_issuable(directive)
    except ValidationError as exc:
        flash_errors(request, exc)  # a second tap after issuing lands here too: nothing is sent twice
        return redirect("directives:detail", directive.pk)
    if request.method != "POST":
        return render(
            request,
            "directives/issue_confirm.html",
            {
                "directive": directive,
                "recipients": recipients,
                "plan": notices.issue_preview(directive),
                "tasks": directive.tasks.order_by("deadline", "pk"),
                "in_background": recipients > settings.ISSUE_INLINE_MAX_RECIPIENTS,
            },
        )
    if recipients > settings.ISSUE_INLINE_MAX_RECIPIENTS:
        job = enqueue("directives.issue", by=request.user, unit=directive.issuing_unit, directive_id=directive.pk)
        return redirect("jobs:detail", job.pk)
    try:
        _directive, queued = notices.issue_and_notify(by=request.user, directive=directive)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(
            request,
            ngettext(
                "The directive has been issued. Units can now report. %(n)s message was queued for their officers.",
                "The directive has been issued. Units can now report. %(n)s messages were queued for their officers.",
                queued,
            )
            % {"n": queued},
        )
    return redirect("directives:detail", directive.pk)


@login_required
@require_POST
def attachment_upload(request, pk):
    directive = get_directive(request.user, pk, Capability.ISSUE_DIRECTIVES)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return redirect("directives:detail", directive.pk)
    try:
        services.attachment_add(by=request.user, directive=directive, upload=form.cleaned_data["file"])
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("directives:detail", directive.pk)
    messages.success(request, _("File attached."))
    return redirect("directives:detail", directive.pk)


@login_required
def attachment_download(request, pk, attachment_id):
    directive = get_directive(request.user, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_id, directive=directive)
    return attachment_response(request, attachment)
