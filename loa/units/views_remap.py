"""The staff pages of a restructuring from a mapping table: upload the file → its check, a background
job (the page follows its progress) → its plan (the dry run, or its problems row by row) → apply, a
background job too, all or nothing. The list and each restructuring stay readable later, with the
audit entries it wrote. Only people who manage units see them: anyone else, and a restructuring
another person uploaded (unless one manages the whole tree), answers 404."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loa.accounts.capabilities import Capability
from loa.accounts.scope import can_anywhere, manages_whole_tree
from loa.audit.labels import action_label
from loa.units import remap
from loa.units.models import Restructuring


def restructurings_for(user):
    if not can_anywhere(user, Capability.MANAGE_UNITS):
        raise Http404
    if manages_whole_tree(user):
        return Restructuring.objects.all()
    return Restructuring.objects.filter(created_by=user)


def restructuring_or_404(user, pk):
    """Fetch a restructuring and authorise in one step: one out of reach does not exist."""
    try:
        return restructurings_for(user).select_related("created_by", "applied_by", "check_job", "apply_job").get(pk=pk)
    except Restructuring.DoesNotExist:
        raise Http404 from None


@login_required
def restructuring_list(request):
    records = restructurings_for(request.user)
    errors = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("Choose a file to import.")]
        else:
            try:
                record = remap.restructuring_upload(by=request.user, upload=upload, file_name=upload.name or "")
            except ValidationError as exc:
                errors = exc.messages
            else:
                return redirect("units:restructuring", record.pk)
    context = {
        "records": records.select_related("created_by", "check_job", "apply_job")[:100],
        "errors": errors,
        "columns": [label for _name, label in remap.COLUMNS.choices()],
        "max_mb": round(settings.UPLOAD_MAX_BYTES / 1048576),
    }
    return render(request, "units/restructuring_list.html", context, status=400 if errors else 200)


@login_required
def restructuring_detail(request, pk):
    """The restructuring; while its check or apply job works, its status part asks for itself again
    (HTMX), as the job page does, and the whole page is reloaded once the job ended."""
    record = restructuring_or_404(request.user, pk)
    status = record.current_status
    job = record.job
    busy = status in Restructuring.BUSY
    entries = remap.restructuring_entries(record) if status == Restructuring.Status.APPLIED else []
    context = {
        "record": record,
        "status": status,
        "status_label": Restructuring.Status(status).label,
        "job": job,
        "busy": busy,
        "every": job.poll_seconds() if busy and job is not None else None,
        "entries": [(e, action_label(e.action)) for e in entries[:2000]],
        "can_apply": status in remap.APPLICABLE and bool(record.rows) and record.created_by_id == request.user.pk,
    }
    if request.htmx:
        response = render(request, "units/restructuring_detail.html#status", context)
        if not busy:
            response["HX-Refresh"] = "true"  # the plan, the problems or the audit entries are there now
        return response
    return render(request, "units/restructuring_detail.html", context)


@login_required
@require_POST
def restructuring_apply(request, pk):
    record = restructuring_or_404(request.user, pk)
    if record.created_by_id != request.user.pk:
        raise Http404
    try:
        record = remap.restructuring_apply_start(by=request.user, restructuring=record)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if record.status == Restructuring.Status.APPLIED:
            messages.success(request, _("The restructuring was applied."))
    return redirect("units:restructuring", record.pk)
