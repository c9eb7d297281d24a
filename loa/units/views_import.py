"""Pages of the unit import: upload, check (dry run), then import; the job page shows progress."""

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loa.accounts.capabilities import Capability
from loa.accounts.scope import can_anywhere
from loa.core.controls import writable_text
from loa.core.files import download_headers
from loa.imports.columns import Header, titles_key
from loa.imports.mappings import clean_mapping, mapping_remember
from loa.jobs.models import Job
from loa.jobs.services import enqueue, run_job
from loa.units.importing import COLUMNS, mapping_scope, open_sheet
from loa.units.models import UnitKind

KIND = "units.import"


def _require_manager(user):
    if not can_anywhere(user, Capability.MANAGE_UNITS):
        raise Http404


_job_unit = mapping_scope  # a job's unit is the one top unit the user manages, if one


@login_required
def import_start(request):
    _require_manager(request.user)
    errors = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("Choose a file to import.")]
        else:
            try:
                with open_sheet(upload) as sheet:  # read in the sandbox; only the header is needed here
                    count, file_type = sheet.data_rows, sheet.kind
            except ValidationError as exc:
                errors = exc.messages
            else:
                upload.seek(0)
                name = f"units-{timezone.now():%Y%m%d-%H%M%S}.{file_type}"
                job = enqueue(
                    KIND, by=request.user, unit=_job_unit(request.user), input_file=ContentFile(upload.read(), name=name),
                    run_now=count <= settings.IMPORT_INLINE_MAX_ROWS,
                    commit=False, filename=upload.name[:200], language=get_language(), rows=count,
                )
                return redirect("jobs:detail", job.pk)
    context = {
        "errors": errors, "columns": [label for _name, label in COLUMNS.choices()],
        "kinds": UnitKind.objects.all(), "max_mb": round(settings.UPLOAD_MAX_BYTES / 1048576),
    }
    return render(request, "units/import_start.html", context, status=400 if errors else 200)


def _checked_job(request, job_id):
    """The user's own finished check (dry run), not yet imported; 404 for anyone else's."""
    _require_manager(request.user)
    checked = Job.objects.filter(pk=job_id, kind=KIND, created_by=request.user, status=Job.Status.DONE).first()
    if checked is None or not checked.result or checked.result.get("committed") or checked.params.get("commit"):
        raise Http404
    return checked


def _start(job):
    if job.params.get("rows", 0) <= settings.IMPORT_INLINE_MAX_ROWS or settings.JOBS_BACKEND == "inline":
        run_job(job.pk)
    elif settings.JOBS_BACKEND == "celery":
        from django.db import transaction

        from loa.jobs.tasks import run_job_task

        transaction.on_commit(lambda: run_job_task.delay(job.pk))


def _follow_up(checked, params):
    """A job on the checked job's file with these params (the file is not copied)."""
    job = Job(kind=KIND, created_by=checked.created_by, unit=checked.unit, params=params)
    job.input_file.name = checked.input_file.name
    job.save()
    return job


def _file_gone(request):
    messages.error(request, _("The checked file is no longer kept (files are deleted %(days)s days after their check). "
                              "Upload it again.") % {"days": settings.JOB_FILES_KEEP_DAYS})
    return redirect("units:import")


def _kind_choice(request):
    code = request.POST.get("default_kind", "").strip()
    if code and not UnitKind.objects.filter(code=code).exists():
        raise ValidationError(_("Choose one of the unit kinds."))
    return code


@login_required
@require_POST
def import_recheck(request, job_id):
    """Check the same file again with the choices made on its check: columns mapped by hand (remembered
    for the next file with the same titles) and a default kind."""
    checked = _checked_job(request, job_id)
    if not checked.input_file:
        return _file_gone(request)
    result = checked.result
    params = dict(checked.params, commit=False)
    try:
        params["default_kind"] = _kind_choice(request)
        chosen = {key[4:]: value for key, value in request.POST.items() if key.startswith("col_")}
        if chosen:
            titles = result.get("titles") or []
            header = Header(number=result.get("header_row", 1), position=0, titles=titles, mapping={}, key=titles_key(titles))
            mapping = clean_mapping(COLUMNS, header, chosen)
            mapping_remember(importer=COLUMNS.key, header=header, mapping=mapping, unit=mapping_scope(request.user),
                             by=request.user)
            params["mapping"] = mapping
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("jobs:detail", checked.pk)
    job = _follow_up(checked, params)
    _start(job)
    return redirect("jobs:detail", job.pk)


@login_required
@require_POST
def import_commit(request, job_id):
    """Import the file a finished, error-free check was run on, with the choices made on it (a default kind;
    for each new unit named as an existing one, the same unit or another). Only the one who checked it may."""
    checked = _checked_job(request, job_id)
    if checked.result.get("error_count"):
        return redirect("jobs:detail", checked.pk)
    if checked.result.get("commit_job"):
        return redirect("jobs:detail", checked.result["commit_job"])
    if not checked.input_file:
        return _file_gone(request)
    try:
        default_kind = _kind_choice(request) if "default_kind" in request.POST else checked.params.get("default_kind", "")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("jobs:detail", checked.pk)
    same_unit = {key[5:]: int(value) for key, value in request.POST.items()
                 if key.startswith("same_") and value.isdigit() and len(value) < 18}
    job = _follow_up(checked, dict(checked.params, commit=True, default_kind=default_kind, same_unit=same_unit))
    checked.result["commit_job"] = job.pk
    checked.save(update_fields=["result"])
    _start(job)
    return redirect("jobs:detail", job.pk)


@login_required
def import_template(request):
    """The xlsx template: the header row, one example row, and the unit kinds to choose from."""
    _require_manager(request.user)
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Đơn vị"
    labels = [label for _name, label in COLUMNS]
    sheet.append(labels)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    kinds = list(UnitKind.objects.all())
    example_kind = next((k for k in kinds if k.is_grassroots), kinds[0] if kinds else None)
    parent = _job_unit(request.user)
    sheet.append([
        "CS-VD01", "Công đoàn cơ sở Trường THPT Ví Dụ", "CĐCS THPT Ví Dụ", example_kind.code if example_kind else "",
        parent.code if parent else "", 45, 50, "Số 1 đường Ví Dụ, Cao Bằng", "Nguyễn Văn A", "0912 345 678",
        "cdcs.vidu@example.vn", "01/01/2021", "",
    ])
    widths = [14, 45, 22, 16, 20, 14, 12, 35, 22, 16, 28, 14, 14]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    kinds_sheet = book.create_sheet("Loại đơn vị")
    kinds_sheet.append(["Mã loại", "Tên loại"])
    for kind in kinds:
        kinds_sheet.append([writable_text(kind.code), writable_text(kind.name)])  # openpyxl refuses control characters
    kinds_sheet.column_dimensions["A"].width = 18
    kinds_sheet.column_dimensions["B"].width = 40
    help_sheet = book.create_sheet("Hướng dẫn")
    for line in (
        "Mỗi dòng là một đơn vị. Mã đơn vị không được trùng nhau.",
        "Mã đơn vị cấp trên: mã của một đơn vị đã có trong Loa hoặc ở dòng khác trong tệp (trên hay dưới đều được).",
        "Loại: mã loại hoặc tên loại ở trang “Loại đơn vị”.",
        "Ngày viết theo dạng dd/mm/yyyy (ví dụ 05/04/2021) hoặc dùng ô kiểu ngày của Excel.",
        "Nhập lại một tệp có mã đã có sẽ cập nhật đơn vị đó (và chuyển nó nếu mã cấp trên thay đổi).",
    ):
        help_sheet.append([line])
    help_sheet.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return download_headers(response, filename="mau-nhap-don-vi.xlsx")
