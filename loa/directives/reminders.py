"""Reminders to units that have not reported, on each task's schedule.

A reminder day is N days before the task's last day, the last day itself, then every K days
after it until the task stops reminding. One message per officer, unit, task, channel and day:
the outbox's unique dedupe key makes two overlapping runs send it once.
"""

from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.core.site import absolute_url
from loa.directives import onetap
from loa.directives.deadlines import deadline_text
from loa.directives.models import Assignment, Directive, Task
from loa.directives.notices import unit_officers
from loa.directives.services import pending_q
from loa.notifications.reminders import remind_officer, remind_unit_address

MAX_REMINDING_DAYS = 400


def last_day(task):
    """The last local day to report: the deadline's day, or the day before a midnight deadline."""
    return timezone.localtime(task.deadline - timedelta(microseconds=1)).date()


def reminder_kind(task, day):
    """'before', 'today', 'overdue' when `day` is on the task's schedule, else None."""
    end = last_day(task)
    offset = (end - day).days
    before = {int(x) for x in task.remind_days_before.split(",") if x.strip()}
    if offset > 0:
        return "before" if offset in before else None
    if offset == 0:
        return "today" if task.remind_on_day else None
    late = -offset
    every = task.remind_every_days_after
    if every and late <= task.remind_stop_after_days and late % every == 0:
        return "overdue"
    return None


def due_tasks(day):
    """Issued tasks with a reminder on `day` (only tasks whose deadline is within reach of it)."""
    earliest = timezone.make_aware(datetime.combine(day - timedelta(days=MAX_REMINDING_DAYS), time.min))
    latest = timezone.make_aware(datetime.combine(day + timedelta(days=MAX_REMINDING_DAYS), time.min))
    tasks = Task.objects.filter(
        directive__status=Directive.Status.ISSUED, deadline__range=(earliest, latest)
    ).select_related("directive", "directive__issuing_unit")
    return [t for t in tasks if reminder_kind(t, day)]


def send_reminders(*, day=None, stdout=None):
    """Queue today's reminders; returns how many messages were queued by this run."""
    day = day or timezone.localdate()
    queued = 0
    for task in due_tasks(day):
        kind = reminder_kind(task, day)
        pending = list(Assignment.objects.filter(task=task, expected=True).filter(pending_q()).select_related("unit"))
        officers = unit_officers([a.unit_id for a in pending])
        for assignment in pending:
            for user in officers.get(assignment.unit_id, []):
                if _queue_for_officer(task, assignment, user, kind, day):
                    queued += 1
            if assignment.unit.email and not officers.get(assignment.unit_id):
                if _queue_unit_email(task, assignment, kind, day):
                    queued += 1
        if stdout:
            stdout.write(f"{task}: {len(pending)} units pending ({kind})")
    return queued


def _subject(task, kind, unit):
    if kind == "overdue":
        return _("Overdue: %(task)s — %(unit)s") % {"task": task.title, "unit": unit.name}
    return _("Reminder: %(task)s — %(unit)s") % {"task": task.title, "unit": unit.name}


def _queue_for_officer(task, assignment, user, kind, day):
    """One message per officer and day, by the shared reminder rules (Zalo or e-mail)."""
    def context():
        _, link = onetap.create_link(user=user, assignment=assignment)
        return {"user": user, "unit": assignment.unit, "task": task, "kind": kind, "link": link,
                "deadline": deadline_text(task.deadline), "returned": assignment.state == Assignment.State.RETURNED}

    return remind_officer(
        user=user, unit=assignment.unit, dedupe_key=f"reminder:{task.pk}:{assignment.unit_id}:{user.pk}:{day.isoformat()}",
        subject=_subject(task, kind, assignment.unit), template="directives/email/reminder", context=context,
        zalo_data=lambda ctx: {"unit": assignment.unit.name[:100], "task": task.title[:100],
                               "deadline": timezone.localtime(task.deadline).strftime("%H:%M %d/%m/%Y"), "link": ctx["link"]},
    )


def _queue_unit_email(task, assignment, kind, day):
    """A unit with no officer account yet: remind its contact address, with a link to log in."""
    key = f"reminder:{task.pk}:{assignment.unit_id}:unit:email:{day.isoformat()}"
    link = absolute_url(reverse("directives:report", args=[task.pk, assignment.unit_id]))
    return remind_unit_address(
        unit=assignment.unit, dedupe_key=key, template="directives/email/reminder",
        subject=_subject(task, kind, assignment.unit),
        context={"user": None, "unit": assignment.unit, "task": task, "kind": kind, "link": link,
                 "deadline": deadline_text(task.deadline), "returned": assignment.state == Assignment.State.RETURNED},
    )
