"""/api/v1/units/restructurings: a restructuring from a mapping table, as on the pages.

Upload the table (multipart `file`, xlsx or csv): the file is kept and checked by a background job,
and the answer is 202 with where to follow it (`Location`, `poll`). `GET /{id}` gives its status
(`queued`, `checking`, then `planned`: it may be applied, or `refused`: see `problems`, row by row),
the job's progress, the plan line by line and the rows read. `POST /{id}/apply` applies a planned
table as a job too, all or nothing (checked again first: the tree may have changed): 202, then
`applying`, then `applied` or `failed` (with its problems). Only someone who manages units may upload;
only the uploader (or someone who manages the whole tree) reads it, and only the uploader applies it:
404 for anyone else.
"""

from typing import Any

from django.http import HttpResponse
from ninja import Field, File, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from loa.api.errors import READ, WRITE, answers
from loa.api.types import AuthedRequest, Id
from loa.units import remap
from loa.units.models import Restructuring
from loa.units.views_remap import restructuring_or_404, restructurings_for

router = Router(tags=["unit restructuring"])


class ProblemOut(Schema):
    row: int | None = Field(None, description="The row as Excel numbers it; null for the file as a whole.")
    column: str = Field("", description="The column's title as the file writes it.")
    message: str


class RowOut(Schema):
    row: int
    old: str = Field(..., description="The old unit's code.")
    new: str = Field(..., description="The new unit's or new upper unit's code; empty for a dissolution.")
    action: str = Field(..., description="move, merge, split or dissolve")
    on: str = Field(..., description="The first day of the new shape, YYYY-MM-DD.")
    new_name: str = Field("", description="The name of the unit a merge or split row creates; empty: none.")
    new_kind: str = Field("", description="Its kind (code or name); empty: the old unit's.")


class RestructuringProgressOut(Schema):
    done: int = Field(..., description="Rows done so far.")
    total: int = Field(..., description="Rows in all; 0 until the file is read.")
    percent: int
    message: str = Field(..., description="What the job is doing, in Vietnamese.")
    job: int | None = Field(None, description="The background job's id.")


class RestructuringOut(Schema):
    id: int
    file_name: str
    status: str = Field(
        ...,
        description=(
            "queued, checking (the check job waits or works), planned (it may be applied), refused (see "
            "`problems`), applying (the apply job waits or works), applied, failed (see `problems`, `progress`)"
        ),
    )
    progress: RestructuringProgressOut = Field(..., description="The current (or last) job's progress.")
    poll: str = Field(..., description="Where to read it again while it is queued, checking or applying.")
    rows: list[RowOut]
    plan: list[str] = Field(..., description="What goes where (planned) or what was done (applied).")
    problems: list[ProblemOut]
    created_at: str
    applied_at: str | None = None
    audit_entries: list[int] = Field(..., description="Ids of the audit entries the restructuring wrote.")


def _out(record: Restructuring) -> dict[str, Any]:
    job = record.job
    status = record.current_status
    return {
        "id": record.pk,
        "file_name": record.file_name,
        "status": status,
        "progress": {
            "done": job.progress_done if job else 0,
            "total": job.progress_total if job else 0,
            "percent": job.percent if job else 0,
            "message": (job.message or "") if job else "",
            "job": job.pk if job else None,
        },
        "poll": _where(record),
        "rows": record.rows,
        "plan": record.plan,
        "problems": record.problems,
        "created_at": record.created_at.isoformat(),
        "applied_at": record.applied_at.isoformat() if record.applied_at else None,
        "audit_entries": list(remap.restructuring_entries(record).values_list("pk", flat=True))
        if status == Restructuring.Status.APPLIED
        else [],
    }


def _where(record: Restructuring) -> str:
    return f"/api/v1/units/restructurings/{record.pk}"


def _accepted(record: Restructuring, response: HttpResponse) -> Status:
    response["Location"] = _where(record)
    return Status(202, _out(record))


@router.post("", response=answers({202: RestructuringOut}, *WRITE), summary="Upload a mapping table and check it")
def upload(request: AuthedRequest, response: HttpResponse, file: File[UploadedFile]) -> Status:
    """The dry run, as a job: nothing is changed. A file too big, empty or not xlsx/csv is refused at
    once (422) and not kept; one that is no mapping table ends `refused`."""
    restructurings_for(request.user)  # 404 for someone who manages no unit
    record = remap.restructuring_upload(by=request.user, upload=file, file_name=file.name or "")
    return _accepted(_fresh(request, record), response)


def _fresh(request: AuthedRequest, record: Restructuring) -> Restructuring:
    return restructuring_or_404(request.user, record.pk)


@router.get("/{int:pk}", response=answers(RestructuringOut, *READ), summary="A restructuring")
def read(request: AuthedRequest, pk: Id) -> dict[str, Any]:
    return _out(restructuring_or_404(request.user, pk))


@router.post("/{int:pk}/apply", response=answers({202: RestructuringOut}, *WRITE), summary="Apply a checked table")
def apply(request: AuthedRequest, response: HttpResponse, pk: Id) -> Status:
    """All or nothing, as a job: 202, then read it until `applied` or `failed` (with the problem when
    the table no longer applies). 422 when it is not `planned`: applied already, being applied (two
    Apply at the same moment: one only starts), refused. A `failed` one may be applied again."""
    record = restructuring_or_404(request.user, pk)
    if record.created_by_id != request.user.pk:
        raise HttpError(404, "Not Found")
    record = remap.restructuring_apply_start(by=request.user, restructuring=record)
    return _accepted(_fresh(request, record), response)
