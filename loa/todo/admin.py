"""An administrator's list: the tasks near their deadline with units still missing (their number is
the tracking page's, one tap to that list filtered on them), returned forms uploaded and not yet
recorded, and messages the outbox could not send. Three queries."""

from datetime import timedelta

from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loa.accounts.capabilities import Capability
from loa.accounts.scope import path_q, role_paths
from loa.directives.deadlines import deadline_text, time_left_text
from loa.directives.models import Directive, ReturnedFormBatch, Rollup
from loa.notifications.models import Message
from loa.notifications.views import visible_messages
from loa.todo.items import ADMIN, Item, Link, Section

NEAR_DAYS = 14  # a task whose deadline comes within two weeks
LATE_DAYS = 30  # … or passed less than a month ago (the reminders' default stop)
SHOWN = 5


def section(user, *, now):
    items = [*_tasks(user, now), *_returned_forms(user)]
    failed = _failed_messages(user)
    if failed:
        items.append(failed)
    return Section(
        role=ADMIN,
        title=_("Administration"),
        empty=_("Nothing needs you now."),
        items=items,
        links=[Link(_("All directives"), reverse("directives:list"))],
    )


def missing_by_task(user, now):
    """The issuer's rollup of each task issued in the user's reach whose deadline is near (or just
    passed) and that units still owe: `expected - reported` is the tracking page's "missing"."""
    return (
        Rollup.objects.filter(
            path_q(user, Capability.ISSUE_DIRECTIVES, field="unit__path"),
            unit_id=F("task__directive__issuing_unit_id"),
            task__directive__status=Directive.Status.ISSUED,
            task__deadline__gte=now - timedelta(days=LATE_DAYS),
            task__deadline__lte=now + timedelta(days=NEAR_DAYS),
            expected__gt=F("reported"),
        )
        .select_related("task", "task__directive")
        .order_by("task__deadline", "task_id")
    )


def _tasks(user, now):
    for rollup in missing_by_task(user, now)[:SHOWN]:
        task, missing = rollup.task, rollup.expected - rollup.reported
        overdue = task.is_overdue(now)
        yield Item(
            kind="task_missing",
            title=task.title,
            detail=ngettext(
                "%(directive)s · %(n)s of %(expected)s units has not reported · %(deadline)s",
                "%(directive)s · %(n)s of %(expected)s units have not reported · %(deadline)s",
                missing,
            )
            % {
                "directive": task.directive.number,
                "n": missing,
                "expected": rollup.expected,
                "deadline": deadline_text(task.deadline),
            },
            when=time_left_text(task.deadline, now),
            url=reverse("directives:tracking", args=[task.pk]) + "?state=missing",
            action=_("See who has not reported"),
            due=task.deadline,
            overdue=overdue,
            count=missing,
            tone="bad" if overdue else "warn",
        )


def _returned_forms(user):
    batches = (
        ReturnedFormBatch.objects.filter(
            path_q(user, Capability.ISSUE_DIRECTIVES, field="task__directive__issuing_unit__path"),
            committed_at__isnull=True,
        )
        .annotate(n=Count("files"))
        .filter(n__gt=0)
        .select_related("task")
        .order_by("created_at", "id")[:SHOWN]
    )
    for batch in batches:
        yield Item(
            kind="returned_forms",
            title=_("Returned forms to record: %(task)s") % {"task": batch.task.title},
            detail=ngettext(
                "%(n)s file uploaded on %(day)s, not yet recorded.",
                "%(n)s files uploaded on %(day)s, not yet recorded.",
                batch.n,
            )
            % {"n": batch.n, "day": timezone.localtime(batch.created_at).strftime("%d/%m/%Y")},
            url=reverse("directives:import_batch", args=[batch.task_id, batch.pk]),
            action=_("Check and record"),
            count=batch.n,
            tone="warn",
        )


def _failed_messages(user):
    if not role_paths(user, Capability.MANAGE_UNITS):
        return None
    failed = visible_messages(user).filter(status=Message.Status.FAILED).count()
    if not failed:
        return None
    return Item(
        kind="failed_messages",
        title=ngettext("%(n)s message could not be sent", "%(n)s messages could not be sent", failed) % {"n": failed},
        detail=_("See why in the outbox, correct the address and send again."),
        url=reverse("notifications:list") + "?status=failed",
        action=_("Open the outbox"),
        count=failed,
        tone="bad",
    )
