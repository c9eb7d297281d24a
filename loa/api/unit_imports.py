"""/api/v1/units/imports: the unit-list import for integrators, as on the pages.

Upload a file (multipart) → its check (dry run): rows, problems, columns not recognised, new units
named as existing ones → check it again with a mapping or a default kind → commit. Each step is a job
(loa/units/import_jobs.py): a short file is checked at once; a long one answers `queued` and is read
with GET until it is `done`. Only the one who uploaded a file sees its jobs (404 for anyone else).
"""

from collections.abc import Callable
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from loa.api.errors import READ, WRITE, answers
from loa.api.types import MAX_ID, AuthedRequest, Id, In, Whole
from loa.jobs.models import Job
from loa.units import import_jobs

router = Router(tags=["unit import"])

UnitChoice = Annotated[Whole, Field(ge=0, le=MAX_ID)]  # an existing unit's id, or 0 for "a different unit"


class ProblemOut(Schema):
    row: int | None = Field(None, description="The row as Excel numbers it; null for the file as a whole.")
    column: str = Field("", description="The column's title as the file writes it.")
    message: str


class ColumnOut(Schema):
    index: int = Field(..., description="From 0, left to right.")
    title: str
    field: str = Field(..., description="The field Loa reads it as; empty: read past.")


class FieldOut(Schema):
    name: str
    label: str


class ExistingOut(Schema):
    id: int
    code: str
    name: str


class SameNameOut(Schema):
    row: int
    code: str
    name: str
    parent: str = Field(..., description="The parent's code.")
    existing: ExistingOut = Field(..., description="The unit Loa has of the same name under the same parent.")


class CheckOut(Schema):
    rows: int
    created: int
    updated: int
    moved: int
    unchanged: int
    committed: bool
    error_count: int
    problems: list[ProblemOut] = Field(
        ..., description="The first 1,000 problems; nothing is imported while there are any."
    )
    needs_mapping: bool = Field(..., description="A required column was not recognised: map the columns (`/check`).")
    sheet: str
    header_row: int
    columns: list[ColumnOut]
    unknown_columns: list[str]
    fields: list[FieldOut] = Field(..., description="What a column may be mapped to.")
    kind_column: bool
    inferred_kinds: int = Field(..., description="New units whose kind is taken from their parent.")
    same_names: list[SameNameOut] = Field(..., description="Answer each in `same_unit` when committing.")
    commit_job: int | None = None


class ImportOut(Schema):
    id: int
    step: str = Field(..., description="check or commit")
    status: str = Field(..., description="queued, running, done or failed")
    progress_done: int
    progress_total: int
    message: str
    result: CheckOut | None = Field(None, description="Once done.")


class RecheckIn(In):
    mapping: dict[str, str] = Field(
        default_factory=dict,
        description=(
            'The field each of the file\'s columns holds, by column index (from 0) or title; "" to read it past.'
        ),
    )
    default_kind: str = Field("", max_length=40, description="Code of the kind of the rows that give none.")


class CommitIn(In):
    default_kind: str | None = Field(None, max_length=40, description="As chosen at the check unless given.")
    same_unit: dict[str, UnitChoice] = Field(
        default_factory=dict,
        description=(
            "For each new code in `same_names`: the existing unit's id (the same unit: it takes the code and is "
            "updated) or 0 (a different unit)."
        ),
    )


def _out(job: Job) -> dict[str, Any]:
    result = job.result if job.status == job.Status.DONE else None
    check = None
    if result:
        check = {
            **{
                k: result.get(k, 0)
                for k in ("rows", "created", "updated", "moved", "unchanged", "error_count", "inferred_kinds")
            },
            "committed": bool(result.get("committed")),
            "problems": result.get("errors", []),
            "needs_mapping": bool(result.get("needs_mapping")),
            "sheet": result.get("sheet", ""),
            "header_row": result.get("header_row", 1),
            "columns": [{"index": i, "title": t, "field": f} for i, t, f in result.get("columns", [])],
            "unknown_columns": result.get("unknown", []),
            "fields": [{"name": n, "label": label} for n, label in result.get("fields", [])],
            "kind_column": bool(result.get("kind_column")),
            "same_names": result.get("duplicates", []),
            "commit_job": result.get("commit_job"),
        }
    return {
        "id": job.pk,
        "step": "commit" if job.params.get("commit") else "check",
        "status": job.status,
        "progress_done": job.progress_done,
        "progress_total": job.progress_total or 0,
        "message": job.message or "",
        "result": check,
    }


def _started(start: Callable[[], Job]) -> Status:
    """201 with the job `start()` makes; 422 when the checked file is gone."""
    try:
        return Status(201, _out(start()))
    except import_jobs.FileGone as exc:
        raise HttpError(422, exc.message()) from None


@router.post("", response=answers({201: ImportOut}, *WRITE), summary="Upload a unit list and check it")
def upload(request: AuthedRequest, file: File[UploadedFile]) -> Status:
    """The file (xlsx, csv) is read in the sandbox: one that is not a list is refused (422) at once."""
    import_jobs.require_manager(request.user)
    return Status(201, _out(import_jobs.check_start(by=request.user, upload=file)))


@router.get("/{int:job_id}", response=answers(ImportOut, *READ), summary="A check or a commit")
def read(request: AuthedRequest, job_id: Id) -> dict[str, Any]:
    return _out(import_jobs.own_job(request.user, job_id))


@router.post("/{int:job_id}/check", response=answers({201: ImportOut}, *WRITE), summary="Check again with choices")
def check_again(request: AuthedRequest, job_id: Id, payload: RecheckIn) -> Status:
    """The mapping is remembered for the next file with the same column titles."""
    checked = import_jobs.checked_job(request.user, job_id)
    return _started(
        lambda: import_jobs.recheck(
            by=request.user, checked=checked, chosen=payload.mapping, default_kind=payload.default_kind
        )
    )


@router.post("/{int:job_id}/commit", response=answers({201: ImportOut}, *WRITE), summary="Import a checked file")
def commit(request: AuthedRequest, job_id: Id, payload: CommitIn) -> Status:
    """All or nothing. Sending it twice gives the first commit."""
    checked = import_jobs.checked_job(request.user, job_id)
    if checked.result.get("needs_mapping"):
        raise ValidationError(_("Map the file's columns first."))
    return _started(
        lambda: import_jobs.commit(
            by=request.user, checked=checked, default_kind=payload.default_kind, same_unit=payload.same_unit
        )
    )
