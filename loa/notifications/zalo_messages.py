"""Every Zalo message Loa sends: the one place that says what Zalo messages carry and read.

Zalo sends only templates (ZNS) that Zalo approved beforehand: Loa fills in the parameters, Zalo
owns the wording. One template, `settings.ZALO_TEMPLATE_REMINDER`, serves every message about work a
unit has to do (a directive issued, a report reminder, a Page gone silent, a token to renew). Its
wording, as it must be registered with Zalo, is `WORDING` below: the preview pages show it filled
in, so what an administrator sees is what the officer reads.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy

# Zalo caps a parameter's length; these are the caps of the template as registered.
LIMITS = {"name": 30, "unit": 100, "task": 100, "deadline": 30, "link": 200}

WORDING = gettext_lazy(
    "Dear comrade {name},\n{unit} has work to do: {task}.\nDeadline: {deadline}.\nOpen it here: {link}"
)


def work_data(*, user, unit, task, deadline, link):
    """The template's parameters. `task` is the work's title, `deadline` an aware datetime or a date."""
    if hasattr(deadline, "hour"):
        deadline = timezone.localtime(deadline).strftime("%H:%M %d/%m/%Y")
    elif hasattr(deadline, "strftime"):
        deadline = deadline.strftime("%d/%m/%Y")
    values = {
        "name": user.display_name(),
        "unit": unit.name,
        "task": str(task),
        "deadline": str(deadline),
        "link": link,
    }
    return {key: value[: LIMITS[key]] for key, value in values.items()}


def text(data):
    """The message as the officer reads it on Zalo (in the active language)."""
    return str(WORDING).format(**data)
