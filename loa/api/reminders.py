"""/api/v1/directives/tasks/{id}/remind: "Nhắc ngay" — who would be reminded and with what (dry run),
or the reminders queued, as the tracking page's button does."""

from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from loa.api.errors import WRITE, Forbidden, answers
from loa.api.types import AuthedRequest, Id, In
from loa.directives import reminders
from loa.directives.access import can_issue, get_task, tracking_node

router = Router(tags=["directives"])


class RemindIn(In):
    dry_run: bool = Field(False, description="true: list who would get what, and queue nothing.")
    unit: Id | None = Field(None, description="Only units under this one (default: the issuer, as the tracking page).")


class PersonOut(Schema):
    name: str = Field(..., description="The officer's name; empty for a unit's contact address.")
    channel: str = Field(..., description="zalo, email, or '' when nobody can be reached.")
    address: str = Field(..., description="The phone or e-mail address the message goes to.")


class UnitRemindOut(Schema):
    id: int
    code: str
    name: str
    reminded_today: bool = Field(..., description="Already reminded today: it is not reminded again.")
    people: list[PersonOut]


class SampleOut(Schema):
    channel: str
    to: str
    subject: str
    text: str = Field(..., description="The message as it reads, with a placeholder for the one-tap link.")


class RemindOut(Schema):
    dry_run: bool
    units: int = Field(..., description="Units reminded (dry run: that would be reminded).")
    messages: int = Field(..., description="Messages queued (dry run: that would be queued).")
    recipients: list[UnitRemindOut] = Field(..., description="The first 100 units, with their officers and channels.")
    samples: list[SampleOut] = Field(..., description="One message per channel, as its recipient reads it.")


@router.post("/tasks/{int:task_id}/remind", response=answers(RemindOut, *WRITE), summary="Remind now (Nhắc ngay)")
def remind_now(request: AuthedRequest, task_id: Id, payload: RemindIn) -> dict[str, Any]:
    """The units under `unit` that have not reported (or whose report was returned) are reminded now,
    each officer on their channel. A unit already reminded today, by the daily run or an earlier call,
    is not reminded again: calling twice is safe."""
    task = get_task(request.user, task_id)
    if not can_issue(request.user, task.directive):
        raise Forbidden(_("You may view this directive but not change it."))
    node = tracking_node(request.user, task, payload.unit)
    plan = reminders.remind_now_preview(user=request.user, task=task, node=node)
    units, messages = plan.units - len(plan.already), plan.messages
    if not payload.dry_run:
        units, messages = reminders.remind_now(by=request.user, task=task, node=node)
    return {
        "dry_run": payload.dry_run,
        "units": units,
        "messages": messages,
        "recipients": [
            {
                "id": unit.pk,
                "code": unit.code,
                "name": unit.name,
                "reminded_today": unit.pk in plan.already,
                "people": [{"name": p.name, "channel": p.channel, "address": p.address} for p in people],
            }
            for unit, people in plan.rows
        ],
        "samples": [vars(s) for s in plan.samples],
    }
