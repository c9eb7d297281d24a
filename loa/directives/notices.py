"""Messages to units about their work, through the outbox: who is reached how, the notice that a
directive was issued, and a returned report.

The wording lives with its channel: e-mails in `notifications/email/`, Zalo in
`loa.notifications.zalo_messages`. What the pages preview is rendered by the same functions that
queue the messages, with a placeholder where each one-tap link will be.
"""

from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from loa.accounts.selectors import unit_officers
from loa.core.site import absolute_url
from loa.directives import onetap, services
from loa.directives.deadlines import deadline_text
from loa.directives.models import Assignment
from loa.notifications import zalo_messages
from loa.notifications.outbox import enqueue_email
from loa.notifications.reminders import channel_for, queue_to_officer, remind_unit_address

ISSUED_TEMPLATE = "notifications/email/directive_issued"
PREVIEW_ROWS = 100  # units listed on a preview page; the totals count them all


@dataclass
class Person:
    """Someone a unit's message goes to: an officer, or (`user` None) the unit's contact address."""

    unit: object
    user: object
    channel: str  # "zalo", "email", "" (cannot be reached)

    @property
    def name(self):
        return self.user.display_name() if self.user else ""

    @property
    def phone(self):
        """The officer's phone as people write it, for a `tel:` link and Zalo's chat link."""
        return self.user.phone_display() if self.user and self.user.phone else ""

    @property
    def zalo_url(self):
        """Zalo's link that opens a chat with this phone number (its national form, digits only)."""
        return "https://zalo.me/" + self.phone.replace(" ", "") if self.phone else ""

    @property
    def address(self):
        if self.channel == "zalo":
            return self.user.phone_display()
        if self.channel == "email":
            return self.user.email if self.user else self.unit.email
        return ""


def people_for(units):
    """{unit_id: [Person]} for these units (two queries)."""
    officers = unit_officers([u.pk for u in units])
    people = {}
    for unit in units:
        users = officers.get(unit.pk, [])
        if users:
            people[unit.pk] = [Person(unit, u, channel_for(u)) for u in users]
        else:
            people[unit.pk] = [Person(unit, None, "email" if unit.email else "")]
    return people


@dataclass
class Sample:
    """One message as its recipient will read it (the link shown as a placeholder)."""

    channel: str
    to: str
    subject: str
    text: str


@dataclass
class Plan:
    """Who gets what: the totals over every unit, the first units' people, and a sample per channel."""

    units: int
    officers: int
    channels: Counter  # channel -> people reached by it ("" = none reachable)
    rows: list  # [(unit, [Person])], at most PREVIEW_ROWS
    samples: list  # [Sample], one per channel used
    already: set  # unit ids that will not get it again (reminded today)

    @property
    def messages(self):
        return sum(n for channel, n in self.channels.items() if channel)

    @property
    def unreachable(self):
        """People (officers, or units with no officer) that no channel reaches."""
        return self.channels.get("", 0)


def build_plan(units, *, message_for, already=frozenset()):
    """The plan for these units: `message_for(person, link)` answers (subject, template, context,
    zalo_data) for one person, as the sending code uses it."""
    people = people_for(units)
    counts, officers, samples, rows = Counter(), 0, {}, []
    for unit in units:
        unit_people = people[unit.pk]
        if len(rows) < PREVIEW_ROWS:
            rows.append((unit, unit_people))
        if unit.pk in already:
            continue
        for person in unit_people:
            officers += person.user is not None
            counts[person.channel] += 1
            if person.channel and person.channel not in samples:
                with translation.override("vi"):  # messages are written in Vietnamese, whatever the page's language
                    samples[person.channel] = sample(person, *message_for(person, _("(one-tap link)")))
    return Plan(
        units=len(units),
        officers=officers,
        channels=counts,
        rows=rows,
        samples=[samples[c] for c in ("zalo", "email") if c in samples],
        already=set(already),
    )


def sample(person, subject, template, context, zalo_data):
    if person.channel == "zalo":
        return Sample("zalo", person.address, "", zalo_messages.text(zalo_data))
    return Sample("email", person.address, str(subject), render_to_string(f"{template}.txt", context))


def send_to(person, *, dedupe_key, message_for, link_for):
    """Queue one person's message; `link_for()` makes their link inside the queueing transaction, so
    that a message queued already leaves no link behind. Returns the channel queued on, or ""."""
    with translation.override("vi"):  # the subject too, whatever the language of the page that sends it
        return _send_to(person, dedupe_key=dedupe_key, message_for=message_for, link_for=link_for)


def _send_to(person, *, dedupe_key, message_for, link_for):
    subject, template, _context, _zalo = message_for(person, "")
    if person.user is None:
        context = message_for(person, link_for())[2]
        queued = remind_unit_address(
            unit=person.unit, dedupe_key=dedupe_key, subject=subject, template=template, context=context
        )
        return "email" if queued else ""
    made = {}

    def context():
        made["message"] = message_for(person, link_for())
        return made["message"][2]

    return queue_to_officer(
        user=person.user,
        unit=person.unit,
        dedupe_key=dedupe_key,
        subject=subject,
        template=template,
        context=context,
        zalo_data=lambda ctx: made["message"][3],
    )


# --- A directive issued ------------------------------------------------------------------------


def _issue_tasks(directive):
    return list(directive.tasks.order_by("deadline", "pk"))


def _linked_task(tasks):
    """The task a notice's link opens: the first that takes a report, else the first."""
    return next((t for t in tasks if t.has_report), tasks[0])


def _issued_message(directive, tasks):
    first = _linked_task(tasks)

    def message_for(person, link):
        subject = _("New directive: %(directive)s") % {"directive": str(directive)[:200]}
        context = {
            "user": person.user,
            "unit": person.unit,
            "directive": directive,
            "link": link,
            "tasks": [(t, deadline_text(t.deadline)) for t in tasks],
            "onetap": bool(person.user and first.has_report),
        }
        zalo = (
            zalo_messages.work_data(
                user=person.user, unit=person.unit, task=first.title, deadline=first.deadline, link=link
            )
            if person.user
            else None
        )
        return subject, ISSUED_TEMPLATE, context, zalo

    return message_for


def _issue_units(directive):
    """The recipients expected to do the work (units inactive during it are not told)."""
    expected = Assignment.objects.filter(task__directive=directive, expected=True).values("unit_id")
    return list(directive.recipients.filter(pk__in=expected).vi_ordered())


def issue_preview(directive):
    """What issuing would send: every recipient active during the work (the assignments do not exist
    yet, so the recipients stand in for them)."""
    tasks = _issue_tasks(directive)
    units = list(directive.recipients.vi_ordered())
    return build_plan(units, message_for=_issued_message(directive, tasks)) if tasks else None


def notify_issued(directive):
    """Tell every expected recipient's officers (once: each message has a dedupe key). Returns how
    many messages were queued."""
    tasks = _issue_tasks(directive)
    first = _linked_task(tasks)
    message_for = _issued_message(directive, tasks)
    units = _issue_units(directive)
    people = people_for(units)
    assignments = {a.unit_id: a for a in Assignment.objects.filter(task=first, unit__in=units)}
    queued = 0
    for unit in units:
        for person in people[unit.pk]:
            if not person.channel:
                continue
            who = person.user.pk if person.user else "unit"

            def link_for(person=person, unit=unit):
                if person.user and first.has_report:
                    return onetap.create_link(user=person.user, assignment=assignments[unit.pk])[1]
                if first.has_report:
                    return absolute_url(reverse("directives:report", args=[first.pk, unit.pk]))
                return absolute_url(reverse("directives:detail", args=[directive.pk]))

            queued += bool(
                send_to(
                    person,
                    dedupe_key=f"issued:{directive.pk}:{unit.pk}:{who}",
                    message_for=message_for,
                    link_for=link_for,
                )
            )
    return queued


def issue_and_notify(*, by, directive):
    """Issue the directive and queue its notices in one transaction: both happen, or neither.
    Returns (directive, messages queued)."""
    with transaction.atomic():
        directive = services.directive_issue(by=by, directive=directive)
        return directive, notify_issued(directive)


# --- A report returned -------------------------------------------------------------------------


def report_returned(*, assignment, reason):
    task = assignment.task
    link = absolute_url(reverse("directives:report", args=[task.pk, assignment.unit_id]))
    for user in unit_officers([assignment.unit_id]).get(assignment.unit_id, []):
        if user.email:
            enqueue_email(
                to=user.email,
                unit=assignment.unit,
                template="notifications/email/report_returned",
                subject=_("Your report was returned: %(task)s") % {"task": task.title},
                context={"user": user, "unit": assignment.unit, "task": task, "reason": reason, "link": link},
            )
