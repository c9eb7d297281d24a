"""Version checks through the API (`loa.core.versions`): every change names the version it read.

GET answers each object's `version`; a PATCH (or a create-or-change PUT/POST on an object that
exists) sends it back in the body as `version`. Without it the answer is 428 and nothing is
written; with an older one, 409 with the object as it is now, so that the client can merge and
send again. docs/api.md explains the contract and why a missing version is refused.
"""

from collections.abc import Callable
from functools import cache
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from pydantic import create_model

from loa.api.errors import WRITE, answers
from loa.api.types import Whole
from loa.core.versions import MAX_VERSION, StaleVersion

# The type of every `version` the API takes: a whole number (never `true`) in the column's range.
Version = Annotated[Whole, Field(ge=0, le=MAX_VERSION)]

VERSION = Field(
    None,
    description="The `version` of the object as you last read it (GET answers it). Required to change an "
    "object that exists: without it the answer is 428; if someone changed it since, 409 with `current`.",
)

# On actions (move, deactivate…) whose body states the whole intent: checked when sent.
OPTIONAL_VERSION = Field(
    None,
    description="The `version` of the object as you last read it: if someone changed it since, 409 with `current`.",
)


class VersionRequired(Schema):
    detail: str
    code: str = Field(..., description="version_required")


@cache
def conflict_schema(current: type[Schema]) -> type[Schema]:
    """The 409 body of an endpoint that answers `current`: the message and the object as it is now."""
    return create_model(
        f"{current.__name__}Conflict",
        __base__=Schema,
        detail=(str, ...),
        code=(str, Field(..., description="stale")),
        current=(current, ...),
    )


def responses(out: type[Schema], status: int = 200) -> dict[int, Any]:
    """`response=` of a versioned write answering `out`: its 409 and 428, and every error a write
    can meet (loa.api.errors.answers)."""
    return answers({status: out, 409: conflict_schema(out), 428: VersionRequired}, *WRITE)


def version_required() -> Status:
    return Status(
        428,
        {
            "detail": _(
                "Send the version of the object you read (field “version”, answered by GET): "
                "without it a change could overwrite someone else's. Nothing was saved."
            ),
            "code": "version_required",
        },
    )


def stale(exc: StaleVersion, show: Callable[[Any], Any]) -> Status:
    return Status(409, {"detail": exc.messages[0], "code": "stale", "current": show(exc.current)})


def patched_fields(payload: Schema) -> dict[str, Any]:
    """The fields a PATCH sends, but its version; a field sent as null is refused."""
    fields = payload.dict(exclude_unset=True, exclude={"version"})
    nulls = [name for name, value in fields.items() if value is None]
    if nulls:
        raise ValidationError({name: _("This field cannot be null.") for name in nulls})
    return fields


def versioned_write(
    version: int | None,
    write: Callable[[int | None], Any],
    show: Callable[[Any], Any],
    *,
    required: bool = True,
    status: int = 200,
) -> Status:
    """Run `write(version)` and answer `show(result)`; 428 without a version (when `required`), 409
    with `show(current)` when the object changed since that version."""
    if version is None and required:
        return version_required()
    try:
        result = write(version)
    except StaleVersion as exc:
        return stale(exc, show)
    return Status(status, show(result))
