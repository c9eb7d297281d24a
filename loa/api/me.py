"""/api/v1/me: who the caller is, what their roles let them do where, and their to-do list."""

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Router, Schema

from loa.accounts.capabilities import ROLE_CAPABILITIES, Capability, RoleName
from loa.api.errors import answers
from loa.api.types import AuthedRequest
from loa.todo.lists import todo_for

router = Router(tags=["me"])


class RoleUnit(Schema):
    id: int
    code: str
    name: str


class RoleOut(Schema):
    role: str
    role_name: str
    unit: RoleUnit
    capabilities: list[str]


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    phone: str
    is_superuser: bool
    roles: list[RoleOut]


@router.get("", response=answers(MeOut), summary="The caller and their roles")
def me(request: AuthedRequest) -> dict[str, Any]:
    """A role covers its unit and everything below it. A superuser has every capability everywhere."""
    user = request.user
    roles = [
        {
            "role": r.role,
            "role_name": str(RoleName(r.role).label) if r.role in RoleName.values else r.role,
            "unit": r.unit,
            "capabilities": [c.value for c in Capability if c in ROLE_CAPABILITIES.get(r.role, ())],
        }
        for r in user.roles.select_related("unit").order_by("unit__name_sort", "role")
    ]
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.display_name(),
        "email": user.email,
        "phone": user.phone,
        "is_superuser": user.is_superuser,
        "roles": roles,
    }


# --- The to-do list (loa.todo.lists: the home page's, item for item) ---------------------------

ItemKind = Literal[
    "report_due", "report_returned", "article_returned", "article_draft", "page_silent", "likes_undeclared", "quota",
    "review_queue", "claims", "task_missing", "returned_forms", "failed_messages",
    "levels", "lagging", "lagging_unit", "quota_progress", "silent_pages",
]  # fmt: skip


class TodoUnit(Schema):
    id: int
    code: str
    name: str


class TodoItem(Schema):
    kind: ItemKind = Field(..., description="What the item is about; a stable code for programs.")
    title: str
    detail: str
    when: str = Field(..., description="A few words on time: how long is left, how long it has waited.")
    url: str = Field(..., description="The page of Loa where it is done (a path: one tap from its form).")
    action: str = Field(..., description="The words of the tap.")
    due: datetime | None = Field(..., description="When it is due, for the items that have a deadline.")
    overdue: bool
    count: int | None = Field(..., description="How many things the item stands for, when several.")
    tone: Literal["", "bad", "warn", "info", "ok"]


class TodoLink(Schema):
    label: str
    url: str


class TodoSection(Schema):
    role: Literal["officer", "editor", "admin", "leader"]
    title: str
    unit: TodoUnit | None = Field(..., description="The unit an officer's section is about.")
    empty: str = Field(..., description="What the section says when there is nothing to do.")
    items: list[TodoItem] = Field(..., description="Most urgent first: overdue, then by due date, then the rest.")
    links: list[TodoLink]


class TodoOut(Schema):
    sections: list[TodoSection]


@router.get("/todo", response=answers(TodoOut), summary="The caller's to-do list")
def todo(request: AuthedRequest) -> dict[str, Any]:
    """The caller's own list, as their home page shows it: a section per role (an officer's per unit
    they report for), each item one tap from its form. Nobody else's items: the list is the caller's."""
    return {"sections": todo_for(request.user)}
