"""Reminders to units that have not reported, on each task's schedule.

A reminder day is N days before the task's last day, the last day itself, then every K days
after it until the task stops reminding. One message per officer, unit, task, channel and day:
the outbox's unique dedupe key makes two overlapping runs send it once.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.directives import onetap
from loa.directives.deadlines import deadline_text
from loa.directives.models import Assignment, Directive, Task
from loa.directives.notices import unit_officers
from loa.directives.services import pending_q
from django.template.loader import render_to_string

from loa.notifications.outbox import enqueue_email, enqueue_zalo


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


class _Skip(Exception):
    pass


def _queue_for_officer(task, assignment, user, kind, day):
    """Zalo when the province has a reminder template and the officer a phone (officers live on
    Zalo), with the e-mail as fallback; otherwise e-mail. One message per officer and day."""
    use_zalo = bool(settings.ZALO_TEMPLATE_REMINDER and user.phone)
    if not use_zalo and not user.email:
        return False
    key = f"reminder:{task.pk}:{assignment.unit_id}:{user.pk}:{day.isoformat()}"
    try:
        with transaction.atomic():
            _, link = onetap.create_link(user=user, assignment=assignment)
            context = {"user": user, "unit": assignment.unit, "task": task, "kind": kind, "link": link,
                       "deadline": deadline_text(task.deadline), "returned": assignment.state == Assignment.State.RETURNED}
            subject = _subject(task, kind, assignment.unit)
            if use_zalo:
                email = None
                if user.email:
                    email = {"to": user.email, "subject": str(subject),
                             "body": render_to_string("directives/email/reminder.txt", context)}
                message = enqueue_zalo(
                    phone=user.phone, template_id=settings.ZALO_TEMPLATE_REMINDER, unit=assignment.unit,
                    dedupe_key=key, template="directives/reminder", email=email,
                    template_data={"unit": assignment.unit.name[:100], "task": task.title[:100],
                                   "deadline": timezone.localtime(task.deadline).strftime("%H:%M %d/%m/%Y"), "link": link},
                )
            else:
                message = enqueue_email(
                    to=user.email, unit=assignment.unit, dedupe_key=key, template="directives/email/reminder",
                    subject=subject, context=context,
                )
            if message is None:
                raise _Skip  # another run queued it: drop this run's link too
    except _Skip:
        return False
    return True


def _queue_unit_email(task, assignment, kind, day):
    """A unit with no officer account yet: remind its contact address, with a link to log in."""
    key = f"reminder:{task.pk}:{assignment.unit_id}:unit:email:{day.isoformat()}"
    link = settings.SITE_URL + reverse("directives:report", args=[task.pk, assignment.unit_id])
    message = enqueue_email(
        to=assignment.unit.email, unit=assignment.unit, dedupe_key=key, template="directives/email/reminder",
        subject=_subject(task, kind, assignment.unit),
        context={"user": None, "unit": assignment.unit, "task": task, "kind": kind, "link": link,
                 "deadline": deadline_text(task.deadline), "returned": assignment.state == Assignment.State.RETURNED},
    )
    return message is not None
