"""Deadlines said without ambiguity: "trước ngày 30/4/2021" is an instant, and the page says which."""

from django.utils import timezone
from django.utils.translation import gettext as _


def deadline_text(deadline):
    local = timezone.localtime(deadline)
    if local.hour == 0 and local.minute == 0:
        last_day = local - timezone.timedelta(days=1)
        return _("before %(date)s (that is, by 23:59 on %(last)s)") % {
            "date": local.strftime("%d/%m/%Y"),
            "last": last_day.strftime("%d/%m/%Y"),
        }
    return _("by %(time)s on %(date)s") % {"time": local.strftime("%H:%M"), "date": local.strftime("%d/%m/%Y")}


def time_left_text(deadline, now=None):
    now = now or timezone.now()
    delta = deadline - now
    if delta.total_seconds() < 0:
        days = (-delta).days
        return _("overdue by %(n)s day(s)") % {"n": days} if days else _("overdue")
    days = delta.days
    if days == 0:
        hours = max(1, int(delta.total_seconds() // 3600))
        return _("%(n)s hour(s) left") % {"n": hours}
    return _("%(n)s day(s) left") % {"n": days}
