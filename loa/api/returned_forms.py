"""/api/v1/directives/tasks/{task}/returned-forms: the import of returned forms, for integrators (a Zalo
or mail robot forwarding the files units send) and for checking.

The same steps and rules as the import page (`loa.directives.imports`, docs/import-returned-forms.md):
upload a batch (multipart, many files), read each file's outcome (the unit matched or the candidates,
the values as they will be stored, the problems), confirm or correct a file, then record the batch.
Importing needs ISSUE_DIRECTIVES over the directive's issuing unit: a caller who cannot see the task
answers 404, one who can see it but not import answers 403.
"""

from datetime import datetime
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field, StrictBool

from loa.accounts.models import User
from loa.api.errors import READ, WRITE, Forbidden, answers
from loa.api.types import AuthedRequest, Id, In, Instant, SmallCount
from loa.api.versions import VERSION, Version, responses, versioned_write
from loa.directives import imports, ocr_review
from loa.directives.access import can_issue, get_task
from loa.directives.jobs import READ_FORMS
from loa.directives.models import Directive, ReportForm, ReturnedFormBatch, ReturnedFormFile, Task
from loa.jobs.services import enqueue

router = Router(tags=["returned forms"])


# --- Schemas -----------------------------------------------------------------------------------


class UnitRef(Schema):
    id: int
    code: str
    name: str


class Problem(Schema):
    code: str = Field(
        ...,
        description="refused, unreadable, unread, no_table, no_rows, second_page, ambiguous, "
        "no_unit, not_recipient, invalid, page_taken, unconfirmed.",
    )
    field: str = Field(..., description="The value at fault (name, url, admin_name, admin_phone, unit, row…), or ''.")
    message: str


class History(Schema):
    code: str = Field(..., description="recorded_before, never_recorded or changed.")
    message: str


class FileOut(Schema):
    id: int
    name: str
    size: int
    kind: str = Field(..., description="xlsx, docx, jpeg, png, pdf; '' when refused.")
    arrived_at: datetime = Field(..., description="When the unit's e-mail arrived: it decides on time or late.")
    unit: UnitRef | None = Field(..., description="The recipient the file is for, found or chosen.")
    match: str = Field(
        ...,
        description="How the unit was found: code, page, content, file_name, slug; ambiguous or none when it was not.",
    )
    candidates: list[UnitRef] = Field(..., description="The recipients the file may be from, by name and code.")
    values: dict = Field(
        ...,
        description="What will be recorded, phones as they will be stored: name, url, "
        "admin_name, admin_phone, other_phones, note; no_page: true for a unit "
        "without a Page yet.",
    )
    rows: list[dict] = Field(..., description="Every Page row read from the file (`row` is its line in the file).")
    chosen_row: int | None
    problems: list[Problem] = Field(..., description="What blocks recording this file until it is corrected.")
    notices: list[str] = Field(..., description="What the admin should know; never blocks.")
    history: History | None = Field(..., description="What happened before to the same file or unit, if anything.")
    needs_confirmation: bool = Field(..., description="Read from a photo or scan: recorded only once `ocr_confirmed`.")
    accepted: bool
    replace_page: bool
    outcome: str = Field(..., description="'' (not recorded yet), recorded, duplicate or failed.")
    outcome_message: str
    version: int = Field(..., description="Send it back with a correction (PATCH).")


class BatchOut(Schema):
    id: int
    task: int
    created_at: datetime
    committed_at: datetime | None
    reading: bool = Field(..., description="true while files are still being read: ask again in a moment.")
    files: list[FileOut]


class ValuesIn(In):
    name: str = Field("", max_length=255)
    url: str = Field("", max_length=300, description="Optional: the Page's address.")
    admin_name: str = Field("", max_length=150)
    admin_phone: str = Field("", max_length=60, description="One number, or several: the first is the main one.")
    other_phones: str = Field("", max_length=200)
    note: str = Field("", max_length=2000)
    no_page: StrictBool = Field(False, description="The unit has no Page yet; the note says why.")


class FileUpdateIn(In):
    """Only the fields sent are changed."""

    version: Version | None = VERSION
    unit: Id | None = Field(None, description="Id of the recipient the file is for.")
    values: ValuesIn | None = None
    row: SmallCount | None = Field(None, description="The Page row to record, when the file lists several.")
    arrived_at: Instant | None = None
    replace_page: StrictBool | None = None
    accepted: StrictBool | None = Field(None, description="true: record this file with the batch.")
    ocr_confirmed: StrictBool | None = Field(None, description="A photo or scan: the values were checked against it.")


# --- Helpers -----------------------------------------------------------------------------------


def _task_to_import(user: User, task_id: int) -> Task:
    task = get_task(user, task_id)
    if not can_issue(user, task.directive):
        raise Forbidden(_("You may view this directive but not import its returned forms."))
    if task.report_form != ReportForm.FANPAGE or task.directive.status != Directive.Status.ISSUED:
        raise Forbidden(_("This task has no Fanpage report form to import."))
    return task


def _batch(user: User, task_id: int, batch_id: int) -> ReturnedFormBatch:
    task = _task_to_import(user, task_id)
    batch = get_object_or_404(ReturnedFormBatch, pk=batch_id, task=task)
    batch.task = task
    return batch


def _batch_out(batch: ReturnedFormBatch) -> dict[str, Any]:
    files = list(batch.files.select_related("unit"))
    checks = imports.assess(batch, files)
    story = imports.history(batch, files)
    wanted = {pk for f in files for pk in f.match.get("candidates", [])}
    by_id = {u.pk: u for u in imports.recipients(batch.task).filter(pk__in=wanted)} if wanted else {}
    out = []
    for f in files:
        problems, notices = checks.get(f.pk, ([], []))
        out.append(
            {
                "id": f.pk,
                "name": f.name,
                "size": f.size,
                "kind": f.kind,
                "arrived_at": f.arrived_at,
                "unit": f.unit,
                "match": f.match.get("method", "none") if f.parsed else "none",
                "candidates": [by_id[pk] for pk in f.match.get("candidates", []) if pk in by_id],
                "values": f.data,
                "rows": f.parsed.get("rows") or [],
                "chosen_row": f.chosen_row,
                "problems": problems,
                "notices": notices,
                "history": story.get(f.pk) if f.outcome == "" else None,
                "needs_confirmation": ocr_review.needs_confirmation(f),
                "accepted": f.accepted,
                "replace_page": f.replace_page,
                "outcome": f.outcome,
                "outcome_message": f.outcome_message,
                "version": f.version,
            }
        )
    return {
        "id": batch.pk,
        "task": batch.task_id,
        "created_at": batch.created_at,
        "committed_at": batch.committed_at,
        "reading": any(not f.parsed for f in files),
        "files": out,
    }


# --- Endpoints ---------------------------------------------------------------------------------


@router.post(
    "/tasks/{int:task_id}/returned-forms",
    response=answers({201: BatchOut}, *WRITE),
    summary="Upload a batch of returned forms",
)
def upload_batch(
    request: AuthedRequest, task_id: Id, files: File[list[UploadedFile]], arrived_at: Form[Instant | None] = None
) -> Status:
    """Multipart: `files` (one or many .xlsx, .docx, photos or PDF scans of the form) and optionally
    `arrived_at`, when the e-mails arrived (default: now, or the first upload's time for a file sent
    again). A file that is not a form is refused in its own entry with the reason; the others are read.
    A few files are read before the answer; more are read in the background (`reading: true`)."""
    task = _task_to_import(request.user, task_id)
    batch = imports.batch_create(by=request.user, task=task, uploads=files, arrived_at=arrived_at)
    if (
        imports.unread_files(batch).count() > imports.READ_INLINE_FILES
        or ocr_review.unread_scans(batch) > ocr_review.READ_INLINE_SCANS
    ):
        enqueue(READ_FORMS, by=request.user, unit=task.directive.issuing_unit, batch=batch.pk, language=get_language())
    else:
        imports.read_files(batch)
    batch.task = task
    return Status(201, _batch_out(batch))


@router.get(
    "/tasks/{int:task_id}/returned-forms/{int:batch_id}",
    response=answers(BatchOut, *READ, 403),
    summary="Each file's outcome",
)
def get_batch(request: AuthedRequest, task_id: Id, batch_id: Id) -> dict[str, Any]:
    """Every file of the batch: the unit found or the candidates, the values as they will be stored,
    the problems that block it, the notices, and what became of it once recorded."""
    return _batch_out(_batch(request.user, task_id, batch_id))


@router.patch(
    "/tasks/{int:task_id}/returned-forms/{int:batch_id}/files/{int:file_id}",
    response=responses(FileOut),
    summary="Confirm or correct a file",
)
def update_file(request: AuthedRequest, task_id: Id, batch_id: Id, file_id: Id, payload: FileUpdateIn) -> Status:
    """Choose the unit, the row, correct the values or the arrival time, accept the file. A file already
    recorded does not change. Send the file's `version` as read: a correction made since answers 409."""
    batch = _batch(request.user, task_id, batch_id)
    record = get_object_or_404(ReturnedFormFile.objects.select_related("unit"), pk=file_id, batch=batch)
    record.batch = batch

    def write(version: int | None) -> ReturnedFormFile:
        imports.file_update(
            by=request.user,
            record=record,
            unit_id=payload.unit,
            arrived_at=payload.arrived_at,
            data=payload.values.dict() if payload.values is not None else None,
            chosen_row=payload.row,
            replace_page=payload.replace_page,
            accepted=payload.accepted,
            expected_version=version,
        )
        if payload.ocr_confirmed is not None and ocr_review.is_scan(record):
            ocr_review.confirm_reading(by=request.user, record=record, confirmed=payload.ocr_confirmed)
        return record

    def show(file: ReturnedFormFile) -> dict[str, Any]:
        return next(f for f in _batch_out(batch)["files"] if f["id"] == file.pk)

    return versioned_write(payload.version, write, show)


@router.post(
    "/tasks/{int:task_id}/returned-forms/{int:batch_id}/record",
    response=answers(BatchOut, *WRITE),
    summary="Record the batch",
)
def record_batch(request: AuthedRequest, task_id: Id, batch_id: Id) -> dict[str, Any]:
    """Records every accepted file without problems, each on its own at its arrival time: one that
    fails never stops the others, and each file's `outcome` says what became of it. Safe to repeat."""
    batch = _batch(request.user, task_id, batch_id)
    imports.batch_commit(by=request.user, batch=batch)
    return _batch_out(batch)
