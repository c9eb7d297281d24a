"""Messages to units about their reports, through the outbox."""

from django.urls import reverse
from django.utils.translation import gettext as _

from loa.accounts.capabilities import RoleName
from loa.accounts.models import User
from loa.core.site import absolute_url
from loa.notifications.outbox import enqueue_email


def unit_officers(unit_ids):
    """{unit_id: [users]} for the active officers holding a role exactly at those units."""
    officers = {}
    for user in User.objects.filter(
        is_active=True, roles__role=RoleName.OFFICER, roles__unit_id__in=unit_ids
    ).prefetch_related("roles").distinct():
        for role in user.roles.all():
            if role.role == RoleName.OFFICER and role.unit_id in unit_ids:
                officers.setdefault(role.unit_id, []).append(user)
    return officers


def report_returned(*, assignment, reason):
    task = assignment.task
    link = absolute_url(reverse("directives:report", args=[task.pk, assignment.unit_id]))
    for user in unit_officers([assignment.unit_id]).get(assignment.unit_id, []):
        if user.email:
            enqueue_email(
                to=user.email, unit=assignment.unit, template="directives/email/report_returned",
                subject=_("Your report was returned: %(task)s") % {"task": task.title},
                context={"user": user, "unit": assignment.unit, "task": task, "reason": reason, "link": link},
            )
