"""Import of returned forms: upload many files for a task, preview each, record what is accepted."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from loa.accounts.capabilities import Capability
from loa.directives import imports, ocr_review
from loa.directives.access import get_task
from loa.directives.files import returned_form_response
from loa.directives.jobs import READ_FORMS
from loa.directives.models import Directive, ReportForm, ReturnedFormBatch, ReturnedFormFile
from loa.jobs.services import enqueue

# Above this many recipients a select of them all is too long: the admin types the unit's code.
FULL_SELECT_LIMIT = 500
LOCKED = (ReturnedFormFile.Outcome.RECORDED, ReturnedFormFile.Outcome.DUPLICATE)


class ArrivalField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class UploadForm(forms.Form):
    arrived_at = ArrivalField(
        label=gettext_lazy("E-mails arrived at"),
        required=False,
        help_text=gettext_lazy("Leave empty to use the upload time; you can set each file's time in the preview."),
    )


def _import_task(request, pk):
    task = get_task(request.user, pk, Capability.ISSUE_DIRECTIVES)
    if task.report_form != ReportForm.FANPAGE or task.directive.status != Directive.Status.ISSUED:
        raise Http404
    return task


@login_required
def import_start(request, pk):
    task = _import_task(request, pk)
    form = UploadForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        uploads = request.FILES.getlist("files")
        try:
            batch = imports.batch_create(
                by=request.user, task=task, uploads=uploads, arrived_at=form.cleaned_data.get("arrived_at")
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            if (
                imports.unread_files(batch).count() > imports.READ_INLINE_FILES
                or ocr_review.unread_scans(batch) > ocr_review.READ_INLINE_SCANS
            ):
                job = enqueue(
                    READ_FORMS,
                    by=request.user,
                    unit=task.directive.issuing_unit,
                    batch=batch.pk,
                    language=get_language(),
                )
                return redirect("jobs:detail", job.pk)
            imports.read_files(batch)
            return redirect("directives:import_batch", task.pk, batch.pk)
    batches = task.import_batches.select_related("created_by")[:20]
    return render(
        request,
        "directives/import_start.html",
        {"task": task, "directive": task.directive, "form": form, "batches": batches},
    )


def _batch(request, pk, batch_id):
    task = _import_task(request, pk)
    batch = get_object_or_404(ReturnedFormBatch, pk=batch_id, task=task)
    batch.task = task
    return task, batch


def _apply_edits(request, task, batch, files):
    """Save what the admin changed on each card; a bad value is said, the rest is kept."""
    for f in files:
        if f.outcome in LOCKED:
            continue
        prefix = f"f{f.pk}-"
        if prefix + "unit" not in request.POST and prefix + "name" not in request.POST:
            continue
        post = request.POST
        unit_id = post.get(prefix + "unit", "")
        code = post.get(prefix + "unit_code", "").strip()
        if code:
            unit = imports.recipients(task).filter(code__iexact=code).first()
            if unit is None:
                messages.error(
                    request, _("%(file)s: no recipient has the code “%(code)s”.") % {"file": f.name, "code": code}
                )
            else:
                unit_id = str(unit.pk)
        arrived_at = None
        raw_arrival = post.get(prefix + "arrived_at", "").strip()
        if raw_arrival:
            try:
                arrived_at = ArrivalField().clean(raw_arrival)
            except ValidationError:
                messages.error(
                    request,
                    _("%(file)s: the arrival time “%(value)s” is not a date and time.")
                    % {"file": f.name, "value": raw_arrival},
                )
        row = post.get(prefix + "row", "")
        data = (
            {field: post.get(prefix + field, "") for field in imports.DATA_FIELDS} if prefix + "name" in post else None
        )
        if data is not None:
            data["no_page"] = post.get(prefix + "no_page") == "on"
        try:
            imports.file_update(
                by=request.user,
                record=f,
                unit_id=unit_id,
                data=data,
                arrived_at=arrived_at,
                chosen_row=int(row) if row.isdigit() else None,
                replace_page=post.get(prefix + "replace_page") == "on",
                accepted=post.get(prefix + "accepted") == "on",
            )
        except ValidationError as exc:
            messages.error(request, f"{f.name}: {exc.messages[0]}")
        if ocr_review.is_scan(f):
            ocr_review.confirm_reading(by=request.user, record=f, confirmed=post.get(prefix + "ocr_confirmed") == "on")


def _cards(task, batch, files, checks):
    units = list(imports.recipients(task)[: FULL_SELECT_LIMIT + 1])
    full = len(units) <= FULL_SELECT_LIMIT
    by_id = {u.pk: u for u in units}
    wanted = {pk for f in files for pk in f.match.get("candidates", [])} - set(by_id)
    if wanted:
        by_id.update({u.pk: u for u in imports.recipients(task).filter(pk__in=wanted)})
    cards = []
    for f in files:
        problems, notices = checks.get(f.pk, ([], []))
        candidates = [by_id[pk] for pk in f.match.get("candidates", []) if pk in by_id]
        cards.append(
            {
                "file": f,
                "problems": problems,
                "notices": notices,
                "candidates": candidates,
                "rows": f.parsed.get("rows") or [],
                "locked": f.outcome in LOCKED,
                "fields": [(name, imports.COLUMNS[name], f.data.get(name, "")) for name in imports.DATA_FIELDS],
                "show_replace": f.replace_page or any(p["field"] == "replace_page" for p in problems),
                "reading": ocr_review.review(f),
                # Accepting waits for the other problems only: the confirmation can be ticked with it.
                "blocking": [p for p in problems if p["code"] != "unconfirmed"],
            }
        )
    return cards, (units if full else None)


@login_required
def import_batch(request, pk, batch_id):
    """The preview: one card per file. POST saves the edits, and with `commit` records the accepted."""
    task, batch = _batch(request, pk, batch_id)
    files = list(batch.files.select_related("unit", "report_version", "ocr_confirmed_by"))
    if request.method == "POST":
        _apply_edits(request, task, batch, files)
        if request.POST.get("action") == "commit":
            handled = imports.batch_commit(by=request.user, batch=batch)
            recorded = sum(1 for f in handled if f.outcome == ReturnedFormFile.Outcome.RECORDED)
            if handled:
                messages.success(
                    request,
                    _("%(n)s of %(total)s accepted files recorded; see each file's outcome below.")
                    % {"n": recorded, "total": len(handled)},
                )
            else:
                messages.warning(request, _("No file was accepted: tick “Accept” on the files to record."))
        else:
            imports.assess(batch)
            messages.success(request, _("Changes saved."))
        return redirect("directives:import_batch", task.pk, batch.pk)
    checks = imports.assess(batch, files)
    cards, units = _cards(task, batch, files, checks)
    ready = sum(1 for c in cards if not c["problems"] and not c["locked"])
    return render(
        request,
        "directives/import_batch.html",
        {
            "task": task,
            "directive": task.directive,
            "batch": batch,
            "cards": cards,
            "units": units,
            "ready": ready,
        },
    )


@login_required
@require_GET
def import_file(request, pk, batch_id, file_id):
    """The stored file, to open it beside the preview."""
    _task, batch = _batch(request, pk, batch_id)
    record = get_object_or_404(ReturnedFormFile, pk=file_id, batch=batch)
    return returned_form_response(request, record)
