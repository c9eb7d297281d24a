"""/api/v1/units/restructurings: a restructuring from a mapping table, as on the pages.

Upload the table (multipart `file`, xlsx or csv): it is read and checked at once (a table is a few
hundred rows: no job), and the answer holds its status (`planned`: it may be applied; `refused`: see
`problems`, row by row), the plan line by line and the rows read. `POST /{id}/apply` applies a
planned table all or nothing (checked again first: the tree may have changed). Only someone who
manages units may upload; only the uploader (or someone who manages the whole tree) reads it, and
only the uploader applies it: 404 for anyone else.
"""

from typing import Any

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


class RestructuringOut(Schema):
    id: int
    file_name: str
    status: str = Field(..., description="planned, applied or refused")
    rows: list[RowOut]
    plan: list[str] = Field(..., description="What goes where (planned) or what was done (applied).")
    problems: list[ProblemOut]
    created_at: str
    applied_at: str | None = None
    audit_entries: list[int] = Field(..., description="Ids of the audit entries the restructuring wrote.")


def _out(record: Restructuring) -> dict[str, Any]:
    return {
        "id": record.pk,
        "file_name": record.file_name,
        "status": record.status,
        "rows": record.rows,
        "plan": record.plan,
        "problems": record.problems,
        "created_at": record.created_at.isoformat(),
        "applied_at": record.applied_at.isoformat() if record.applied_at else None,
        "audit_entries": list(remap.restructuring_entries(record).values_list("pk", flat=True)),
    }


@router.post("", response=answers({201: RestructuringOut}, *WRITE), summary="Upload a mapping table and check it")
def upload(request: AuthedRequest, file: File[UploadedFile]) -> Status:
    """The dry run: nothing is changed. A file that is not a table is answered with `refused`."""
    restructurings_for(request.user)  # 404 for someone who manages no unit
    record = remap.restructuring_plan(by=request.user, upload=file, file_name=file.name or "")
    return Status(201, _out(record))


@router.get("/{int:pk}", response=answers(RestructuringOut, *READ), summary="A restructuring")
def read(request: AuthedRequest, pk: Id) -> dict[str, Any]:
    return _out(restructuring_or_404(request.user, pk))


@router.post("/{int:pk}/apply", response=answers(RestructuringOut, *WRITE), summary="Apply a checked table")
def apply(request: AuthedRequest, pk: Id) -> dict[str, Any]:
    """All or nothing; 422 with the problem when the table no longer applies."""
    record = restructuring_or_404(request.user, pk)
    if record.created_by_id != request.user.pk:
        raise HttpError(404, "Not Found")
    return _out(remap.restructuring_apply(by=request.user, restructuring=record))
