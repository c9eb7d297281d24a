"""Reminders to units that have not reported: on each task's schedule, and at once ("Nhắc ngay").

A reminder day is N days before the task's last day, the last day itself, then every K days
after it until the task stops reminding. A unit is reminded about a task at most once a local day,
whoever asks: the scheduled run and "Nhắc ngay" both claim the day's `Reminder` row first (a unique
constraint), and each message also carries a unique dedupe key (task, unit, officer, day), so two
overlapping runs queue it once.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.accounts.capabilities import Capability
from loa.accounts.scope import path_q
from loa.audit.log import log_action
from loa.core.site import absolute_url
from loa.directives import onetap
from loa.directives.deadlines import deadline_text
from loa.directives.models import Assignment, Directive, Task
from loa.directives.notices import build_plan, people_for, send_to
from loa.directives.selectors import replies_q
from loa.directives.services import pending_q
from loa.notifications import zalo_messages
from loa.notifications.reminders import claim_reminder, last_reminders, record_reminder, reminded_today

MAX_REMINDING_DAYS = 400
TEMPLATE = "notifications/email/report_reminder"


def topic(task):
    """The Reminder topic of a task's report."""
    return f"report:{task.pk}"


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


def kind_now(task, day):
    """The kind of a reminder sent on `day` off the schedule ("Nhắc ngay")."""
    offset = (last_day(task) - day).days
    return "before" if offset > 0 else "today" if offset == 0 else "overdue"


def due_tasks(day):
    """Issued tasks with a reminder on `day` (only tasks whose deadline is within reach of it)."""
    earliest = timezone.make_aware(datetime.combine(day - timedelta(days=MAX_REMINDING_DAYS), time.min))
    latest = timezone.make_aware(datetime.combine(day + timedelta(days=MAX_REMINDING_DAYS), time.min))
    tasks = Task.objects.filter(
        directive__status=Directive.Status.ISSUED, deadline__range=(earliest, latest)
    ).select_related("directive", "directive__issuing_unit")
    return [t for t in tasks if reminder_kind(t, day)]


def pending_assignments(task, *, user=None, node=None):
    """The expected assignments still owing a report, under `node` and within `user`'s view if given."""
    qs = Assignment.objects.filter(task=task, expected=True).filter(pending_q())
    if node is not None and user is not None:
        # The tracking list's reach: at the issuing unit, every recipient, also one moved away since.
        qs = qs.filter(replies_q(user, task, node))
    elif node is not None:
        qs = qs.filter(unit_path__startswith=node.path)
    elif user is not None:
        qs = qs.filter(path_q(user, Capability.VIEW, field="unit_path"))
    return list(qs.select_related("unit").order_by("unit_sort", "id"))


def _subject(task, kind, unit):
    if kind == "overdue":
        return _("Overdue: %(task)s — %(unit)s") % {"task": task.title, "unit": unit.name}
    return _("Reminder: %(task)s — %(unit)s") % {"task": task.title, "unit": unit.name}


def _message(task, kind, assignments):
    """message_for(person, link): the subject, e-mail template and context, and Zalo data of a reminder."""
    returned = {a.unit_id for a in assignments if a.state == Assignment.State.RETURNED}

    def message_for(person, link):
        unit = person.unit
        context = {
            "user": person.user,
            "unit": unit,
            "task": task,
            "kind": kind,
            "link": link,
            "deadline": deadline_text(task.deadline),
            "returned": unit.pk in returned,
        }
        zalo = (
            zalo_messages.work_data(user=person.user, unit=unit, task=task.title, deadline=task.deadline, link=link)
            if person.user
            else None
        )
        return _subject(task, kind, unit), TEMPLATE, context, zalo

    return message_for


def remind_units(*, task, assignments, kind, day, by=None):
    """Remind these units' people once today: each unit's day is claimed first, so a unit the
    scheduled run or "Nhắc ngay" already reminded today is skipped. Returns (units, messages)."""
    message_for = _message(task, kind, assignments)
    people = people_for([a.unit for a in assignments])
    units = messages = 0
    for assignment in assignments:
        with transaction.atomic():
            claim = claim_reminder(topic=topic(task), unit=assignment.unit, day=day, by=by)
            if claim is None:
                continue
            channels = []
            for person in people[assignment.unit_id]:
                if not person.channel:
                    continue
                who = person.user.pk if person.user else "unit:email"

                def link_for(person=person, assignment=assignment):
                    if person.user:
                        return onetap.create_link(user=person.user, assignment=assignment)[1]
                    return absolute_url(reverse("directives:report", args=[task.pk, assignment.unit_id]))

                channels.append(
                    send_to(
                        person,
                        dedupe_key=f"reminder:{task.pk}:{assignment.unit_id}:{who}:{day.isoformat()}",
                        message_for=message_for,
                        link_for=link_for,
                    )
                )
            record_reminder(claim, channels)
        units += 1
        messages += len([c for c in channels if c])
    return units, messages


def send_reminders(*, day=None, stdout=None):
    """Queue today's scheduled reminders; returns how many messages were queued by this run."""
    day = day or timezone.localdate()
    queued = 0
    for task in due_tasks(day):
        kind = reminder_kind(task, day)
        pending = pending_assignments(task)
        _units, messages = remind_units(task=task, assignments=pending, kind=kind, day=day)
        queued += messages
        if stdout:
            stdout.write(f"{task}: {len(pending)} units pending ({kind})")
    return queued


def remind_now_preview(*, user, task, node, day=None):
    """Who "Nhắc ngay" would remind under `node`, and with what: the units still owing their report,
    less those already reminded today (listed, marked)."""
    day = day or timezone.localdate()
    pending = pending_assignments(task, user=user, node=node)
    already = reminded_today(topic(task), [a.unit_id for a in pending], day)
    return build_plan(
        [a.unit for a in pending], message_for=_message(task, kind_now(task, day), pending), already=already
    )


def remind_now(*, by, task, node, day=None):
    """ "Nhắc ngay": remind now the units under `node` that still owe their report and were not
    reminded today. Safe to press twice. Returns (units reminded, messages queued)."""
    day = day or timezone.localdate()
    pending = pending_assignments(task, user=by, node=node)
    units, messages = remind_units(task=task, assignments=pending, kind=kind_now(task, day), day=day, by=by)
    if units:
        log_action(
            "directive.task.reminded", actor=by, obj=task, unit=node, after={"units": units, "messages": messages}
        )
    return units, messages


def reminder_rows(task, assignments):
    """Each assignment's `last_reminder` (Reminder or None) and `people` ([Person]): a bounded number of
    queries for any number of rows."""
    units = [a.unit for a in assignments]
    latest = last_reminders(topic(task), [u.pk for u in units])
    people = people_for(units)
    for a in assignments:
        a.last_reminder = latest.get(a.unit_id)
        a.people = [p for p in people[a.unit_id] if p.user is not None]
    return assignments
