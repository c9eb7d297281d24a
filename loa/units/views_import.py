"""Pages of the unit import: upload, check (dry run), then import; the job page shows progress."""

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loa.core.controls import writable_text
from loa.core.files import download_headers
from loa.core.forms import flash_errors
from loa.units import import_jobs
from loa.units.importing import COLUMNS, mapping_scope
from loa.units.models import UnitKind


@login_required
def import_start(request):
    import_jobs.require_manager(request.user)
    errors = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("Choose a file to import.")]
        else:
            try:
                job = import_jobs.check_start(by=request.user, upload=upload)
            except ValidationError as exc:
                errors = exc.messages
            else:
                return redirect("jobs:detail", job.pk)
    context = {
        "errors": errors,
        "columns": [label for _name, label in COLUMNS.choices()],
        "kinds": UnitKind.objects.all(),
        "max_mb": round(settings.UPLOAD_MAX_BYTES / 1048576),
    }
    return render(request, "units/import_start.html", context, status=400 if errors else 200)


@login_required
@require_POST
def import_recheck(request, job_id):
    """Check the same file again with the choices made on its check: columns mapped by hand (remembered
    for the next file with the same titles) and a default kind."""
    checked = import_jobs.checked_job(request.user, job_id)
    chosen = {key[4:]: value for key, value in request.POST.items() if key.startswith("col_")}
    default_kind = request.POST.get("default_kind", "")
    return _follow(
        request,
        checked,
        lambda: import_jobs.recheck(by=request.user, checked=checked, chosen=chosen, default_kind=default_kind),
    )


@login_required
@require_POST
def import_commit(request, job_id):
    """Import the file a finished, error-free check was run on, with the choices made on it (a default kind;
    for each new unit named as an existing one, the same unit or another). Only the one who checked it may."""
    checked = import_jobs.checked_job(request.user, job_id)
    same_unit = {
        key[5:]: int(value)
        for key, value in request.POST.items()
        if key.startswith("same_") and value.isdigit() and len(value) < 18
    }
    default_kind = request.POST.get("default_kind")
    return _follow(
        request,
        checked,
        lambda: import_jobs.commit(by=request.user, checked=checked, default_kind=default_kind, same_unit=same_unit),
    )


def _follow(request, checked, start):
    """To the job `start()` makes; if the file is gone, back to the import page; if refused, back to
    the check, saying why."""
    try:
        job = start()
    except import_jobs.FileGone as gone:
        messages.error(request, gone.message())
        return redirect("units:import")
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("jobs:detail", checked.pk)
    return redirect("jobs:detail", job.pk)


@login_required
def import_template(request):
    """The xlsx template: the header row, one example row, and the unit kinds to choose from."""
    import_jobs.require_manager(request.user)
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Đơn vị"
    labels = [label for _name, label in COLUMNS.choices()]
    sheet.append(labels)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    kinds = list(UnitKind.objects.all())
    example_kind = next((k for k in kinds if k.is_grassroots), kinds[0] if kinds else None)
    parent = mapping_scope(request.user)  # the one top unit the user manages, if one
    sheet.append(
        [
            "CS-VD01",
            "Công đoàn cơ sở Trường THPT Ví Dụ",
            "CĐCS THPT Ví Dụ",
            example_kind.code if example_kind else "",
            parent.code if parent else "",
            45,
            50,
            "Số 1 đường Ví Dụ, Cao Bằng",
            "Nguyễn Văn A",
            "0912 345 678",
            "cdcs.vidu@example.vn",
            "01/01/2021",
            "",
        ]
    )
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
