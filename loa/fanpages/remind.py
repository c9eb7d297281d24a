"""Reminders to units whose Page has been silent for N days or more, through the outbox.

Same rules as the directives' reminders (loa.notifications.reminders): Zalo or e-mail per officer,
the unit's address when it has no officer, and a dedupe key per unit, officer and day, so two runs
on the same day never send twice.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.accounts.capabilities import Capability
from loa.core.site import absolute_url
from loa.fanpages import compliance
from loa.notifications.reminders import remind_unit
from loa.units.models import Unit


def remind_silent(*, user=None, days=compliance.SILENT_DAYS, today=None, stdout=None):
    """Queue a reminder for every unit (within `user`'s reach, or all) whose Page has posted nothing for
    `days` days or more. Returns how many messages this run queued."""
    from loa.accounts.selectors import unit_officers

    today = today or timezone.localdate()
    if user is None:
        from loa.accounts.models import User

        user = User(is_superuser=True, is_active=True)
        user.__dict__["_loa_scope"] = {Capability.MANAGE_UNITS: ["/"]}
    found = compliance.silent_pages(user=user, capability=Capability.MANAGE_UNITS, today=today, days=days)
    units = Unit.objects.in_bulk([item.unit_id for _s, item in found])
    officers = unit_officers(list(units))
    queued = 0
    for silent_days, item in found:
        unit = units[item.unit_id]
        link = absolute_url(reverse("fanpages:unit", args=[unit.pk]))
        subject = _("Your Fanpage has not posted for %(days)s days — %(unit)s") % {
            "days": silent_days,
            "unit": unit.name,
        }
        context = {"unit": unit, "days": silent_days, "last": item.last_post_day, "link": link}
        queued += remind_unit(
            unit=unit,
            officers=officers.get(unit.pk, []),
            key=f"fanpage-silent:{unit.pk}",
            day=today,
            subject=subject,
            template="notifications/email/fanpage_silent",
            context=context,
            task=_("Post on the unit's Fanpage"),
            link=link,
        )
        if stdout:
            stdout.write(f"{unit.code}: {silent_days} days silent")
    return queued
